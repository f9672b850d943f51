/**
 * The words people read for the version 3 vocabulary, in the terms of the
 * 信访工作条例 and of the bureaus' practice (期限, not 时钟; 督办人员 for the
 * supervisor). The API and the console show these next to the codes.
 */
import type { ItemClass, Relation, SupervisionLevel, V3ClockName, V3Closure, V3State } from './v3.vocabulary';

/** States as the bureaus name them. A closed case is named by its closure. */
export const V3_STATE_LABELS: Readonly<Record<V3State, string>> = {
  registered: '已登记',
  transferred: '已转送',
  objected: '异议待核',
  accepted: '已受理',
  mediating: '调解中',
  answered: '已出具意见',
  delivered: '已送达',
  reviewing: '复查中',
  rereviewing: '复核中',
  closed: '已结案',
};

/** How a case ended. */
export const V3_CLOSURE_LABELS: Readonly<Record<V3Closure, string>> = {
  concluded: '已办结',
  final: '已终结',
  routed: '已导入法定程序',
  referred: '已转政法/纪检监察机关',
  rejected: '不予受理',
  merged: '已合并',
  withdrawn: '已撤回',
};

/** The periods (期限) of the regulation and of practice. */
export const V3_CLOCK_LABELS: Readonly<Record<V3ClockName, string>> = {
  dispatch: '转送交办期限',
  notice: '受理告知期限',
  objection: '异议期限',
  handling: '办理期限',
  report: '办结报告期限',
  reviewRequest: '复查申请期限',
  reviewDecision: '复查期限',
  reReviewRequest: '复核申请期限',
  reReviewDecision: '复核期限',
  supervision: '督办期限',
  satisfaction: '评价期限',
};

/** Supervision levels, from mild to severe. */
export const SUPERVISION_LEVEL_LABELS: Readonly<Record<SupervisionLevel, string>> = {
  supervise: '督办',
  list: '挂牌督办',
  interview: '约谈',
  circulate: '通报',
};

/** Item classes (Arts 29-31). */
export const ITEM_CLASS_LABELS: Readonly<Record<ItemClass, string>> = {
  suggestion: '建议意见类',
  accusation: '检举控告类',
  complaint: '申诉求决类',
};

/** An actor's unit's relation to a case. */
export const RELATION_LABELS: Readonly<Record<Relation, string>> = {
  sender: '登记或转送单位',
  body: '承办单位',
  review: '复查（复核）机关',
  above: '上级单位',
};

/** The label of a case's state: its closure's once it is closed. */
export function v3StateLabel(state: V3State, closure: V3Closure | null): string {
  return state === 'closed' && closure !== null ? V3_CLOSURE_LABELS[closure] : V3_STATE_LABELS[state];
}
