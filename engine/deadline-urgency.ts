/**
 * A live deadline in a clerk's terms: how many days are left to its last day
 * (or how many it is overdue), counted on the clock's own basis (working days
 * for a working-days clock, calendar days otherwise), and a colour by the
 * share of the period still left (thresholds in the policy's `urgency`).
 */
import type { CalendarKind, UrgencyPolicy } from '../config/policy.schema';
import { DUTY_BREACH_ACTION } from '../machines/petition.vocabulary';
import type { WorkingCalendar } from './working-calendar';

/** The colours of a live deadline, from calm to urgent. */
export const URGENCY_LEVELS = ['green', 'yellow', 'red'] as const;
export type UrgencyLevel = (typeof URGENCY_LEVELS)[number];

/** How remaining days are counted. */
export type DayBasis = 'working-days' | 'calendar-days';

/** A deadline's urgency: null fields for a deadline that is met or cancelled. */
export interface DeadlineUrgency {
  /** Days left after today up to the last day (0: the last day is today); negative: days overdue. */
  readonly remainingDays: number | null;
  readonly remainingBasis: DayBasis | null;
  readonly level: UrgencyLevel | null;
}

/** What urgency needs of a deadline row. */
export interface UrgencyInput {
  readonly startedAt: Date;
  readonly dueAt: Date;
  /** The last day of the period, Beijing time (YYYY-MM-DD). */
  readonly lastDay: string;
  readonly status: string;
  /** What a breach does: only a duty (`escalate`) can be overdue; a window or a door (`close`, `notify`) just lapses. */
  readonly onBreach: string;
}

const NONE: DeadlineUrgency = { remainingDays: null, remainingBasis: null, level: null };
const DAY_MS = 86_400_000;
/** Beijing time is UTC+8 all year (no daylight saving since 1991): its dates are a fixed shift of UTC's. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

/** The Beijing date (YYYY-MM-DD) of an instant. Plain arithmetic: reads compute it per deadline, and a time-zone library costs more than the rest of a view. */
export function beijingDate(t: Date | number): string {
  return new Date((typeof t === 'number' ? t : t.getTime()) + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** Days since 1970-01-01 of a date (YYYY-MM-DD): dates compared and stepped as whole numbers. */
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const dateOfDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);

/** Days from `from` (exclusive) to `to` (inclusive), both Beijing dates, counting only working days on that basis. */
function daysBetween(from: string, to: string, basis: DayBasis, cal: WorkingCalendar): number {
  const start = dayNumber(from);
  const end = dayNumber(to);
  // Calendar days are a difference; only working days are counted one by one (a period of weeks at most).
  if (basis === 'calendar-days') return Math.max(0, end - start);
  let n = 0;
  for (let d = start + 1; d <= end; d += 1) if (cal.isWorkingDay(dateOfDayNumber(d))) n += 1;
  return n;
}

/** The colour of a share of the period left (0..1) under the policy's thresholds. */
export function levelOf(shareLeft: number, policy: UrgencyPolicy): UrgencyLevel {
  if (shareLeft * 100 < policy.redBelow) return 'red';
  if (shareLeft * 100 < policy.yellowBelow) return 'yellow';
  return 'green';
}

/**
 * A deadline's urgency at `now` on its clock's calendar kind. A petitioner's
 * window or an objection door past its end has lapsed rather than being
 * overdue: it says nothing.
 */
export function deadlineUrgency(
  d: UrgencyInput,
  kind: CalendarKind,
  now: Date,
  ctx: { readonly calendar: WorkingCalendar; readonly urgency: UrgencyPolicy },
): DeadlineUrgency {
  if (d.status !== 'pending' && d.status !== 'paused' && d.status !== 'breached') return NONE;
  const basis: DayBasis = kind === 'working-days' ? 'working-days' : 'calendar-days';
  const today = beijingDate(now);
  const overdue = d.status === 'breached' || now.getTime() >= d.dueAt.getTime();
  if (overdue && d.onBreach !== DUTY_BREACH_ACTION) return NONE;
  const remainingDays = overdue
    ? -Math.max(daysBetween(d.lastDay, today, basis, ctx.calendar), d.status === 'breached' || today > d.lastDay ? 1 : 0)
    : daysBetween(today, d.lastDay, basis, ctx.calendar);
  const span = d.dueAt.getTime() - d.startedAt.getTime();
  const share = overdue || span <= 0 ? 0 : (d.dueAt.getTime() - now.getTime()) / span;
  return { remainingDays, remainingBasis: basis, level: overdue ? 'red' : levelOf(share, ctx.urgency) };
}
