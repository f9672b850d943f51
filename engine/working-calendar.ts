// The published data of `chinese-days` (documented in its README), not its date functions: those parse
// `YYYY-MM-DD` as UTC midnight and read it back with local getters, so in a process west of UTC every
// answer is about the day before (and its holiday tables, built the same way at load, are shifted too).
import chineseDays from 'chinese-days/dist/chinese-days.json';

/** Asia/Shanghai: every civil date in the engine is a date in this zone. */
export const CHINA_ZONE = 'Asia/Shanghai';

/** Tells working days from rest days (statutory holidays, weekends, and make-up working days, 调休). */
export interface WorkingCalendar {
  /** `date` is a civil date `YYYY-MM-DD` in Asia/Shanghai. */
  isWorkingDay(date: string): boolean;
}

/** Statutory holidays and make-up working days (调休), keyed by civil date. */
const HOLIDAYS: Readonly<Record<string, string>> = chineseDays.holidays;
const MAKE_UP_WORKDAYS: Readonly<Record<string, string>> = chineseDays.workdays;

/** Day of the week of a civil date (0 = Sunday), whatever the process's time zone. */
function weekday(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (m === null) throw new RangeError(`not a civil date YYYY-MM-DD: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
}

/**
 * The State Council's published calendar as carried by the `chinese-days`
 * package (holidays and 调休 make-up days), with an office's overrides on top
 * for years published after the package was released.
 */
export function createChinaCalendar(overrides: Readonly<Record<string, boolean>> = {}): WorkingCalendar {
  return {
    isWorkingDay(date) {
      const override = overrides[date];
      if (override !== undefined) return override;
      if (MAKE_UP_WORKDAYS[date] !== undefined) return true;
      const day = weekday(date);
      return day >= 1 && day <= 5 && HOLIDAYS[date] === undefined;
    },
  };
}
