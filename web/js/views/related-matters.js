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
import { labelled, STATES } from '../labels.js';

const LISTS = [
  { key: 'finalMatches', zh: '已终结的同类事项', en: 'Final matters on a similar request (Art 36)', ground: 'final' },
  { key: 'inProgressBelow', zh: '下级正在办理', en: 'In progress below (Art 19)', ground: 'in-progress-below' },
  { key: 'samePerson', zh: '该信访人的其他事项', en: 'The same person’s matters', ground: null },
  { key: 'similar', zh: '同一单位的相似诉求', en: 'Similar requests in this unit', ground: null },
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
  return [h('a', { href: `#/cases/${m.caseId}` }, m.number ?? m.caseId), ' ', m.summary];
}

/** The registration result of a newly recorded case. */
export async function registrationResult(created) {
  const status = h('div', { 'aria-live': 'polite' });
  const withGround = created.allowedEvents.includes('REJECT') && (await rejectTakesGround(created.machineVersion));
  const related = await api(`/petitions/${created.id}/related`);

  async function act(button, body) {
    await submitting({ button, errors: status }, async () => {
      const updated = await api(`/petitions/${created.id}/events`, { method: 'POST', body: { ...body, expectedVersion: created.version } });
      status.replaceChildren(h('p', { class: 'notice', role: 'status' }, `已提交：${labelled(STATES, updated.state)}`));
    });
  }

  function actions(m, ground) {
    const buttons = [];
    if (created.allowedEvents.includes('MERGE') && !['closed', 'rejected'].includes(m.state)) {
      const b = h(
        'button',
        { type: 'button', 'data-action': 'MERGE', onclick: () => void act(b, { type: 'MERGE', intoCaseId: m.caseId }) },
        '并入此件 Merge',
      );
      buttons.push(b);
    }
    if (ground !== null && withGround) {
      const b = h(
        'button',
        { type: 'button', 'data-action': 'REJECT', onclick: () => void act(b, { type: 'REJECT', ground, relatedCaseId: m.caseId }) },
        '不予受理 Reject',
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
      '已登记 Recorded：',
      h('strong', { 'data-testid': 'case-number' }, created.number ?? created.id),
      flags?.first === true ? ' · 初信初访 first petition' : '',
      flags?.repeat === true ? ' · 重复信访 repeat' : '',
      ' · ',
      h('a', { href: `#/cases/${created.id}` }, '打开案件 Open the case'),
    ),
    status,
    LISTS.map((list) =>
      section(
        list.zh,
        list.en,
        related[list.key].length === 0
          ? h('p', { class: 'empty' }, '无 None')
          : table(
              `${related[list.key].length} 件`,
              ['事项 Matter', '单位 Unit', '状态 State', '登记时间 Recorded', '操作 Actions'],
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
    return h(
      'div',
      { 'data-testid': 'registration' },
      h('a', { href: `#/cases/${created.id}` }, '打开案件 Open the case'),
      errorAlert(err),
    );
  }
}
