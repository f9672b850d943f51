import { REVIEW_WINDOWS, type BreachAction, type ClockName } from './petition.vocabulary';

/**
 * What a breach of each clock can do in the lifecycle. `escalate` (督办) and
 * `notify` apply to every clock; `close` only where a lapse has something to
 * close: a review window closes the case (Art 35), the satisfaction window
 * lapses unrated (as it does on `notify`: a lapsed rating window is unrated).
 * A policy asking for an action its clock does not support is refused when the
 * configuration loads, instead of silently doing less.
 */
export const CLOCK_BREACH_ACTIONS: Readonly<Record<ClockName, readonly BreachAction[]>> = {
  acceptance: ['escalate', 'notify'],
  dispatch: ['escalate', 'notify'],
  notice: ['escalate', 'notify'],
  objection: ['escalate', 'notify'],
  handling: ['escalate', 'notify'],
  report: ['escalate', 'notify'],
  reviewRequest: ['escalate', 'close', 'notify'],
  reviewDecision: ['escalate', 'notify'],
  reReviewRequest: ['escalate', 'close', 'notify'],
  reReviewDecision: ['escalate', 'notify'],
  supervision: ['escalate', 'notify'],
  satisfaction: ['escalate', 'close', 'notify'],
};

/** Whether a breach of `clock` may do `action`. */
export function supportsBreachAction(clock: ClockName, action: BreachAction): boolean {
  return CLOCK_BREACH_ACTIONS[clock].includes(action);
}

/** Whether `close` on a breach of this clock closes the whole case (a review window, Art 35: 终结) rather than only its window. */
export function closesCaseOnBreach(clock: ClockName): boolean {
  return REVIEW_WINDOWS.includes(clock);
}
