/**
 * The words of machine version 3, each list written once: the two tiers of the
 * 信访工作条例 (the bureau that dispatches, the body that handles), how a case
 * ends, its clocks, the relations an actor's unit can have to a case, item
 * classes, flags and supervision levels. Schemas, machine, permission table and
 * tests all read these lists.
 */

/** The ten states of version 3, as users and the API name them. */
export const V3_STATES = [
  'registered', // 登记: at a bureau (dispatch clock) or at a body (notice clock), Art 19
  'transferred', // 已转送 / 已交办: with the receiving body, which notices or objects, Arts 22-23
  'objected', // 异议: the body said "not ours"; the sending bureau rules, Art 23 ¶3
  'accepted', // 已受理 / 办理中: the body handles the matter, Arts 31-34
  'mediating', // 调解: mediation or reconciliation, Art 33
  'answered', // 已出具意见: the written opinion or the mediation agreement, Arts 32-33
  'delivered', // 已送达: the petitioner's windows are open, Arts 21, 35
  'reviewing', // 复查中: at the next-higher body, Art 35
  'rereviewing', // 复核中: one level higher again, Art 36
  'closed', // 已办结 / 已终结 …: see V3_CLOSURES
] as const;
export type V3State = (typeof V3_STATES)[number];

/** States in which a case is still open (every state but `closed`). */
export const V3_OPEN_STATES = V3_STATES.filter((s): s is Exclude<V3State, 'closed'> => s !== 'closed');
export type V3OpenState = (typeof V3_OPEN_STATES)[number];

/**
 * How a closed case ended: 办结 (answered, the petitioner's windows lapsed),
 * 终结 (re-review answer delivered, Art 36 ¶3), 导入程序 (Art 31(1)-(5)),
 * 已转政法/纪检 (Art 22 ¶2), 不予受理 (Art 19 ¶3, Art 36 ¶3), 已合并, 已撤回.
 */
export const V3_CLOSURES = ['concluded', 'final', 'routed', 'referred', 'rejected', 'merged', 'withdrawn'] as const;
export type V3Closure = (typeof V3_CLOSURES)[number];

/** The clocks of version 3 (the policy gives each its length, calendar, reminders and breach action). */
export const V3_CLOCK_NAMES = [
  'dispatch', // 转送交办: 15 days for the bureau, Art 22
  'notice', // 受理告知: 15 days for the receiving body, Art 23
  'objection', // 异议: 5 working days, Art 23 ¶3
  'handling', // 办理: 60 days from acceptance, one extension ≤ 30 days, Art 34
  'report', // 办结报告: the bureau's deadline for an assigned (交办) case, Art 22(3)
  'reviewRequest', // 复查请求: 30 days, Art 35
  'reviewDecision', // 复查: 30 days, Art 35
  'reReviewRequest', // 复核请求: 30 days, Art 36
  'reReviewDecision', // 复核: 30 days, hearings excluded, Art 36 ¶2
  'supervision', // 督办期限: set by the supervisor, Arts 38-40
  'satisfaction', // 评价: 30 days (practice), Art 21
] as const;
export type V3ClockName = (typeof V3_CLOCK_NAMES)[number];

/**
 * Clocks whose breach, when the policy says `escalate`, puts the case under
 * supervision (督办) without moving it: the bureau's and the body's duties.
 */
export const V3_DUTY_CLOCKS = [
  'dispatch',
  'notice',
  'handling',
  'report',
  'reviewDecision',
  'reReviewDecision',
] as const satisfies readonly V3ClockName[];

/** The petitioner's review windows: their lapse (policy `close`) closes the case as 办结 (Arts 35-36). */
export const V3_REVIEW_WINDOWS = ['reviewRequest', 'reReviewRequest'] as const satisfies readonly V3ClockName[];

/**
 * An actor's unit's relation to a case, computed by the engine from the unit
 * tree and the units the snapshot records: the bureau that registered or
 * transferred it (`sender`), the handling body (`body`), the body reviewing it
 * now or next (`review`), or a unit above any of them (`above`).
 */
export const RELATIONS = ['sender', 'body', 'review', 'above'] as const;
export type Relation = (typeof RELATIONS)[number];

/** Arts 29-31: the class the clerk sets at intake, which decides the route. */
export const ITEM_CLASSES = ['suggestion', 'accusation', 'complaint'] as const;
export type ItemClass = (typeof ITEM_CLASSES)[number];

/** Flags a clerk sets at intake, each counted by the statistics (Arts 20, 22 ¶2, 25, 28). */
export const FLAGS = ['group', 'skipLevel', 'lawRelated', 'majorUrgent'] as const;
export type Flag = (typeof FLAGS)[number];

