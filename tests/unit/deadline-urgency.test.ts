/**
 * A live deadline in a clerk's terms: days left on the clock's own basis
 * (calendar or working days, Beijing dates), overdue days as a negative
 * count, and the colour by the share of the period left under the policy's
 * thresholds. On the real 2026 calendar: Sat 03-14 and Sun 03-15 are rest days.
 */
import { DEFAULT_URGENCY } from '../../config/default-policy';
import { deadlineUrgency, levelOf } from '../../engine/deadline-urgency';
import { createChinaCalendar } from '../../engine/working-calendar';

const calendar = createChinaCalendar();
const ctx = { calendar, urgency: DEFAULT_URGENCY };
// A 15-day clock started Mon 2026-03-02 09:00 Beijing: last day Tue 03-17, due at the start of 03-18.
const row = {
  startedAt: new Date('2026-03-02T09:00:00+08:00'),
  dueAt: new Date('2026-03-18T00:00:00+08:00'),
  lastDay: '2026-03-17',
  status: 'pending',
  onBreach: 'escalate',
};
const at = (s: string) => new Date(s);

describe('days left and colour of a live deadline', () => {
  it('counts calendar days after today up to the last day: 3 days left on Sat 03-14, yellow (23% of the period left)', () => {
    expect(deadlineUrgency(row, 'calendar-days', at('2026-03-14T10:00:00+08:00'), ctx)).toEqual({
      remainingDays: 3,
      remainingBasis: 'calendar-days',
      level: 'yellow',
    });
  });

  it('counts only working days on a working-days clock: Mon 03-16 and Tue 03-17 are left on Sat 03-14', () => {
    expect(deadlineUrgency(row, 'working-days', at('2026-03-14T10:00:00+08:00'), ctx)).toMatchObject({
      remainingDays: 2,
      remainingBasis: 'working-days',
    });
  });

  it('turns red below 20% of the period left, and says 0 on the last day itself', () => {
    expect(deadlineUrgency(row, 'calendar-days', at('2026-03-15T12:00:00+08:00'), ctx)).toMatchObject({ remainingDays: 2, level: 'red' });
    expect(deadlineUrgency(row, 'calendar-days', at('2026-03-17T08:00:00+08:00'), ctx)).toMatchObject({ remainingDays: 0, level: 'red' });
  });

  it('is green early in the period', () => {
    expect(deadlineUrgency(row, 'calendar-days', at('2026-03-03T09:00:00+08:00'), ctx)).toMatchObject({
      remainingDays: 14,
      level: 'green',
    });
  });

  it('counts overdue days as negative, whether the worker has breached it yet or not', () => {
    expect(deadlineUrgency(row, 'calendar-days', at('2026-03-19T10:00:00+08:00'), ctx)).toEqual({
      remainingDays: -2,
      remainingBasis: 'calendar-days',
      level: 'red',
    });
    expect(deadlineUrgency({ ...row, status: 'breached' }, 'calendar-days', at('2026-03-18T00:00:01+08:00'), ctx)).toMatchObject({
      remainingDays: -1,
      level: 'red',
    });
  });

  it('says nothing of a window or door that lapsed (its breach closes or notifies, no duty is overdue)', () => {
    for (const onBreach of ['close', 'notify'])
      expect(deadlineUrgency({ ...row, onBreach }, 'calendar-days', at('2026-03-19T10:00:00+08:00'), ctx)).toMatchObject({
        remainingDays: null,
        level: null,
      });
    expect(deadlineUrgency({ ...row, onBreach: 'close' }, 'calendar-days', at('2026-03-14T10:00:00+08:00'), ctx)).toMatchObject({
      remainingDays: 3,
      level: 'yellow',
    });
  });

  it('says nothing of a deadline met or cancelled', () => {
    for (const status of ['met', 'cancelled'])
      expect(deadlineUrgency({ ...row, status }, 'calendar-days', at('2026-03-10T10:00:00+08:00'), ctx)).toEqual({
        remainingDays: null,
        remainingBasis: null,
        level: null,
      });
  });

  it('takes its thresholds from the policy', () => {
    expect(levelOf(0.4, DEFAULT_URGENCY)).toBe('yellow');
    expect(levelOf(0.4, { yellowBelow: 30, redBelow: 10 })).toBe('green');
    expect(levelOf(0.2, { yellowBelow: 30, redBelow: 10 })).toBe('yellow');
    expect(levelOf(0.05, { yellowBelow: 30, redBelow: 10 })).toBe('red');
  });
});
