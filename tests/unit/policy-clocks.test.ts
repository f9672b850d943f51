/**
 * The clocks of the default policy on the real calendar of 2026 (the holidays
 * and make-up working days are checked day by day in
 * deadline-calculator.test.ts): a period in days starts the day after the
 * event, rest days inside it count, and a last day on a rest day moves to the
 * next working day. A day-counted clock is due at 00:00 Shanghai (16:00Z the
 * day before) of the day after its last day.
 */
import { DEFAULT_POLICY } from '../../config/default-policy';
import { extendDue, planDeadline } from '../../engine/deadline-calculator';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { ClockName } from '../../machines/petition.vocabulary';

const china = createChinaCalendar();
const dueOf = (clock: ClockName, start: string) => planDeadline(new Date(start), DEFAULT_POLICY.clocks[clock], china).dueAt.toISOString();

describe('default clocks on the 2026 calendar', () => {
  it.each<[string, ClockName, string, string]>([
    [
      'dispatch (Art 22, 15 calendar days): registered Mon 09-28, the day before National Day week; the holiday counts, day 15 is Tue 10-13, a working day',
      'dispatch',
      '2026-09-28T10:00:00+08:00',
      '2026-10-13T16:00:00.000Z',
    ],
    [
      'dispatch: registered Thu 09-17, day 15 is Fri 10-02 inside National Day, so the last day moves to Thu 10-08',
      'dispatch',
      '2026-09-17T10:00:00+08:00',
      '2026-10-08T16:00:00.000Z',
    ],
    [
      'notice (Art 23, 15 calendar days): transferred Fri 02-06, day 15 is Sat 02-21 inside the Spring Festival, so the last day is Tue 02-24',
      'notice',
      '2026-02-06T15:00:00+08:00',
      '2026-02-24T16:00:00.000Z',
    ],
    [
      'notice: transferred Mon 02-09, the whole Spring Festival lies inside the period and does not lengthen it: day 15 is Tue 02-24',
      'notice',
      '2026-02-09T09:00:00+08:00',
      '2026-02-24T16:00:00.000Z',
    ],
    [
      'objection (Art 23 ¶3, 5 working days): transferred Tue 09-29, counts Wed 09-30, Thu 10-08, Fri 10-09, the make-up Sat 10-10 and Mon 10-12',
      'objection',
      '2026-09-29T11:00:00+08:00',
      '2026-10-12T16:00:00.000Z',
    ],
    [
      'handling (Art 34, 60 calendar days): accepted Mon 08-03, day 60 is Fri 10-02 inside National Day, so the last day is Thu 10-08',
      'handling',
      '2026-08-03T10:00:00+08:00',
      '2026-10-08T16:00:00.000Z',
    ],
  ])('%s', (_name, clock, start, due) => {
    expect(dueOf(clock, start)).toBe(due);
  });

  it('an approved 30-day extension (Art 34) counts from the end of the last day Thu 10-08: day 30 is Sat 11-07, so Mon 11-09', () => {
    const due = new Date(dueOf('handling', '2026-08-03T10:00:00+08:00'));
    expect(extendDue(due, 'P30D', 'calendar-days', china).toISOString()).toBe('2026-11-09T16:00:00.000Z');
  });
});
