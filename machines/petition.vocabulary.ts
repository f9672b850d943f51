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

/** The clocks of the regulation (Arts 22-23, 32, 34-36), supervision (督办) and the petitioner's satisfaction window. */
export const CLOCK_NAMES = [
  'acceptance',
  'objection',
  'handling',
  'reviewRequest',
  'reviewDecision',
  'reReviewRequest',
  'reReviewDecision',
  'supervision',
  'satisfaction',
] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];
export const clockNameSchema = z.enum(CLOCK_NAMES);

/** The petitioner's windows to ask for review (复查) and re-review (复核), Art 35. */
export const REVIEW_WINDOWS: readonly ClockName[] = ['reviewRequest', 'reReviewRequest'];

/** What a breach does: escalate (督办), close a petitioner window, or only notify. */
export const BREACH_ACTIONS = ['escalate', 'close', 'notify'] as const;
export type BreachAction = (typeof BREACH_ACTIONS)[number];

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