/**
 * Flags the clerk does not set: registration reads them from the petitioner's
 * file (一人一档). 初信初访: no earlier matter; 重复信访: an earlier matter on a
 * similar request. Counted by the statistics beside the four above.
 */
export const PERSON_FLAGS = ['first', 'repeat'] as const;
export type PersonFlag = (typeof PERSON_FLAGS)[number];

/** Arts 38-40 and practice: 督办 (with a deadline), 挂牌督办 (listed), 约谈, 通报, from mild to severe. */
export const SUPERVISION_LEVELS = ['supervise', 'list', 'interview', 'circulate'] as const;
export type SupervisionLevel = (typeof SUPERVISION_LEVELS)[number];

/** Art 32: the opinion on a complaint or accusation. */
export const OPINION_OUTCOMES = ['support', 'explain', 'not-support'] as const;
/** Art 29: the answer to a suggestion. */
export const SUGGESTION_OUTCOMES = ['adopted', 'partly-adopted', 'not-adopted'] as const;
/** Every outcome a RESOLVE may carry; the machine checks which fit the case's class. */
export const RESOLVE_OUTCOMES = [...OPINION_OUTCOMES, ...SUGGESTION_OUTCOMES] as const;
export type ResolveOutcome = (typeof RESOLVE_OUTCOMES)[number];

/** The outcomes a RESOLVE may carry for a class: a suggestion is adopted or not, other matters supported or not. */
export function outcomesFor(itemClass: ItemClass): readonly ResolveOutcome[] {
  return itemClass === 'suggestion' ? SUGGESTION_OUTCOMES : OPINION_OUTCOMES;
}

/** Art 31(1)-(5): the legal procedures a complaint is routed into (诉访分离, Art 28). */
export const ROUTE_PROCEDURES = ['litigation', 'arbitration', 'party-appeal', 'administrative', 'enforcement'] as const;
export type RouteProcedure = (typeof ROUTE_PROCEDURES)[number];

/** Art 22 ¶2: where a bureau refers a matter outside petition work (政法 bodies, 纪检监察). */
export const REFER_TARGETS = ['court', 'procuratorate', 'police', 'discipline', 'other'] as const;

/** Art 19 ¶3 (the same matter in progress below), Art 36 ¶3 (finally decided), or not a petition matter. */
export const REJECT_GROUNDS = ['in-progress-below', 'final', 'not-a-petition', 'other'] as const;

/** What a file filed with a case is: 来信扫描件 (the scanned letter), 证据材料 (evidence), 其他 (anything else). */
export const ATTACHMENT_KINDS = ['letter-scan', 'evidence', 'other'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** Art 21: the petitioner's rating of the handling body and of the bureau. */
export const RATINGS = ['satisfied', 'basically-satisfied', 'unsatisfied'] as const;

/** How a written act reaches the petitioner (送达); the proof is kept. */
export const DELIVERY_METHODS = ['in-person', 'post', 'electronic'] as const;

/** Art 23: the acceptance notice (受理告知书) is written, so it goes the ways a written act is delivered. */
export const NOTICE_METHODS = DELIVERY_METHODS;

/** Art 37 and the seed's 三级调解: village, township or county mediation. */
export const MEDIATION_LEVELS = ['village', 'township', 'county'] as const;

/** Who received a visit: a clerk, or a leader on a reception day (领导接访, Art 18). */
export const RECEIVERS = ['clerk', 'leader'] as const;

/**
 * Reasons a clock may be paused. The policy's `pausableFor` lists, per clock,
 * which of them it allows; the engine checks that list before the machine
 * records the pause.
 */
export const PAUSE_REASONS = ['hearing', 'awaiting-materials', 'appraisal', 'joint-conference'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/**
 * The `pausableFor` lists of the statutory policy: hearing time is excluded
 * from the re-review decision (Art 36 ¶2); the bureau's dispatch and the
 * body's notice wait while the petitioner supplies materials. Every other
 * clock runs without pause unless an office's policy says otherwise.
 */
export const DEFAULT_PAUSABLE_FOR: Readonly<Partial<Record<V3ClockName, readonly PauseReason[]>>> = {
  dispatch: ['awaiting-materials'],
  notice: ['awaiting-materials'],
  reReviewDecision: ['hearing'],
};

/** The three decisions of a matter: the first opinion, the review (复查, Art 35), the re-review (复核, Art 36). */
export const DECISION_STAGES = ['first', 'review', 'reReview'] as const;
export type DecisionStage = (typeof DECISION_STAGES)[number];
