/**
 * One case: its state, the petitioner as the API shows them to this role
 * (masked or withheld by the server, never here), the matter, how it is being
 * handled, its deadlines, open incidents, the actions allowed now, and its trail.
 */
import { api } from '../api-client.js';
import { append, definitions, h, section, table } from '../dom.js';
import { deadlineTable } from '../deadline-view.js';
import { describe, time } from '../format.js';
import { CHANNELS, EVENTS, labelled, ROLES, STATES } from '../labels.js';
import { offers } from '../pages.js';
import { documentsSection } from './documents.js';
import { eventActions } from './event-actions.js';

/** Parts of the view that say how the case is being handled, shown when set. */
const HANDLING = [
  ['assignee', '交办 Assignee'],
  ['leader', '包案领导 Leader'],
  ['mediation', '调解 Mediation'],
  ['extension', '延期 Extension'],
  ['escalation', '督办 Escalation'],
  ['resolution', '处理意见 Resolution'],
  ['delivery', '送达 Delivery'],
  ['satisfaction', '满意度 Satisfaction'],
  ['rejection', '不予受理 Rejection'],
  ['mergedInto', '并入案件 Merged into'],
  ['closure', '终结 Closure'],
];

/** Art 35: what `reviewStage` counts. */
const REVIEW_STAGES = { 1: '复查已决定 review decided', 2: '复核已决定（终局） re-review decided, final' };

export async function renderCaseDetail(view, { match, session }) {
  const id = match[1].toLowerCase();
  const status = h('p', { role: 'status', class: 'notice', hidden: true });

  async function load() {
    const [petition, history] = await Promise.all([api(`/petitions/${id}`), api(`/petitions/${id}/history`)]);
    draw(petition, history.events);
  }

  function draw(petition, events) {
    view.replaceChildren();
    // append() skips the sections that do not apply (false), which replaceChildren would print as text.
    append(view, [
      h('p', { class: 'crumbs' }, h('a', { href: '#/cases' }, '← 案件列表 Cases')),
      h('h1', { tabindex: '-1' }, petition.matter.summary),
      h(
        'p',
        { class: 'state-line' },
        '状态 State：',
        h('strong', { class: `state state-${petition.state}`, 'data-testid': 'case-state' }, labelled(STATES, petition.state)),
        ` · 版本 v${petition.version} · 编号 `,
        h('code', null, petition.id),
      ),
      status,
      section(
        '操作',
        'Actions',
        eventActions(petition, {
          onDone: async (updated, type) => {
            // Re-read rather than draw the command's answer: only a case read carries its open incidents.
            await load();
            status.hidden = false;
            status.replaceChildren(
              `已提交「${EVENTS[type] ?? type}」，案件现为「${STATES[updated.state] ?? updated.state}」。`,
              `${type} accepted.`,
            );
          },
          onReload: load,
        }),
        offers(session.claims.role, '#/audit') &&
          h('p', null, h('a', { href: `#/audit?case=${petition.id}` }, '回放与导出轨迹 Replay and export the trail')),
      ),
      section(
        '信访人',
        'Petitioner',
        h('div', { 'data-testid': 'petitioner' }, describe(petition.petitioner)),
        representatives(petition.representatives),
      ),
      section('信访事项', 'Matter', describe(petition.matter)),
      section('概况', 'Overview', overview(petition)),
      section('办理情况', 'Handling', handling(petition)),
      section('期限', 'Deadlines', deadlineTable(petition.deadlines)),
      documentsSection(petition.id),
      petition.incidents?.length > 0 && section('故障任务', 'Incidents', incidentList(petition.incidents)),
      section('轨迹', 'Trail', trailTable(events)),
    ]);
  }

  await load();
}

function representatives(list) {
  if (list.length === 0) return null;
  return h('div', null, h('h3', null, '代表 ', h('span', { lang: 'en' }, 'Representatives')), describe(list));
}

function overview(p) {
  return definitions([
    ['单位 Unit', h('code', null, p.unit)],
    ['渠道 Channel', labelled(CHANNELS, p.channel)],
    ['登记时间 Recorded', time(p.createdAt)],
    ['最后更新 Updated', time(p.updatedAt)],
    ['规则版本 Machine version', String(p.machineVersion)],
    ['挂牌督办 Listed', p.listed ? '是 yes' : null],
    ['复查复核 Review stage', REVIEW_STAGES[p.reviewStage] ?? null],
  ]);
}

function handling(p) {
  const pairs = HANDLING.filter(([key]) => p[key] !== null && p[key] !== undefined).map(([key, label]) => [label, describe(p[key], key)]);
  return pairs.length === 0 ? h('p', { class: 'empty' }, '尚未交办。Not handed to a unit yet.') : definitions(pairs);
}

function incidentList(incidents) {
  return table(
    '后台任务多次失败，需督办处理（见故障任务页）',
    ['编号 Id', '时钟 Clock', '错误 Error', '时间 At'],
    incidents.map((i) =>
      h(
        'tr',
        null,
        h('td', null, i.id),
        h('td', null, describe(i.clock, 'clock')),
        h('td', null, i.error),
        h('td', null, time(i.createdAt)),
      ),
    ),
  );
}

/** The hash-chained trail: every change, who made it and when, with the start of its hash. */
function trailTable(events) {
  return table(
    `共 ${events.length} 条记录，每条以哈希链接前一条`,
    ['序号 Seq', '时间 At', '事件 Event', '操作人 Actor', '内容 Fields', '哈希 Hash'],
    events.map((e) =>
      h(
        'tr',
        { 'data-seq': e.seq, 'data-event': e.type },
        h('td', null, String(e.seq)),
        h('td', null, time(e.at)),
        h('td', null, labelled(EVENTS, e.type)),
        h('td', null, labelled(ROLES, e.actor.role), ' ', e.actor.id),
        h('td', null, Object.keys(e.fields).length === 0 ? '—' : describe(e.fields, null, e.type)),
        h('td', null, h('code', { title: e.hash }, e.hash.slice(0, 12))),
      ),
    ),
  );
}
