/* global location, URLSearchParams */
/**
 * Background jobs that failed for good (GET /incidents), and retrying them
 * (POST /incidents/:id/retry) for the roles the API lets retry.
 */
import { api } from '../api-client.js';
import { h, heading, table } from '../dom.js';
import { submitting } from '../form-submit.js';
import { describe, time } from '../format.js';
import { t } from '../i18n/i18n.js';
import { INCIDENT_RETRY_ROLES } from '../pages.js';

export async function renderIncidents(view, { params, session }) {
  const all = params.get('all') === 'true';
  const cursor = params.get('cursor') ?? undefined;
  const { items, nextCursor } = await api('/incidents', { query: { all: all ? 'true' : undefined, cursor } });
  const pageHash = (next) =>
    `#/incidents?${new URLSearchParams(Object.entries({ all: all ? 'true' : undefined, cursor: next }).filter(([, v]) => v !== undefined))}`;
  const canRetry = INCIDENT_RETRY_ROLES.includes(session.claims.role);
  const allBox = h('input', {
    id: 'incidents-all',
    type: 'checkbox',
    checked: all,
    onchange: (event) => (location.hash = event.target.checked ? '#/incidents?all=true' : '#/incidents'),
  });

  view.append(
    heading(t('nav.incidents')),
    h('p', null, t('incidents.intro')),
    h('div', { class: 'field checkbox' }, allBox, ' ', h('label', { for: 'incidents-all' }, t('incidents.includeHandled'))),
    items.length === 0
      ? h('p', { class: 'empty' }, all ? t('incidents.none') : t('incidents.noneOpen'))
      : table(
          t('incidents.caption'),
          [
            t('incidents.col.id'),
            t('incidents.col.case'),
            t('field.clock'),
            t('incidents.col.job'),
            t('incidents.col.attempts'),
            t('incidents.col.error'),
            t('field.status'),
            t('trail.col.at'),
            t('account.col.action'),
          ],
          items.map((incident) => incidentRow(incident, canRetry)),
        ),
    h(
      'p',
      { class: 'pager' },
      cursor !== undefined && h('a', { href: pageHash(undefined) }, t('pager.newest')),
      cursor !== undefined && nextCursor !== null && ' · ',
      nextCursor !== null && h('a', { href: pageHash(nextCursor) }, t('pager.older')),
    ),
  );
}

function incidentRow(incident, canRetry) {
  const statusCell = h('td', null, describe(incident.status, 'status'));
  const actionCell = h('td', null);
  if (canRetry && incident.status === 'open') {
    const errors = h('div', { 'aria-live': 'polite' });
    const retry = h('button', { type: 'button' }, t('incidents.retry'));
    const send = () =>
      submitting({ button: retry, errors }, async () => {
        const updated = await api(`/incidents/${incident.id}/retry`, { method: 'POST' });
        statusCell.replaceChildren(describe(updated.status, 'status'));
        actionCell.replaceChildren(h('span', { role: 'status' }, t('incidents.queued')));
      });
    retry.addEventListener('click', () => void send());
    actionCell.append(retry, errors);
  }
  return h(
    'tr',
    { 'data-incident-id': incident.id },
    h('td', null, incident.id),
    h('td', null, incident.caseId === null ? '—' : h('a', { href: `#/cases/${incident.caseId}` }, t('incidents.openCase'))),
    h('td', null, describe(incident.clock, 'clock')),
    h('td', { title: incident.jobName }, t('incidents.job')),
    h('td', null, String(incident.attempts)),
    h('td', null, h('details', { class: 'technical' }, h('summary', null, t('error.technical')), h('p', null, incident.error))),
    statusCell,
    h('td', null, time(incident.createdAt)),
    actionCell,
  );
}
