import type { Policy } from './policy.schema';

/**
 * The statutory policy of the 信访工作条例 (Regulations on Letters and Visits Work, 2022). Offices override any clock
 * with a stricter target through `PETITION_POLICY`.
 */
export const DEFAULT_POLICY: Policy = {
  clocks: {
    // Art 22: decide on acceptance and notify the petitioner within 15 days.
    acceptance: { duration: 'P15D', calendar: 'calendar-days', reminders: ['50%', '80%', '-P1D'], onBreach: 'escalate' },
    // Machine v3, Art 22: the bureau transfers or assigns (转送/交办) within 15 days of registration.
    dispatch: { duration: 'P15D', calendar: 'calendar-days', reminders: ['50%', '80%', '-P1D'], onBreach: 'escalate' },
    // Machine v3, Art 23: the receiving body tells the petitioner in writing within 15 days whether it accepts.
    notice: { duration: 'P15D', calendar: 'calendar-days', reminders: ['50%', '80%', '-P1D'], onBreach: 'escalate' },
    // Machine v3, Art 22(3): the closing report of an assigned (交办) case; the bureau sets the length at ASSIGN.
    report: { duration: 'P30D', calendar: 'calendar-days', reminders: ['80%', '-P1D'], onBreach: 'escalate' },
    // Art 23: the assigned unit may say "not ours" within 5 working days; the lapse only closes that door.
    objection: { duration: 'P5D', calendar: 'working-days', reminders: ['-P1D'], onBreach: 'notify' },
    // Art 32: handled within 60 days, one extension of at most 30 days with approval.
    handling: {
      duration: 'P60D',
      calendar: 'calendar-days',
      reminders: ['50%', '80%', '-P1D'],
      onBreach: 'escalate',
      maxExtension: 'P30D',
    },
    // Art 35: the petitioner may ask for review (复查) within 30 days of receiving the opinion.
    reviewRequest: { duration: 'P30D', calendar: 'calendar-days', reminders: [], onBreach: 'close' },
    // Art 35: the review decision within 30 days.
    reviewDecision: { duration: 'P30D', calendar: 'calendar-days', reminders: ['50%', '80%'], onBreach: 'escalate' },
    // Art 35: re-review (复核) requested within 30 days of the review decision.
    reReviewRequest: { duration: 'P30D', calendar: 'calendar-days', reminders: [], onBreach: 'close' },
    // Art 35: the re-review decision within 30 days, hearings (听证) excluded.
    reReviewDecision: { duration: 'P30D', calendar: 'calendar-days', reminders: ['50%', '80%'], onBreach: 'escalate' },
    // Supervision practice (督办): the supervisor's deadline when none is given with the command.
    supervision: { duration: 'P15D', calendar: 'calendar-days', reminders: ['50%', '80%'], onBreach: 'escalate' },
    // Satisfaction rating practice: unrated (超期未评价) when the window lapses.
    satisfaction: { duration: 'P30D', calendar: 'calendar-days', reminders: [], onBreach: 'close' },
  },
};
