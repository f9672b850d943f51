/**
 * The catch-up figure, shared by `bench:catch-up` and `bench:scale`: `count`
 * pending deadlines all overdue at once (after an outage), fired by the
 * sweeper straight from PostgreSQL (batches through `engine.fireTimers`),
 * against the steady rate of the Redis path (the same workers firing `steady`
 * timers just due and armed in Redis, the way timers fall due normally), with
 * a case read (`GET /petitions/:id`'s query) timed in a loop meanwhile.
 *
 * It runs on a database and Redis prefix of its own, removed at the end.
 * bench:scale's data set cannot carry the timers: its open cases (5%, 50,000
 * of 1M) hold far fewer pending deadlines than the `--cases` overdue timers
 * asked for, so the timer cases would be added either way; added to the scale
 * data set they would change a `--keep` data set for its next run, and the
 * scale data's own past-due deadlines would be fired in the same passes. A
 * database of its own costs only its creation and migration (seconds).
 *
 * Cases are copies of one engine-made intake (bench/case-copies.ts: hashes,
 * recorded outcomes and snapshots recomputed for each copy), their acceptance
 * deadline parked a month ahead until a phase moves it.
 */
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import IORedis from 'ioredis';
import pino from 'pino';
import { mergePolicy } from '../config/load-config';
import { createHousekeeping } from '../engine/housekeeping.service';
import { createPetitionEngine, type CommittedChange } from '../engine/petition.engine';
import { createTimerStore } from '../engine/timer-store.service';
import { createChinaCalendar } from '../engine/working-calendar';
import type { Actor } from '../machines/petition.roles';
import { createSweeper } from '../workers/sweeper';
import { createWorkerRuntime } from '../workers/worker-runtime';
import { createBenchDatabase, type BenchDatabase } from './bench-database';
import { copyCases, templateOf } from './case-copies';

const UNIT = '411621';
const clerk: Actor = { id: 'bench-clerk', role: 'clerk', unit: UNIT };
const auditor: Actor = { id: 'bench-auditor', role: 'auditor', unit: UNIT };
/** Version 2 cases: the acceptance clock is the one let fall due, and its breach escalates (a transition, a trail entry). */
const POLICY = mergePolicy({ acceptance: { duration: 'PT1H', calendar: 'elapsed', reminders: [], onBreach: 'escalate' } }, 2);
const EVERY_MS = 60_000;
/** Far enough ahead that no parked timer is armed or fired before its phase moves it. */
const PARKED_MS = 30 * 86_400_000;

/** What one catch-up measurement is asked to do. */
export interface CatchUpOptions {
  /** Overdue timers fired from PostgreSQL. */
  readonly count: number;
  /** Timers fired through Redis for the steady rate. */
  readonly steady: number;
  readonly adminUrl: string;
  readonly redisUrl: string;
  /**
   * How long the catch-up is timed, in seconds; undefined times it to the last timer. The sweeper's passes are bounded
   * and resume where they stopped, so the rate over a window of a backlog of `count` is the rate of the whole backlog;
   * a window keeps a million-timer figure inside bench:scale's time.
   */
  readonly seconds?: number | undefined;
  /** Worker concurrency of the Redis path. */
  readonly concurrency: number;
  /** Progress lines (stderr in both scripts). */
  readonly info: (line: string) => void;
}

