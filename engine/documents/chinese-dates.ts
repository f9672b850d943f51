import { CHINA_ZONE } from '../working-calendar';

const CHINESE_DATE = new Intl.DateTimeFormat('zh-CN', { timeZone: CHINA_ZONE, year: 'numeric', month: 'long', day: 'numeric' });

/** A moment as a date of an official document, Beijing time: 2026年11月30日. */
export function chineseDate(at: string | Date): string {
  return CHINESE_DATE.format(typeof at === 'string' ? new Date(at) : at);
}

/** A date without a time (YYYY-MM-DD, already a Beijing day) written the same way. */
export function chineseDay(isoDate: string): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** An ISO 8601 duration of whole days, weeks or months in words (P30D → 30日); anything else as given. */
export function chineseDuration(duration: string): string {
  const m = /^P(\d+)([DWM])$/.exec(duration);
  if (m === null) return duration;
  const n = Number(m[1]);
  return m[2] === 'D' ? `${n}日` : m[2] === 'W' ? `${n * 7}日` : `${n}个月`;
}
