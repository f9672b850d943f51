import { isWorkday } from 'chinese-days';

/** Asia/Shanghai: every civil date in the engine is a date in this zone. */
export const CHINA_ZONE = 'Asia/Shanghai';

/** Tells working days from rest days (statutory holidays, weekends, and make-up working days, 调休). */
export interface WorkingCalendar {
  /** `date` is a civil date `YYYY-MM-DD` in Asia/Shanghai. */
  isWorkingDay(date: string): boolean;
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
      return override ?? isWorkday(date);
    },
  };
}
