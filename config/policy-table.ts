import { CLOCK_BASIS, CLOCK_NAMES } from '../machines/petition.vocabulary';
import { DEFAULT_POLICY } from './default-policy';
import type { ClockPolicy, Policy } from './policy.schema';

const cell = (values: readonly string[]) => (values.length === 0 ? '—' : values.map((v) => `\`${v}\``).join(', '));

/** The limit a command meets on this clock: the longest extension, or the longest length it may set. */
function limit(clock: ClockPolicy): string {
  const parts = [
    ...(clock.maxExtension === undefined ? [] : [`extension ≤ \`${clock.maxExtension}\``]),
    ...(clock.maxDuration === undefined ? [] : [`set ≤ \`${clock.maxDuration}\``]),
  ];
  return parts.length === 0 ? '—' : parts.join(', ');
}

/**
 * The clock table of the README, printed from a policy (the statutory
 * default unless told): one row per clock with its term, article, length,
 * calendar, reminders, breach action, limits and pause reasons.
 */
export function policyMarkdown(policy: Policy = DEFAULT_POLICY): string {
  const rows = CLOCK_NAMES.map((name) => {
    const c = policy.clocks[name];
    const { term, basis } = CLOCK_BASIS[name];
    return `| \`${name}\` ${term} | ${basis} | \`${c.duration}\` | ${c.calendar} | ${cell(c.reminders)} | ${c.onBreach} | ${limit(c)} | ${cell(c.pausableFor)} |`;
  });
  return [
    '| clock | basis | length | calendar | reminders | on breach | limit | pausable for |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
