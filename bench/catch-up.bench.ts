/**
 * Timer catch-up after an outage: `count` pending deadlines all overdue at
 * once, fired by the sweeper straight from PostgreSQL (batches through
 * `engine.fireTimers`), against the steady rate of the Redis path (the same
 * workers firing `steady` overdue timers armed in Redis, the way timers fall
 * due normally), with a case read (`GET /petitions/:id`'s query) timed in a
 * loop meanwhile.
 *
 *   npm run bench:catch-up -- [--count 1000000] [--steady 20000] [--admin-url URL] [--redis-url URL] [--concurrency 64]
 *
 * Cases are one engine-made case copied in SQL under new ids (hashes,
 * recorded outcomes and snapshots recomputed for each copy). Creates its own
 * database and Redis prefix and removes both at the end. Prints
 *   {"bench":"scale","figure":"catch-up","catch_up_per_s":…,"steady_per_s":…,"ratio":…,"read_p95_ms":…,"pass":…}
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import IORedis from 'ioredis';
import pino from 'pino';
import { mergePolicy } from '../config/load-config';
import { listEvents } from '../db/case-event.repository';
import { canonical, hashEvent } from '../engine/audit-hash';
import { createCaseQueryService } from '../engine/case-query.service';
import { createHousekeeping } from '../engine/housekeeping.service';
import { createPetitionEngine, type CommittedChange } from '../engine/petition.engine';
import { createTimerStore } from '../engine/timer-store.service';
import { createChinaCalendar } from '../engine/working-calendar';
import type { Actor } from '../machines/petition.roles';
import { createSweeper } from '../workers/sweeper';
import { createWorkerRuntime } from '../workers/worker-runtime';
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from './bench-database';

const UNIT = '411621';
const clerk: Actor = { id: 'bench-clerk', role: 'clerk', unit: UNIT };
const auditor: Actor = { id: 'bench-auditor', role: 'auditor', unit: UNIT };
const CHUNK = 2000;
const POLICY = mergePolicy({ acceptance: { duration: 'PT1H', calendar: 'elapsed', reminders: [], onBreach: 'escalate' } }, 2); // version 2 cases: the acceptance clock is the one let fall due
const EVERY_MS = 60_000;

const info = (line: string) => process.stderr.write(`${line}\n`);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseOptions(argv: readonly string[]) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      count: { type: 'string', default: '1000000' },
      steady: { type: 'string', default: '20000' },
      'admin-url': { type: 'string', default: DEFAULT_ADMIN_URL },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      concurrency: { type: 'string', default: '64' },
    },
  });
  return {
    count: Number(values.count),
    steady: Number(values.steady),
    adminUrl: values['admin-url'],
    redisUrl: values['redis-url'],
    concurrency: Number(values.concurrency),
  };
}

/** `n` copies of one engine-made case, each with its acceptance deadline pending. */
async function seedCases(bench: BenchDatabase, n: number): Promise<string[]> {
  const engine = createPetitionEngine({ db: bench.db, policy: POLICY, calendar: createChinaCalendar() });
  const template = (
    await engine.intake(
      {
        channel: 'letter',
        unit: UNIT,
        petitioner: { name: '张某', phone: '18749261234', address: '扶沟县曹里乡某村' },
        matter: { category: 'land', summary: '宅基地纠纷，请求确权' },
      },
      clerk,
    )
  ).id;
  const [intake] = await listEvents(bench.db, template);
  const { rows } = await bench.pool.query<{ snapshot: unknown }>(`select snapshot from cases where id = $1`, [template]);
  if (intake === undefined || rows[0] === undefined) throw new Error('no template');
  const snapshotText = canonical(rows[0].snapshot);
  const ids = [template];
  for (let start = 1; start < n; start += CHUNK) {
    const chunk = Array.from({ length: Math.min(CHUNK, n - start) }, () => randomUUID());
    const snaps = chunk.map((id) => snapshotText.replaceAll(template, id));
    const hashes = chunk.map((caseId, i) =>
      hashEvent({ ...intake, caseId, after: { state: intake.after?.state ?? '', snapshot: sha256(snaps[i] ?? '') } }),
    );
    const params = [template, chunk, hashes, snaps, snaps.map(sha256)];
    const cte = 'with c as (select * from unnest($2::uuid[], $3::text[], $4::text[], $5::text[]) as c(id, hash, snapshot, digest))';
    await bench.pool.query(
      `${cte} insert into cases select (jsonb_populate_record(null::cases, to_jsonb(t) || jsonb_build_object('id', c.id, 'number', null, 'last_hash', '\\x' || c.hash, 'snapshot', c.snapshot::jsonb))).* from cases t, c where t.id = $1`,
      params,
    );
    await bench.pool.query(
      `${cte} insert into case_events select (jsonb_populate_record(null::case_events, to_jsonb(t) || jsonb_build_object('case_id', c.id, 'hash', '\\x' || c.hash, 'snapshot_hash', '\\x' || c.digest))).* from case_events t, c where t.case_id = $1`,
      params,
    );
    await bench.pool.query(
      `${cte} insert into deadlines select (jsonb_populate_record(null::deadlines, to_jsonb(t) || jsonb_build_object('case_id', c.id, 'id', nextval(pg_get_serial_sequence('deadlines', 'id'))))).* from deadlines t, c where t.case_id = $1`,
      params,
    );
    ids.push(...chunk);
    if ((start - 1) % (CHUNK * 50) === 0) info(`seeded ${ids.length} of ${n} cases`);
  }
  await bench.pool.query('vacuum analyze');
  return ids;
}

