/**
 * Timer catch-up after an outage, on its own (bench:scale prints the same
 * figure after its others): `--count` overdue timers fired from PostgreSQL
 * against the Redis path's steady rate over `--steady` timers, a case read
 * timed meanwhile. The measuring is bench/catch-up-figure.ts.
 *
 *   npm run bench:catch-up -- [--count 1000000] [--steady 20000] [--admin-url URL] [--redis-url URL] [--concurrency 64]
 *
 * Creates its own database and Redis prefix and removes both at the end. Prints
 *   {"bench":"scale","figure":"catch-up","catch_up_per_s":…,"steady_per_s":…,"ratio":…,"read_p95_ms":…,"pass":…}
 */
import { parseArgs } from 'node:util';
import { DEFAULT_ADMIN_URL } from './bench-database';
import { measureCatchUp } from './catch-up-figure';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000000' },
      steady: { type: 'string', default: '20000' },
      'admin-url': { type: 'string', default: DEFAULT_ADMIN_URL },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      concurrency: { type: 'string', default: '64' },
    },
  });
  const figure = await measureCatchUp({
    count: Number(values.count),
    steady: Number(values.steady),
    adminUrl: values['admin-url'],
    redisUrl: values['redis-url'],
    concurrency: Number(values.concurrency),
    info: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(figure)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
