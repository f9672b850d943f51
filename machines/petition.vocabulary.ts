import { z } from 'zod';

/**
 * The words of the petition domain, each list written once: the lifecycle's
 * states, how a case ends, its clocks, what a breach may do and who acts.
 * `config/`, `db/`, `engine/` and the adapters import them from here.
 */

/** The eight states of the petition lifecycle as users and the API name them. */
export const STATE_NAMES = ['received', 'verified', 'assigned', 'mediated', 'resolved', 'escalated', 'closed', 'rejected'] as const;
export type StateName = (typeof STATE_NAMES)[number];

/** States in which a case still moves. */
export const ACTIVE_STATES = ['received', 'verified', 'assigned', 'mediated', 'resolved', 'escalated'] as const;
export type ActiveState = (typeof ACTIVE_STATES)[number];

/** States a case never leaves: 终结 (closed, Art 36) and 不予受理 (rejected, Arts 22, 29-31). */
export const FINAL_STATES = ['closed', 'rejected'] as const;
export type FinalState = (typeof FINAL_STATES)[number];

/** Whether a state name is final (closed or rejected). */
export function isFinalState(state: string): state is FinalState {
  return (FINAL_STATES as readonly string[]).includes(state);
}

/**
 * How a closed case ended: `final` (a delivered re-review decision, Art 36),
 * `window-lapsed` (the petitioner let a review window pass, Art 35), `merged`
 * (a repeat joined the case in progress, Art 19).
 */
export const CLOSURE_KINDS = ['final', 'window-lapsed', 'merged'] as const;
export type ClosureKind = (typeof CLOSURE_KINDS)[number];

/**
 * The clocks of the regulation (Arts 22-23, 34-36), supervision (督办) and the
 * petitioner's satisfaction window. Versions 1 and 2 run `acceptance` where
 * version 3 splits the bureau's and the handling body's time into `dispatch`,
 * `notice` and `report`; a version never starts the clocks it does not know.
 */
export const CLOCK_NAMES = [
  // Versions 1 and 2: decide on acceptance within 15 days (their reading of Art 22).
  'acceptance',
  // 转送交办, Art 22: the bureau transfers or assigns within 15 days of registration.
  'dispatch',
  // 受理告知, Art 23 ¶3: the receiving body tells the petitioner in writing within 15 days.
  'notice',
  // 异议, Art 23 ¶3: the receiving body may object within 5 working days.
  'objection',
  // 办理, Art 34: 60 days from acceptance, one extension of at most 30.
  'handling',
  // 办结报告, Art 22(3): the closing report of an assigned (交办) matter, due when the bureau says at ASSIGN.
  'report',
  // 复查请求, Art 35: 30 days to ask the next-higher body for review.
  'reviewRequest',
  // 复查, Art 35: the review decision within 30 days.
  'reviewDecision',
  // 复核请求, Art 36: 30 days to ask for re-review.
  'reReviewRequest',
  // 复核, Art 36 ¶2: the re-review decision within 30 days, hearings excluded.
  'reReviewDecision',
  // 督办, Arts 38-40: the supervisor's deadline.
  'supervision',
  // 评价, Art 21 and practice: the satisfaction rating window.
  'satisfaction',
] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];
export const clockNameSchema = z.enum(CLOCK_NAMES);

/** Each clock's name in the regulation's words and the article (or practice) it comes from. */
export const CLOCK_BASIS: Readonly<Record<ClockName, { readonly term: string; readonly basis: string }>> = {
  acceptance: { term: '受理期限 (versions 1 and 2)', basis: 'Art 22, as versions 1 and 2 read it' },
  dispatch: { term: '转送交办', basis: 'Art 22' },
  notice: { term: '受理告知', basis: 'Art 23 ¶3' },
  objection: { term: '异议', basis: 'Art 23 ¶3' },
  handling: { term: '办理', basis: 'Art 34' },
  report: { term: '办结报告', basis: 'Art 22(3)' },
  reviewRequest: { term: '复查请求', basis: 'Art 35' },
  reviewDecision: { term: '复查', basis: 'Art 35' },
  reReviewRequest: { term: '复核请求', basis: 'Art 36' },
  reReviewDecision: { term: '复核', basis: 'Art 36 ¶2' },
  supervision: { term: '督办期限', basis: 'Arts 38-40' },
  satisfaction: { term: '评价', basis: 'Art 21, practice' },
};

/** The petitioner's windows to ask for review (复查) and re-review (复核), Art 35. */
export const REVIEW_WINDOWS: readonly ClockName[] = ['reviewRequest', 'reReviewRequest'];

/**
 * Why a clock may stand still. Which reason pauses which clock is policy
 * (`pausableFor`); a pause is recorded with its reason, start and end.
 */
export const PAUSE_REASONS = [
  // 听证, Art 36 ¶2: hearing time does not count toward the re-review decision.
  'hearing',
  // 补充材料, Art 19 and practice: the petitioner is asked for materials the matter cannot be handled without.
  'awaiting-materials',
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];
export const pauseReasonSchema = z.enum(PAUSE_REASONS);

/** What a breach does: escalate (督办), close a petitioner window, or only notify. */
export const BREACH_ACTIONS = ['escalate', 'close', 'notify'] as const;
export type BreachAction = (typeof BREACH_ACTIONS)[number];

/**
 * The breach action of a duty: a deadline whose breach escalates is the office's to meet, and once past it shows,
 * lists and counts as overdue. Under the other actions it is a petitioner's window or an objection door, which
 * lapses when its end passes: the case is not overdue for it.
 */
export const DUTY_BREACH_ACTION = 'escalate' satisfies BreachAction;

/**
 * The people who act on a case, `admin` (系统管理员: units, users and policy,
 * never a case), and `system` for the deadline workers.
 */
export const ROLES = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor', 'admin', 'system'] as const;
export type Role = (typeof ROLES)[number];

/** Roles a person can hold in a token or an account; `system` is reserved for the engine's own workers. */
export const HUMAN_ROLES = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor', 'admin'] as const;
export type HumanRole = (typeof HUMAN_ROLES)[number];

/**
 * The roles that work on cases and may see them. `admin` is left out on
 * purpose: an administrator manages accounts and units and sees no case.
 */
export const CASE_ROLES = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor'] as const;
export type CaseRole = (typeof CASE_ROLES)[number];
