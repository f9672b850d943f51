import { CURRENT_MACHINE_VERSION } from '../machines/petition.registry';
import type { Policy, UrgencyPolicy } from './policy.schema';

/**
 * The statutory policy (信访工作条例, 2022). Offices override any clock with a
 * stricter target through `PETITION_POLICY`, and may hold new cases on an
 * older machine version with `machineVersion`.
 */
export const DEFAULT_POLICY: Policy = {
  machineVersion: CURRENT_MACHINE_VERSION,
  clocks: {
    // Versions 1 and 2 only: decide on acceptance within 15 days (their reading of Art 22).
    acceptance: { duration: 'P15D', calendar: 'calendar-days', reminders: ['50%', '80%', '-P1D'], onBreach: 'escalate', pausableFor: [] },
    // Art 22: the bureau transfers or assigns (转送/交办) within 15 days of registration; paused while the petitioner supplies materials.
    dispatch: {
      duration: 'P15D',
      calendar: 'calendar-days',
      reminders: ['50%', '80%', '-P1D'],
      onBreach: 'escalate',
      pausableFor: ['awaiting-materials'],
    },
    // Art 23 ¶3: the receiving body tells the petitioner in writing within 15 days whether it accepts (受理告知); missing it is a fault under Art 44(3).
    notice: {
      duration: 'P15D',
      calendar: 'calendar-days',
      reminders: ['50%', '80%', '-P1D'],
      onBreach: 'escalate',
      pausableFor: ['awaiting-materials'],
    },
    // Art 23 ¶3: the receiving body may object within 5 working days; the lapse only closes that door.
    objection: { duration: 'P5D', calendar: 'working-days', reminders: ['-P1D'], onBreach: 'notify', pausableFor: [] },
    // Art 34: handled within 60 days of acceptance; one extension of at most 30 days, approved by the handling body's leader.
    handling: {
      duration: 'P60D',
      calendar: 'calendar-days',
      reminders: ['50%', '80%', '-P1D'],
      onBreach: 'escalate',
      maxExtension: 'P30D',
      pausableFor: [],
    },
    // Art 22(3): the closing report (办结报告) of an assigned matter. The bureau sets the deadline at ASSIGN; this is
    // the deadline when it sets none, and the longest it may set: the body's 60 days plus the longest extension (Art 34).
    report: {
      duration: 'P60D',
      calendar: 'calendar-days',
      reminders: ['80%', '-P1D'],
      onBreach: 'escalate',
      maxDuration: 'P90D',
      pausableFor: [],
    },
    // Art 35: the petitioner may ask for review (复查) within 30 days of receiving the opinion.
    reviewRequest: { duration: 'P30D', calendar: 'calendar-days', reminders: [], onBreach: 'close', pausableFor: [] },
    // Art 35: the next-higher body decides the review within 30 days.
    reviewDecision: { duration: 'P30D', calendar: 'calendar-days', reminders: ['50%', '80%'], onBreach: 'escalate', pausableFor: [] },
    // Art 36: re-review (复核) requested within 30 days of receiving the review decision.
    reReviewRequest: { duration: 'P30D', calendar: 'calendar-days', reminders: [], onBreach: 'close', pausableFor: [] },
    // Art 36 ¶2: the re-review decision within 30 days; hearing (听证) time does not count.
    reReviewDecision: {
      duration: 'P30D',
      calendar: 'calendar-days',
      reminders: ['50%', '80%'],
      onBreach: 'escalate',
      pausableFor: ['hearing'],
    },
    // Arts 38-40, supervision practice (督办): the supervisor's deadline when none is given with the command.
    supervision: { duration: 'P15D', calendar: 'calendar-days', reminders: ['50%', '80%'], onBreach: 'escalate', pausableFor: [] },
    // Art 21 and practice: unrated (超期未评价) when the rating window lapses.
    satisfaction: { duration: 'P30D', calendar: 'calendar-days', reminders: [], onBreach: 'close', pausableFor: [] },
  },
};

/** The urgency colours unless the policy sets them: red below 20% of the period left (and overdue), yellow below 50%. */
export const DEFAULT_URGENCY: UrgencyPolicy = Object.freeze({ yellowBelow: 50, redBelow: 20 });

/** Reminders of whole-day clocks fire at the start of a working day, 09:00 Beijing time, unless the policy says otherwise. */
export const DEFAULT_REMINDER_TIME = '09:00';

/** The urgency thresholds a policy runs with. */
export function urgencyPolicyOf(policy: Pick<Policy, 'urgency'>): UrgencyPolicy {
  return policy.urgency ?? DEFAULT_URGENCY;
}

/** The time of day reminders of whole-day clocks fire at under a policy. */
export function reminderTimeOf(policy: Pick<Policy, 'reminderTime'>): string {
  return policy.reminderTime ?? DEFAULT_REMINDER_TIME;
}
