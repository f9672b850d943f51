/* global location, URLSearchParams */
/**
 * Background jobs that failed for good (GET /incidents), and retrying them
 * (POST /incidents/:id/retry) for the roles the API lets retry.
 */
import { api } from '../api-client.js';
import { h, heading, table } from '../dom.js';
import { submitting } from '../form-submit.js';
import { describe, shortId, time } from '../format.js';
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
    heading('故障任务', 'Incidents'),
    h('p', null, '提醒、督办等后台任务重试用尽后记录在此；期限本身保存在数据库中，重试即重新执行该任务。'),
    h('div', { class: 'field checkbox' }, allBox, ' ', h('label', { for: 'incidents-all' }, '包括已处理的 Include handled ones')),
    items.length === 0
      ? h('p', { class: 'empty' }, all ? '没有故障任务。No incidents.' : '没有未处理的故障任务。No open incidents.')
      : table(
          '辖区内的故障任务',
          ['编号 Id', '案件 Case', '期限 Period', '任务 Job', '尝试 Attempts', '错误 Error', '状态 Status', '时间 At', '操作 Action'],
          items.map((incident) => incidentRow(incident, canRetry)),
        ),
    h(
      'p',
      { class: 'pager' },
      cursor !== undefined && h('a', { href: pageHash(undefined) }, '« 最新 Newest'),
      cursor !== undefined && nextCursor !== null && ' · ',
      nextCursor !== null && h('a', { href: pageHash(nextCursor) }, '较早的 Older »'),
    ),
  );
}

function incidentRow(incident, canRetry) {
  const statusCell = h('td', null, describe(incident.status, 'status'));
  const actionCell = h('td', null);
  if (canRetry && incident.status === 'open') {
    const errors = h('div', { 'aria-live': 'polite' });
    const retry = h('button', { type: 'button' }, '重试 Retry');
    const send = () =>
      submitting({ button: retry, errors }, async () => {
        const updated = await api(`/incidents/${incident.id}/retry`, { method: 'POST' });
        statusCell.replaceChildren(describe(updated.status, 'status'));
        actionCell.replaceChildren(h('span', { role: 'status' }, '已重新排队 Queued again'));
      });
    retry.addEventListener('click', () => void send());
    actionCell.append(retry, errors);
  }
  return h(
    'tr',
    { 'data-incident-id': incident.id },
    h('td', null, incident.id),
    h(
      'td',
      null,
      incident.caseId === null
        ? '—'
        : h('a', { href: `#/cases/${incident.caseId}` }, h('code', { title: incident.caseId }, shortId(incident.caseId))),
    ),
    h('td', null, describe(incident.clock, 'clock')),
    h('td', null, h('code', null, incident.jobName)),
    h('td', null, String(incident.attempts)),
    h('td', null, incident.error),
    statusCell,
    h('td', null, time(incident.createdAt)),
    actionCell,
  );
}