/** Reads random cases one after another until `done()`; returns the latencies in ms. */
async function readLoop(bench: BenchDatabase, ids: readonly string[], done: () => boolean): Promise<number[]> {
  const queries = createCaseQueryService(bench.db);
  const latencies: number[] = [];
  while (!done()) {
    const id = ids[Math.floor(Math.random() * ids.length)] ?? '';
    const t = performance.now();
    await queries.get(id, auditor);
    latencies.push(performance.now() - t);
    await sleep(5);
  }
  return latencies;
}

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const prefix = `pfbench${randomBytes(4).toString('hex')}`;
  const bench = await createBenchDatabase(opts.adminUrl, 'catchup', opts.concurrency + 16);
  const logger = pino({ level: 'warn' }, process.stderr);
  const runtime = createWorkerRuntime({
    redisUrl: opts.redisUrl,
    prefix,
    db: bench.db,
    logger,
    reconcileEveryMs: EVERY_MS,
    concurrency: opts.concurrency,
  });
  let breached = 0;
  const onCommitted = async (change: CommittedChange) => {
    if (change.event.type === 'DEADLINE_BREACHED') breached += 1;
    await runtime.onCommitted(change);
  };
  const engine = createPetitionEngine({ db: bench.db, policy: POLICY, calendar: createChinaCalendar(), onCommitted });
  try {
    let t = performance.now();
    const ids = await seedCases(bench, opts.steady + opts.count);
    info(`seeded ${ids.length} cases in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const steadyIds = ids.slice(0, opts.steady);
    const lateIds = ids.slice(opts.steady);

    // The Redis path: timers just due (overdue by less than an interval), armed in Redis by the sweeper's first pass.
    await bench.pool.query(
      `update deadlines set due_at = now() - interval '1 second', updated_at = now() where case_id = any($1::uuid[])`,
      [steadyIds],
    );
    t = performance.now();
    const sweeper = runtime.startWorkers(engine);
    while (breached < steadyIds.length && performance.now() - t < 600_000) await sleep(50);
    const steadyRate = breached / ((performance.now() - t) / 1000);
    await sweeper.stop();
    info(`steady (Redis path): ${breached} breaches at ${steadyRate.toFixed(0)}/s`);

    // The outage: every other timer overdue by ten minutes, nothing in Redis; the sweeper catches up from PostgreSQL.
    await bench.pool.query(
      `update deadlines set due_at = now() - interval '10 minutes', updated_at = now() where status = 'pending' and clock = 'acceptance' and case_id <> all($1::uuid[])`,
      [steadyIds],
    );
    breached = 0;
    const catchUp = createSweeper({
      timers: createTimerStore(bench.db),
      housekeeping: createHousekeeping(bench.db),
      scheduler: runtime.scheduler,
      fire: (x) => engine.fireTimers(x),
      logger,
      everyMs: EVERY_MS,
    });
    let finished = false;
    const reads = readLoop(bench, steadyIds, () => finished);
    t = performance.now();
    let passes = 0;
    while (breached < lateIds.length && performance.now() - t < 1_800_000) {
      await catchUp.sweep();
      passes += 1;
    }
    const seconds = (performance.now() - t) / 1000;
    finished = true;
    const latencies = await reads;
    const rate = breached / seconds;
    const { rows } = await bench.pool.query<{ n: string }>(`select count(*) as n from case_events where type = 'DEADLINE_BREACHED'`);
    const redisJobs = await runtime.deadlineQueue.getJobCounts('delayed', 'waiting');
    info(
      `catch-up: ${breached} breaches in ${seconds.toFixed(1)} s over ${passes} passes; ${rows[0]?.n} breach entries in all; deadline jobs in Redis ${JSON.stringify(redisJobs)}`,
    );
    const ratio = rate / steadyRate;
    const readP95 = p95(latencies);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'scale',
        figure: 'catch-up',
        timers: lateIds.length,
        catch_up_per_s: Math.round(rate),
        steady_per_s: Math.round(steadyRate),
        ratio: Number(ratio.toFixed(3)),
        read_p95_ms: Number(readP95.toFixed(1)),
        reads: latencies.length,
        load_1m: Number(loadavg()[0]?.toFixed(2)),
        target_ratio: 0.8,
        target_read_p95_ms: 20,
        pass: breached === lateIds.length && ratio >= 0.8 && readP95 <= 20,
      })}\n`,
    );
  } finally {
    await runtime.close();
    const redis = new IORedis(opts.redisUrl, { maxRetriesPerRequest: 1 });
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await bench.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
