/**
 * A deadline in a clerk's terms, from what the API computes (`lastDay`,
 * `remainingDays` on `remainingBasis`, `level`): "12月16日届满，剩余3天",
 * "今日届满", "已超期2天", and the colour class of its urgency.
 */
import { h } from './dom.js';
import { t } from './i18n/i18n.js';

/** `2026-12-16` → 12月16日 (the last day, a Beijing date). */
export function monthDay(isoDate) {
  const [, month, day] = isoDate.split('-').map(Number);
  return t('deadline.monthDay', { month, day });
}

/** "3天" or "3个工作日", by the basis the API counted on. */
function days(n, basis) {
  return t(basis === 'working-days' ? 'deadline.workingDays' : 'deadline.days', { n });
}

/** The words of one deadline: its last day and what is left (or how long overdue). */
export function deadlineWords(d) {
  const day = monthDay(d.lastDay);
  if (d.remainingDays === null || d.remainingDays === undefined) return t('deadline.lastDay', { day });
  if (d.remainingDays < 0) return t('deadline.overdue', { day, days: days(-d.remainingDays, d.remainingBasis) });
  if (d.remainingDays === 0) return t('deadline.today', { day });
  return t('deadline.remaining', { day, days: days(d.remainingDays, d.remainingBasis) });
}

/** The deadline's words in a span coloured by its urgency (green, yellow, red). */
export function deadlineBadge(d) {
  return h('span', { class: `urgency urgency-${d.level ?? 'none'}`, 'data-level': d.level ?? '' }, deadlineWords(d));
}

const RANK = { red: 0, yellow: 1, green: 2 };

/** The most urgent level among a case's deadlines (red, yellow, green), or null. */
export function worstLevel(deadlines) {
  const levels = deadlines.map((d) => d.level).filter((l) => l in RANK);
  return levels.sort((a, b) => RANK[a] - RANK[b])[0] ?? null;
}