/** The figure, as both scripts print it. */
export interface CatchUpFigure {
  readonly bench: 'scale';
  readonly figure: 'catch-up';
  readonly timers: number;
  /** Timers fired while timed (all of them unless a window was set). */
  readonly fired: number;
  readonly catch_up_per_s: number;
  readonly steady_per_s: number;
  readonly ratio: number;
  readonly read_p95_ms: number;
  readonly reads: number;
  readonly seed_s: number;
  readonly catch_up_s: number;
  readonly load_1m: number;
  readonly target_ratio: number;
  readonly target_read_p95_ms: number;
  readonly pass: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? NaN;

/** `n` cases, each with its acceptance deadline pending and parked at `parkedAt`; returns their ids. */
async function seedCases(bench: BenchDatabase, n: number, parkedAt: Date, info: (line: string) => void): Promise<string[]> {
  const engine = createPetitionEngine({ db: bench.db, policy: POLICY, calendar: createChinaCalendar() });
  const intake = await engine.intake(
    {
      channel: 'letter',
      unit: UNIT,
      petitioner: { name: '张某', phone: '18749261234', address: '扶沟县曹里乡某村' },
      matter: { category: 'land', summary: '宅基地纠纷，请求确权' },
    },
    clerk,
  );
  const template = await templateOf(bench.db, intake.id);
  const t0 = performance.now();
  await copyCases(
    bench.pool,
    n - 1,
    () => ({ template, pendingDueAt: parkedAt }),
    (done) => info(`[${((performance.now() - t0) / 1000).toFixed(0)} s] copied ${done} of ${n - 1} timer cases`),
  );
  await bench.pool.query(`update deadlines set due_at = $1, updated_at = now() where case_id = $2 and status = 'pending'`, [
    parkedAt,
    intake.id,
  ]);
  await bench.pool.query('vacuum analyze');
  const { rows } = await bench.pool.query<{ case_id: string }>(
    `select case_id from deadlines where status = 'pending' and clock = 'acceptance' and due_at = $1`,
    [parkedAt],
  );
  if (rows.length !== n) throw new Error(`expected ${n} parked acceptance timers, found ${rows.length}`);
  return rows.map((r) => r.case_id);
}

/** Reads random cases one after another in a thread of its own (bench/case-reads.worker.ts) until `stop()` is called. */
function startReads(bench: BenchDatabase, ids: readonly string[]): { stop: () => Promise<number[]> } {
  const fromSource = __filename.endsWith('.ts');
  const worker = new Worker(join(__dirname, fromSource ? 'case-reads.worker.ts' : 'case-reads.worker.js'), {
    workerData: { url: bench.url, ids, pauseMs: 5, reader: auditor },
    execArgv: fromSource ? ['--require', 'tsx/cjs'] : [],
  });
  const latencies = new Promise<number[]>((resolve, reject) => {
    worker.once('message', (m: number[]) => resolve(m));
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      return latencies;
    },
  };
}

/** Removes every key of `prefix` from Redis (the queues of this run only). */
async function clearPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Builds its database, measures the steady rate, then the catch-up with reads meanwhile; removes the database and keys. */
export async function measureCatchUp(opts: CatchUpOptions): Promise<CatchUpFigure> {
  const { info } = opts;
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
    const parkedAt = new Date(Math.floor((Date.now() + PARKED_MS) / 1000) * 1000);
    const ids = await seedCases(bench, opts.steady + opts.count, parkedAt, info);
    const seedSeconds = (performance.now() - t) / 1000;
    info(`seeded ${ids.length} timer cases in ${seedSeconds.toFixed(1)} s`);
    const steadyIds = ids.slice(0, opts.steady);

    // The Redis path: timers just due (overdue by less than an interval), armed in Redis by the sweeper's first pass.
    await bench.pool.query(
      `update deadlines set due_at = now() - interval '1 second', updated_at = now() where status = 'pending' and case_id = any($1::uuid[])`,
      [steadyIds],
    );
    t = performance.now();
    const sweeper = runtime.startWorkers(engine);
    while (breached < steadyIds.length && performance.now() - t < 600_000) await sleep(50);
    const steadyRate = breached / ((performance.now() - t) / 1000);
    await sweeper.stop();
    info(`steady (Redis path): ${breached} breaches at ${steadyRate.toFixed(0)}/s`);

    // The outage: every other timer overdue by ten minutes, nothing in Redis; the sweeper catches up from PostgreSQL.
    // The cases' overdue_from is left as it was (nothing here reads the overdue list): each breach writes it anew.
    const moved = await bench.pool.query(
      `update deadlines set due_at = now() - interval '10 minutes', updated_at = now() where status = 'pending' and clock = 'acceptance' and due_at = $1`,
      [parkedAt],
    );
    const late = moved.rowCount ?? 0;
    breached = 0;
    const catchUp = createSweeper({
      timers: createTimerStore(bench.db),
      housekeeping: createHousekeeping(bench.db),
      scheduler: runtime.scheduler,
      fire: (x) => engine.fireTimers(x),
      logger,
      everyMs: EVERY_MS,
    });
    const reads = startReads(bench, steadyIds);
    t = performance.now();
    let passes = 0;
    const limitMs = (opts.seconds ?? 1800) * 1000;
    while (breached < late && performance.now() - t < limitMs) {
      await catchUp.sweep();
      passes += 1;
    }
    const seconds = (performance.now() - t) / 1000;
    const latencies = await reads.stop();
    const rate = breached / seconds;
    const { rows } = await bench.pool.query<{ n: string }>(`select count(*) as n from case_events where type = 'DEADLINE_BREACHED'`);
    const redisJobs = await runtime.deadlineQueue.getJobCounts('delayed', 'waiting');
    info(
      `catch-up: ${breached} breaches in ${seconds.toFixed(1)} s over ${passes} passes; ${rows[0]?.n} breach entries in all; deadline jobs in Redis ${JSON.stringify(redisJobs)}`,
    );
    const ratio = rate / steadyRate;
    const readP95 = p95(latencies);
    return {
      bench: 'scale',
      figure: 'catch-up',
      timers: late,
      fired: breached,
      catch_up_per_s: Math.round(rate),
      steady_per_s: Math.round(steadyRate),
      ratio: Number(ratio.toFixed(3)),
      read_p95_ms: Number(readP95.toFixed(1)),
      reads: latencies.length,
      seed_s: Math.round(seedSeconds),
      catch_up_s: Math.round(seconds),
      load_1m: Number(loadavg()[0]?.toFixed(2)),
      target_ratio: 0.8,
      target_read_p95_ms: 20,
      // Every timer fired, or (with a window) the whole window spent firing them.
      pass: late === opts.count && (breached === late || opts.seconds !== undefined) && ratio >= 0.8 && readP95 <= 20,
    };
  } finally {
    await runtime.close();
    await clearPrefix(opts.redisUrl, prefix);
    await bench.drop();
  }
}
