/**
 * Statistics at province scale: a data set of `--cases` matters (default
 * 1,000,000, with ~10 trail entries each) built by PostgreSQL itself, then the
 * statistics service (what `GET /stats` answers) for one city over a month
 * and over a year, against the baseline: the same figures by one plain
 * aggregate over the case snapshots and deadline rows. The two run in
 * alternation so that a busy machine weighs on both alike.
 *
 *   npm run bench:stats -- [--admin-url URL] [--cases 1000000] [--events 10] [--runs 40]
 *
 * Creates its own database and drops it at the end. One JSON line per figure:
 *   {"bench":"stats","span":"month","cases":…,"p95_ms":…,"baseline_p95_ms":…,"ratio":…,"pass":…}
 * `pass`: p95 ≤ 300 ms and no slower than the baseline (ratio ≤ 1).
 */
import { parseArgs } from 'node:util';
import { createStatisticsService } from '../engine/statistics/statistics.service';
import { periodOfDates, type NamedPeriod } from '../engine/statistics/period';
import type { Actor } from '../machines/petition.roles';
import { createBenchDatabase, DEFAULT_ADMIN_URL } from './bench-database';
import { baselineQuery, buildStatsData } from './stats-data.sql';

const CITY = '411600';
const P95_LIMIT_MS = 300;
const reader: Actor = { id: 'bench-leader', role: 'leader', unit: '410000' };
const SPANS: readonly { readonly span: string; readonly period: NamedPeriod }[] = [
  { span: 'month', period: periodOfDates('2026-03-01', '2026-03-31') },
  { span: 'year', period: periodOfDates('2025-01-01', '2025-12-31') },
];

function p95(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? Number.NaN;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'admin-url': { type: 'string', default: DEFAULT_ADMIN_URL },
      cases: { type: 'string', default: '1000000' },
      events: { type: 'string', default: '10' },
      runs: { type: 'string', default: '40' },
    },
  });
  const cases = Number(values.cases);
  const events = Number(values.events);
  const runs = Number(values.runs);
  const bench = await createBenchDatabase(values['admin-url'], 'stats', 4);
  const started = Date.now();
  try {
    await buildStatsData(bench.db, cases, events, (what) =>
      console.log(`[${((Date.now() - started) / 1000).toFixed(0)}s] building ${what}`),
    );
    console.log(`data set built in ${((Date.now() - started) / 1000).toFixed(0)} s: ${cases} cases, ${events} trail entries each`);
    const statistics = createStatisticsService({ db: bench.db });
    const lines: string[] = [];
    for (const { span, period } of SPANS) {
      const ours: number[] = [];
      const base: number[] = [];
      const prefix = CITY.slice(0, 4);
      // One warm-up of each, then alternate.
      const report = await statistics.statsOver(reader, CITY, period);
      const baseline = await baselineQuery(prefix, period.from, period.to).execute(bench.db);
      const expected = baseline.rows[0];
      if (Number(expected?.matters) !== report.counts.matters || Number(expected?.res_num) !== report.rates.resolution.num) {
        throw new Error(`the baseline and the service disagree: ${JSON.stringify(expected)} vs matters ${report.counts.matters}`);
      }
      for (let i = 0; i < runs; i++) {
        ours.push(await timed(() => statistics.statsOver(reader, CITY, period)));
        base.push(await timed(() => baselineQuery(prefix, period.from, period.to).execute(bench.db)));
      }
      const result = { p95: p95(ours), baseline: p95(base) };
      console.log(
        `${span}: matters ${report.counts.matters}; ours p95 ${result.p95.toFixed(1)} ms, baseline p95 ${result.baseline.toFixed(1)} ms`,
      );
      const ratio = result.p95 / result.baseline;
      lines.push(
        JSON.stringify({
          bench: 'stats',
          span,
          unit: CITY,
          cases,
          matters: report.counts.matters,
          p95_ms: Math.round(result.p95 * 10) / 10,
          baseline_p95_ms: Math.round(result.baseline * 10) / 10,
          ratio: Math.round(ratio * 1000) / 1000,
          pass: result.p95 <= P95_LIMIT_MS && ratio <= 1,
        }),
      );
    }
    for (const line of lines) console.log(line);
  } finally {
    await bench.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
