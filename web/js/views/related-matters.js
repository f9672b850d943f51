/**
 * 一人一档 at registration: the new case's number, the system's proposal
 * (初信初访, 重复信访) and the four lists of `GET /petitions/:id/related`
 * (the same person's matters, similar requests, final matters on a similar
 * request, matters open below), each with the one-click actions the case
 * allows now: MERGE into an open matter, and REJECT with its ground and the
 * related case when the machine's REJECT takes a `ground` (version 3). The
 * system proposes; the clerk decides, and the decision is the case's next event.
 */
import { unitLabel } from '../unit-directory.js';
import { api } from '../api-client.js';
import { eventSchema } from '../api-schemas.js';
import { h, section, table } from '../dom.js';
import { errorAlert } from '../error-view.js';
import { submitting } from '../form-submit.js';
import { time } from '../format.js';
import { t } from '../i18n/i18n.js';
import { labelled, nameOf, STATES } from '../labels.js';

const LISTS = [
  { key: 'finalMatches', ground: 'final' },
  { key: 'inProgressBelow', ground: 'in-progress-below' },
  { key: 'samePerson', ground: null },
  { key: 'similar', ground: null },
];

/** Whether the case's machine's REJECT names a ground and a related case (version 3); earlier versions take a reason only. */
async function rejectTakesGround(machineVersion) {
  try {
    const schema = await eventSchema('REJECT', machineVersion);
    return schema.properties?.ground !== undefined && schema.properties?.relatedCaseId !== undefined;
  } catch {
    return false;
  }
}

function matterLabel(m) {
  return [h('a', { href: `#/cases/${m.caseId}`, title: m.caseId }, m.number ?? t('people.noNumber')), ' ', m.summary];
}

/** The registration result of a newly recorded case. */
export async function registrationResult(created) {
  const status = h('div', { 'aria-live': 'polite' });
  const withGround = created.allowedEvents.includes('REJECT') && (await rejectTakesGround(created.machineVersion));
  const related = await api(`/petitions/${created.id}/related`);

  async function act(button, body) {
    await submitting({ button, errors: status }, async () => {
      const updated = await api(`/petitions/${created.id}/events`, { method: 'POST', body: { ...body, expectedVersion: created.version } });
      status.replaceChildren(h('p', { class: 'notice', role: 'status' }, t('related.done', { state: nameOf(STATES, updated.state) })));
    });
  }

  function actions(m, ground) {
    const buttons = [];
    if (created.allowedEvents.includes('MERGE') && !['closed', 'rejected'].includes(m.state)) {
      const b = h(
        'button',
        { type: 'button', 'data-action': 'MERGE', onclick: () => void act(b, { type: 'MERGE', intoCaseId: m.caseId }) },
        t('related.merge'),
      );
      buttons.push(b);
    }
    if (ground !== null && withGround) {
      const b = h(
        'button',
        { type: 'button', 'data-action': 'REJECT', onclick: () => void act(b, { type: 'REJECT', ground, relatedCaseId: m.caseId }) },
        t('related.reject'),
      );
      buttons.push(b);
    }
    return buttons;
  }

  const flags = created.flags;
  return h(
    'div',
    { 'data-testid': 'registration' },
    h(
      'p',
      { class: 'notice', role: 'status' },
      t('related.recorded'),
      h('strong', { 'data-testid': 'case-number' }, created.number ?? created.id),
      flags?.first === true ? t('related.first') : '',
      flags?.repeat === true ? t('related.repeat') : '',
      ' · ',
      h('a', { href: `#/cases/${created.id}` }, t('related.open')),
    ),
    status,
    LISTS.map((list) =>
      section(
        t(`related.${list.key}`),
        related[list.key].length === 0
          ? h('p', { class: 'empty' }, t('related.none'))
          : table(
              t('related.count', { n: related[list.key].length }),
              [t('list.col.matter'), t('field.unit'), t('field.status'), t('case.recorded'), t('case.actions')],
              related[list.key].map((m) =>
                h(
                  'tr',
                  { 'data-case-id': m.caseId },
                  h('td', null, matterLabel(m)),
                  h('td', null, unitLabel(m.unit.code, m.unit.name ?? undefined)),
                  h('td', null, labelled(STATES, m.state)),
                  h('td', null, time(m.createdAt)),
                  h('td', null, actions(m, list.ground)),
                ),
              ),
            ),
      ),
    ),
  );
}

/** The result, or the API's refusal of the related read (the case itself is recorded either way). */
export async function registrationResultOrError(created) {
  try {
    return await registrationResult(created);
  } catch (err) {
    return h('div', { 'data-testid': 'registration' }, h('a', { href: `#/cases/${created.id}` }, t('related.open')), errorAlert(err));
  }
}
