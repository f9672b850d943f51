/**
 * One case: its state, the petitioner as the API shows them to this role
 * (masked or withheld by the server, never here), the matter, how it is being
 * handled, its deadlines, open incidents, the actions allowed now, and its trail.
 */
import { api } from '../api-client.js';
import { append, definitions, h, section, table } from '../dom.js';
import { deadlineTable } from '../deadline-view.js';
import { describe, time } from '../format.js';
import { CHANNELS, CLOSURES, EVENTS, ITEM_CLASSES, labelled, ROLES, stateLabel, STATES, SUPERVISION_LEVELS, valuesOf } from '../labels.js';
import { offers } from '../pages.js';
import { unitLabel } from '../unit-directory.js';
import { rememberNames, userLabel } from '../user-names.js';
import { exportButtons } from './export-buttons.js';

/** The exported trail's file name, before the case number (the format's extension added). */
const TRAIL_EXPORT_NAME = '办理轨迹';
import { documentsSection } from './documents.js';
import { eventActions } from './event-actions.js';

/**
 * Parts of the view that say how the case is being handled, shown when set:
 * the fields of every version (a version 1 or 2 case has `escalation` and
 * `delivery`; a version 3 case the handling body, review body, supervision
 * beside the lifecycle, notice, report and every act in order).
 */
const HANDLING = [
  ['assignee', '承办单位 Handling body'],
  ['review', '复查（复核）机关 Review body'],
  ['moves', '转送记录 Transfers'],
  ['assignment', '交办 Assignment'],
  ['notice', '受理告知 Notice'],
  ['objections', '异议 Objections'],
  ['infoRequests', '补充材料 Materials'],
  ['conference', '联席会议 Joint conference'],
  ['leader', '包案领导 Leader'],
  ['instructions', '领导批示 Instructions'],
  ['supervision', '督办 Supervision'],
  ['mediation', '调解 Mediation'],
  ['hearings', '听证 Hearings'],
  ['extension', '延期 Extension'],
  ['pauses', '期限中止 Pauses'],
  ['escalation', '督办 Escalation'],
  ['resolutions', '处理意见（含复查、复核） Answers'],
  ['resolution', '处理意见 Resolution'],
  ['delivery', '送达 Delivery'],
  ['deliveries', '送达 Deliveries'],
  ['satisfaction', '满意度 Satisfaction'],
  ['report', '办结报告 Closing report'],
  ['routing', '导入法定程序 Routed'],
  ['referral', '转政法/纪检监察 Referred'],
  ['rejection', '不予受理 Rejection'],
  ['withdrawal', '撤回 Withdrawal'],
  ['mergedInto', '并入案件 Merged into'],
  ['closure', '结案 Closure'],
];

/** Art 35: what a version 1 or 2 `reviewStage` counts (version 3 names its stage: first, review, reReview). */
const REVIEW_STAGES = { 1: '复查已决定 review decided', 2: '复核已决定（终局） re-review decided, final' };

/** Whether a part of the view is there to show: set, and not an empty list. */
const present = (value) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);

export async function renderCaseDetail(view, { match, session }) {
  const id = match[1].toLowerCase();
  const status = h('p', { role: 'status', class: 'notice', hidden: true });

  async function load() {
    const [petition, history] = await Promise.all([api(`/petitions/${id}`), api(`/petitions/${id}/history`)]);
    rememberNames(history.names);
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
        h('strong', { class: `state state-${petition.state}`, 'data-testid': 'case-state' }, stateLabel(petition)),
        ` · 版本 v${petition.version} · 编号 `,
        h('strong', { 'data-testid': 'case-number' }, petition.number ?? '—'),
        ' · id ',
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
              `已提交「${EVENTS[type] ?? type}」，案件现为「${CLOSURES[updated.closure] ?? STATES[updated.state] ?? updated.state}」。`,
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
      section(
        '轨迹',
        'Trail',
        exportButtons(`/petitions/${petition.id}/history`, {}, `${TRAIL_EXPORT_NAME}-${petition.number ?? petition.id}`),
        trailTable(events),
      ),
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
    ['单位 Unit', unitLabel(p.unit)],
    ['渠道 Channel', labelled(CHANNELS, p.channel)],
    ['类别 Class', p.class ? labelled(ITEM_CLASSES, p.class) : null],
    ['标记 Flags', p.flags && Object.keys(p.flags).length > 0 ? describe(p.flags, 'flags') : null],
    ['接待 Received by', p.receivedBy ? labelled(valuesOf('receivedBy'), p.receivedBy) : null],
    ['登记时间 Recorded', time(p.createdAt)],
    ['最后更新 Updated', time(p.updatedAt)],
    ['规则版本 Machine version', String(p.machineVersion)],
    ['督办 Supervised', supervisionLine(p)],
    [
      '复查复核 Review stage',
      REVIEW_STAGES[p.reviewStage] ?? (p.reviewStage && p.reviewStage !== 'first' ? labelled(valuesOf('stage'), p.reviewStage) : null),
    ],
  ]);
}

/** Under supervision now: its level (督办, 挂牌督办 …) for version 3, "listed" for versions 1 and 2. */
function supervisionLine(p) {
  if (p.supervision?.active) return labelled(SUPERVISION_LEVELS, p.supervision.level);
  return p.listed ? '挂牌督办 listed' : null;
}

function handling(p) {
  const pairs = HANDLING.filter(([key]) => present(p[key])).map(([key, label]) => [label, describe(p[key], key)]);
  return pairs.length === 0 ? h('p', { class: 'empty' }, '尚未交办。Not handed to a unit yet.') : definitions(pairs);
}

function incidentList(incidents) {
  return table(
    '后台任务多次失败，需督办处理（见故障任务页）',
    ['编号 Id', '期限 Period', '错误 Error', '时间 At'],
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

/** Who acted: the person's name, their role and unit (the deadline workers as the system). */
function actorCell(actor) {
  if (actor.role === 'system') return userLabel(actor.id, actor.role);
  return [userLabel(actor.id), ' ', h('small', null, ROLES[actor.role] ?? '', ' · ', unitLabel(actor.unit))];
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
        h('td', null, actorCell(e.actor)),
        h('td', null, Object.keys(e.fields).length === 0 ? '—' : describe(e.fields, null, e.type)),
        h('td', null, h('code', { title: e.hash }, e.hash.slice(0, 12))),
      ),
    ),
  );
}
