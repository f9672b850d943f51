import { DateTime } from 'luxon';
import type { Period } from '../../db/statistics.repository';
import { ValidationError } from '../errors';

/** Statistics periods are Beijing dates: a day starts at 00:00 in Asia/Shanghai. */
export const STATS_ZONE = 'Asia/Shanghai';

/** A period as named by the caller (Beijing dates, `to` inclusive) and as instants (`[from, to)`). */
export interface NamedPeriod extends Period {
  /** First Beijing date, `YYYY-MM-DD`. */
  readonly fromDate: string;
  /** Last Beijing date (inclusive), `YYYY-MM-DD`. */
  readonly toDate: string;
}

function day(date: string, field: string): DateTime {
  const d = DateTime.fromISO(date, { zone: STATS_ZONE });
  if (!d.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(date))
    throw new ValidationError(`${field} must be a date such as 2026-01-31`, [{ path: [field], message: 'a date YYYY-MM-DD' }]);
  return d.startOf('day');
}

function named(first: DateTime, last: DateTime): NamedPeriod {
  return {
    from: first.toJSDate(),
    to: last.plus({ days: 1 }).toJSDate(),
    fromDate: first.toISODate() ?? '',
    toDate: last.toISODate() ?? '',
  };
}

/** `from`..`to` (Beijing dates, both included); `to` before `from` is a VALIDATION error. */
export function periodOfDates(from: string, to: string): NamedPeriod {
  const first = day(from, 'from');
  const last = day(to, 'to');
  if (last < first) throw new ValidationError('to is before from', [{ path: ['to'], message: 'on or after from' }]);
  return named(first, last);
}

/** An ISO week `2026-W48`: Monday to Sunday in Beijing. */
export function periodOfWeek(week: string): NamedPeriod {
  const monday = DateTime.fromISO(week, { zone: STATS_ZONE });
  if (!/^\d{4}-W\d{2}$/.test(week) || !monday.isValid)
    throw new ValidationError('week must be an ISO week such as 2026-W48', [{ path: ['week'], message: 'an ISO week YYYY-Www' }]);
  return named(monday.startOf('day'), monday.startOf('day').plus({ days: 6 }));
}

/** A calendar year in Beijing. */
export function periodOfYear(year: number): NamedPeriod {
  const first = DateTime.fromObject({ year, month: 1, day: 1 }, { zone: STATS_ZONE });
  return named(first, first.endOf('year').startOf('day'));
}

/** A calendar month `2026-11` in Beijing. */
export function periodOfMonth(month: string): NamedPeriod {
  const first = DateTime.fromISO(`${month}-01`, { zone: STATS_ZONE });
  if (!/^\d{4}-\d{2}$/.test(month) || !first.isValid)
    throw new ValidationError('month must be such as 2026-11', [{ path: ['month'], message: 'a month YYYY-MM' }]);
  return named(first, first.endOf('month').startOf('day'));
}
