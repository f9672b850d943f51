import { DateTime, Duration } from 'luxon';
import type { CalendarKind } from '../config/policy.schema';
import { CHINA_ZONE, type WorkingCalendar } from './working-calendar';

/** What a clock needs to be placed on the calendar. */
export interface ClockSpec {
  readonly duration: string;
  readonly calendar: CalendarKind;
  readonly reminders: readonly string[];
}

/** When a clock falls due and when its reminders fire. */
export interface DeadlinePlan {
  readonly dueAt: Date;
  readonly reminders: readonly Date[];
}

const local = (d: Date) => DateTime.fromJSDate(d, { zone: CHINA_ZONE });
const isoDate = (d: DateTime) => d.toISODate() ?? '';

/** A duration counts whole days when it has nothing smaller than a day (P15D yes, PT2S no). */
function wholeDays(duration: Duration): number | undefined {
  const { years, months, weeks, days, hours, minutes, seconds, milliseconds } = duration.toObject();
  if ((hours ?? 0) || (minutes ?? 0) || (seconds ?? 0) || (milliseconds ?? 0)) return undefined;
  if ((years ?? 0) || (months ?? 0)) return undefined;
  return (weeks ?? 0) * 7 + (days ?? 0);
}

/** Whether a duration is whole calendar units (years, months, weeks, days) with nothing smaller. */
function wholeCalendarUnits(duration: Duration): boolean {
  const { hours, minutes, seconds, milliseconds } = duration.toObject();
  return !((hours ?? 0) || (minutes ?? 0) || (seconds ?? 0) || (milliseconds ?? 0));
}

/**
 * The end of the day `length` after `from`'s day (the start day itself is not
 * counted, the way statutory periods run), moved to the next working day
 * when it falls on a rest day. Months and years count on the calendar
 * (2026-01-31 plus P1M is 2026-02-28).
 */
function calendarDaysDue(from: DateTime, length: Duration, cal: WorkingCalendar): DateTime {
  let last = from.startOf('day').plus(length);
  while (!cal.isWorkingDay(isoDate(last))) last = last.plus({ days: 1 });
  return last.plus({ days: 1 });
}

/** The start of the day `days` working days away from `from`'s day (`step` +1 counts forward, -1 back). */
function stepWorkingDays(from: DateTime, days: number, step: 1 | -1, cal: WorkingCalendar): DateTime {
  let day = from.startOf('day');
  let counted = 0;
  while (counted < days) {
    day = day.plus({ days: step });
    if (cal.isWorkingDay(isoDate(day))) counted += 1;
  }
  return day;
}

/** Adds a clock's length to a moment on its calendar. Durations finer than a day always run as elapsed time. */
export function addOnCalendar(from: Date, duration: string, calendar: CalendarKind, cal: WorkingCalendar): Date {
  const d = Duration.fromISO(duration);
  const start = local(from);
  const days = wholeDays(d);
  if (calendar === 'calendar-days' && wholeCalendarUnits(d)) return calendarDaysDue(start, d, cal).toJSDate();
  // Working days are counted one by one; months have no meaning there, so such a length runs as elapsed time.
  // The clock ends with the end of its `days`-th working day.
  if (calendar === 'working-days' && days !== undefined) return stepWorkingDays(start, days, 1, cal).plus({ days: 1 }).toJSDate();
  return start.plus(d).toJSDate();
}

/**
 * Reminder times: shares of the clock (`"80%"`) or negative durations before
 * due (`"-P1D"`); none before the start. On a working-days clock a whole-day
 * negative duration counts working days: `-P1D` is the start of the last
 * working day, however many rest days lie between it and the due time.
 */
export function reminderTimes(
  start: Date,
  dueAt: Date,
  reminders: readonly string[],
  calendar: { readonly kind: CalendarKind; readonly cal: WorkingCalendar; readonly timeOfDay?: string | undefined },
): Date[] {
  const span = dueAt.getTime() - start.getTime();
  const times = reminders.map((r) => {
    if (r.endsWith('%')) return new Date(start.getTime() + Math.round((span * Number.parseFloat(r)) / 100));
    const before = Duration.fromISO(r.slice(1));
    const days = wholeDays(before);
    if (calendar.kind === 'working-days' && days !== undefined && wholeCalendarUnits(before)) {
      // `due` is the start of the day after the last day: the last working day is one working day back.
      return stepWorkingDays(local(dueAt), days, -1, calendar.cal).toJSDate();
    }
    return local(dueAt).minus(before).toJSDate();
  });
  const { timeOfDay } = calendar;
  const aligned =
    timeOfDay !== undefined && calendar.kind !== 'elapsed' && isStartOfDay(dueAt)
      ? times.map((t) => atStartOfWorkday(t, start, timeOfDay, calendar.cal))
      : times;
  return aligned
    .filter((t) => t.getTime() > start.getTime() && t.getTime() < dueAt.getTime())
    .sort((a, b) => a.getTime() - b.getTime())
    .filter((t, i, all) => i === 0 || t.getTime() !== all[i - 1]?.getTime());
}

/** Whether a due time is the start of a Beijing day: the clock counts whole days. */
function isStartOfDay(t: Date): boolean {
  const d = local(t);
  return d.equals(d.startOf('day'));
}

/**
 * A reminder of a whole-day clock moved to `timeOfDay` (Beijing, e.g. 09:00)
 * of a working day, when people are at their desks: its own day if that is a
 * working day, else the working day before (so a reminder falling on a
 * weekend is heard on the Friday, not after the rest days). One that would
 * then come before the clock started moves to the next working day instead.
 */
function atStartOfWorkday(t: Date, start: Date, timeOfDay: string, cal: WorkingCalendar): Date {
  const [hour = 9, minute = 0] = timeOfDay.split(':').map(Number);
  const at = (d: DateTime) => d.set({ hour, minute, second: 0, millisecond: 0 });
  let day = local(t).startOf('day');
  while (!cal.isWorkingDay(isoDate(day))) day = day.minus({ days: 1 });
  if (at(day).toJSDate().getTime() > start.getTime()) return at(day).toJSDate();
  day = local(t).startOf('day');
  while (!cal.isWorkingDay(isoDate(day)) || at(day).toJSDate().getTime() <= start.getTime()) day = day.plus({ days: 1 });
  return at(day).toJSDate();
}

/**
 * Places a clock started at `start` on the calendar. With `reminderTime`
 * (the policy's, `09:00`), the reminders of a whole-day clock fall at that
 * time of a working day; without it (and for clocks finer than a day) they
 * fall at the exact share or offset.
 */
export function planDeadline(start: Date, spec: ClockSpec, cal: WorkingCalendar, reminderTime?: string): DeadlinePlan {
  const dueAt = addOnCalendar(start, spec.duration, spec.calendar, cal);
  return { dueAt, reminders: reminderTimes(start, dueAt, spec.reminders, { kind: spec.calendar, cal, timeOfDay: reminderTime }) };
}

/**
 * Extends a due time by an approved extension (Art 34): counted from the end
 * of the original last day, on the clock's own calendar.
 */
export function extendDue(dueAt: Date, by: string, calendar: CalendarKind, cal: WorkingCalendar): Date {
  // The due time is the start of the day after the last day; step back into that last day.
  const lastMoment = new Date(dueAt.getTime() - 1);
  const d = Duration.fromISO(by);
  const onCalendar = calendar === 'calendar-days' ? wholeCalendarUnits(d) : calendar === 'working-days' && wholeDays(d) !== undefined;
  if (!onCalendar) return local(dueAt).plus(d).toJSDate();
  return addOnCalendar(lastMoment, by, calendar, cal);
}
