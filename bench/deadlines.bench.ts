/**
 * Deadline timers on BullMQ: arming throughput, Redis bytes per pending
 * deadline, and breach lateness, each against raw BullMQ in the same run.
 *
 *   npm run bench:deadlines -- [--admin-url URL] [--redis-url URL] [--count 100000]
 *     [--memory-count 20000] [--rate 1000] [--seconds 5] [--warmup-seconds 2] [--concurrency 64] [--redis-server PATH]
 *     [--only arming,redis-bytes,lateness]
 *
 * - arming: the sweeper's pass (PostgreSQL pages of 1000 pending rows, each
 *   handed to the timer scheduler's `arm`) over `count` deadline rows seeded
 *   with SQL, vs `Queue.addBulk` of as many delayed jobs in chunks of 1000.
 * - redis-bytes: `INFO memory` used_memory growth per armed deadline vs per
 *   raw delayed job (data `{}`, auto id, same queue name), on a private
 *   `redis-server` spawned on a spare port and killed at the end.
 * - lateness: due time → DEADLINE_BREACHED committed (seen by the engine's
 *   after-commit hook) with `count` far-future timers pending and `rate` cases
 *   falling due per second for `seconds` (after `warmup-seconds` more at the
 *   same rate, not counted, for both), workers of `createWorkerRuntime`
 *   in-process, vs due time → start of a no-op processor on a raw queue
 *   holding as many pending jobs.
 *
 * Creates its own database on the server of the admin URL and a unique key
 * prefix on the Redis of the Redis URL; drops the one and deletes the other at
 * the end. Prints one JSON line per figure on stdout, progress on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { Queue, Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import pino, { type Logger } from 'pino';
import { mergePolicy } from '../config/load-config';
import { listEvents } from '../db/case-event.repository';
import { listFiringBefore, type DeadlineRecord } from '../db/deadline.repository';
import { hashEvent } from '../engine/audit-hash';
import { createPetitionEngine, type CommittedChange } from '../engine/petition.engine';
import { createChinaCalendar } from '../engine/working-calendar';
import type { Actor } from '../machines/petition.roles';
import type { Intake } from '../machines/petition.schemas';
import { DEADLINE_QUEUE } from '../workers/queues';
import { createSweeper } from '../workers/sweeper';
import { createHousekeeping } from '../engine/housekeeping.service';
import { createTimerStore } from '../engine/timer-store.service';
import { createTimerScheduler, type TimerScheduler } from '../workers/timer-scheduler';
import { createWorkerRuntime, type WorkerRuntime } from '../workers/worker-runtime';
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from './bench-database';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** The sweeper's page size (workers/sweeper.ts); raw jobs are added in chunks of the same size. */
const PAGE = 1000;
const DAY = 86_400_000;
const UNIT = '411621';
const clerk: Actor = { id: 'bench-clerk', role: 'clerk', unit: UNIT };
const RAW_QUEUE = 'raw';

interface Options {
  readonly adminUrl: string;
  readonly redisUrl: string;
  readonly count: number;
  readonly memoryCount: number;
  readonly rate: number;
  readonly seconds: number;
  /** Seconds of due timers before the measured ones, at the same rate: JIT, pools and plan caches warm up. */
  readonly warmupSeconds: number;
  readonly concurrency: number;
  readonly redisServer: string;
  readonly logLevel: string;
  /** The figures to measure (all three unless `--only` names some). */
  readonly only: ReadonlySet<Figure>;
}

const FIGURES = ['arming', 'redis-bytes', 'lateness'] as const;
type Figure = (typeof FIGURES)[number];

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'admin-url': { type: 'string', default: DEFAULT_ADMIN_URL },
      'redis-url': { type: 'string', default: DEFAULT_REDIS_URL },
      count: { type: 'string', default: '100000' },
      'memory-count': { type: 'string', default: '20000' },
      rate: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '5' },
      'warmup-seconds': { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '64' },
      'redis-server': { type: 'string', default: 'redis-server' },
      'log-level': { type: 'string', default: 'error' },
      only: { type: 'string', default: FIGURES.join(',') },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(
      'usage: tsx bench/deadlines.bench.ts [--admin-url URL] [--redis-url URL] [--count N] [--memory-count N] [--rate PER_S] [--seconds S] [--warmup-seconds S] [--concurrency N] [--redis-server PATH] [--log-level LEVEL] [--only arming,redis-bytes,lateness]',
    );
    process.exit(0);
  }
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}`);
    return n;
  };
  const count = int('count', values.count, PAGE);
  const memoryCount = int('memory-count', values['memory-count'], PAGE);
  if (memoryCount > count) throw new Error('--memory-count cannot exceed --count');
  const only = values.only.split(',').map((f) => f.trim());
  const unknown = only.filter((f) => !(FIGURES as readonly string[]).includes(f));
  if (unknown.length > 0) throw new Error(`--only takes ${FIGURES.join(', ')}; not ${unknown.join(', ')}`);
  return {
    adminUrl: values['admin-url'],
    redisUrl: values['redis-url'],
    count,
    memoryCount,
    rate: int('rate', values.rate, 1),
    seconds: int('seconds', values.seconds, 1),
    warmupSeconds: int('warmup-seconds', values['warmup-seconds'], 0),
    concurrency: int('concurrency', values.concurrency, 1),
    redisServer: values['redis-server'],
    logLevel: values['log-level'],
    only: new Set(only as Figure[]),
  };
}

const wall = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (n: number, digits: number) => Number(n.toFixed(digits));
const info = (msg: string) => console.error(`[deadlines] ${msg}`);
const figure = (o: Record<string, unknown>) => console.log(JSON.stringify(o));

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function summary(values: readonly number[]) {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: quantile(s, 0.5), p90: quantile(s, 0.9), p99: quantile(s, 0.99), max: s[s.length - 1] ?? Number.NaN };
}

async function chunks<T>(items: readonly T[], size: number, each: (chunk: T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await each(items.slice(i, i + size));
}

/** Deletes every key under `prefix:` (the run's queues) on a shared Redis. */
async function deleteKeys(redis: IORedis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server (no persistence) on a spare port. */
async function startPrivateRedis(binary: string): Promise<{ url: string; proc: ChildProcess; stop(): Promise<void> }> {
  const port = await sparePort();
  const proc = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  let spawnError: Error | undefined;
  proc.once('error', (err) => {
    spawnError = err;
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await Promise.race([exited, sleep(3000)]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  };
  for (let i = 0; i < 100; i += 1) {
    if (spawnError !== undefined) throw new Error(`cannot start ${binary}: ${spawnError.message}`);
    const probe = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      if ((await probe.ping()) === 'PONG') {
        probe.disconnect();
        return { url, proc, stop };
      }
    } catch {
      // not up yet
    }
    probe.disconnect();
    await sleep(50);
  }
  await stop();
  throw new Error(`${binary} did not answer on port ${port}`);
}

async function usedMemory(redis: IORedis): Promise<number> {
  const text = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(text);
  if (m?.[1] === undefined) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

/** used_memory once the numbers settle (replies and query buffers of the last commands freed). */
async function settledMemory(redis: IORedis): Promise<number> {
  await sleep(200);
  return usedMemory(redis);
}

/**
 * `n` cases with one pending acceptance deadline each, far in the future, by
 * SQL alone. The cases rows are minimal (arming reads deadline rows only).
 */
async function seedFarDeadlines(bench: BenchDatabase, n: number, from: Date): Promise<void> {
  await bench.pool.query(
    `insert into cases (id, unit, state, channel, version, machine_version, snapshot, last_hash, created_at, updated_at)
     select gen_random_uuid(), $2, 'received', 'letter', 1, 1, '{}'::jsonb, decode(repeat('0', 64), 'hex'), now(), now() from generate_series(1, $1)`,
    [n, UNIT],
  );
  // Due times spread over 1000 s; three reminders each, as the statutory acceptance clock has.
  await bench.pool.query(
    `insert into deadlines (case_id, clock, generation, status, calendar, duration, on_breach, started_at, due_at, reminders, updated_at)
     select id, 'acceptance', 1, 'pending', 'calendar-days', 'P15D', 'escalate', now(), due,
            jsonb_build_array(due - interval '7 days 12 hours', due - interval '3 days', due - interval '1 day'), now()
     from (select id, $1::timestamptz + (row_number() over (order by id)) * interval '10 ms' as due from cases) c`,
    [from],
  );
  await bench.pool.query('analyze cases');
  await bench.pool.query('analyze deadlines');
}

/** Reads pending rows firing before `horizon` in the sweeper's pages. */
async function readPages(bench: BenchDatabase, horizon: Date, limit: number): Promise<DeadlineRecord[][]> {
  const pages: DeadlineRecord[][] = [];
  let after: { nextFireAt: Date; id: string } | undefined;
  let total = 0;
  while (total < limit) {
    const rows = await listFiringBefore(bench.db, horizon, Math.min(PAGE, limit - total), after);
    if (rows.length === 0) break;
    pages.push(rows);
    total += rows.length;
    const last = rows[rows.length - 1];
    if (last?.nextFireAt == null) break;
    after = { nextFireAt: last.nextFireAt, id: last.id };
  }
  return pages;
}

function rawJobs(n: number, delay: number) {
  return Array.from({ length: n }, () => ({ name: 'fire', data: {}, opts: { delay } }));
}

// ---------------------------------------------------------------- arming

/**
 * Arms `count` far-future deadlines through the sweeper and as many raw delayed jobs, timing both; prints the
 * figure when asked. The lateness figure runs over these pending timers, so it arms them even when not asked.
 */
async function benchArming(
  opts: Options,
  bench: BenchDatabase,
  redisUrl: string,
  prefix: string,
  logger: Logger,
  print: boolean,
): Promise<void> {
  const runtime = createWorkerRuntime({ redisUrl, prefix, db: bench.db, logger, reconcileEveryMs: 60_000, concurrency: opts.concurrency });
  const rawConn = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const raw = new Queue(RAW_QUEUE, { connection: rawConn, prefix });
  const warmQueues = [new Queue('warm-ours', { connection: rawConn, prefix }), new Queue('warm-raw', { connection: rawConn, prefix })];
  try {
    await runtime.deadlineQueue.waitUntilReady();
    await raw.waitUntilReady();
    // The sweeper's horizon is now + 2 intervals: make it reach past every seeded deadline.
    // The runtime's scheduler, timed: how much of the pass is `arm` (Redis) rather than reading pages (PostgreSQL).
    let armMs = 0;
    const scheduler: TimerScheduler = {
      arm: async (rows) => {
        const t0 = performance.now();
        await runtime.scheduler.arm(rows);
        armMs += performance.now() - t0;
      },
      sync: (touched) => runtime.scheduler.sync(touched),
    };
    const sweeper = createSweeper({
      timers: createTimerStore(bench.db),
      housekeeping: createHousekeeping(bench.db),
      scheduler,
      logger,
      everyMs: 60 * DAY,
    });

    // Warm-up (JIT, connections, Lua script loading, plan caches) on throwaway queues.
    const [warmOurs, warmRaw] = warmQueues as [Queue, Queue];
    const warmScheduler = createTimerScheduler(warmOurs, logger);
    for (const page of await readPages(bench, new Date(Date.now() + 120 * DAY), 3 * PAGE)) await warmScheduler.arm(page);
    await chunks(rawJobs(3 * PAGE, 30 * DAY), PAGE, async (c) => void (await warmRaw.addBulk(c)));
    for (const q of warmQueues) await q.obliterate({ force: true });

    let t = performance.now();
    const armed = await sweeper.sweep();
    const oursSeconds = (performance.now() - t) / 1000;
    const oursDelayed = await runtime.deadlineQueue.getDelayedCount();
    if (armed !== opts.count || oursDelayed !== opts.count)
      throw new Error(`armed ${armed} rows, ${oursDelayed} delayed jobs; expected ${opts.count}`);

    const jobs = rawJobs(opts.count, 30 * DAY);
    t = performance.now();
    await chunks(jobs, PAGE, async (c) => void (await raw.addBulk(c)));
    const rawSeconds = (performance.now() - t) / 1000;
    const rawDelayed = await raw.getDelayedCount();
    if (rawDelayed !== opts.count) throw new Error(`raw queue holds ${rawDelayed} delayed jobs; expected ${opts.count}`);

    const ours = opts.count / oursSeconds;
    const rawRate = opts.count / rawSeconds;
    info(
      `arming: sweeper ${oursSeconds.toFixed(2)} s (${ours.toFixed(0)}/s; ${(armMs / 1000).toFixed(2)} s of it in arm, the rest reading pages), raw addBulk ${rawSeconds.toFixed(2)} s (${rawRate.toFixed(0)}/s)`,
    );
    const ratio = ours / rawRate;
    if (print)
      figure({
        bench: 'arming',
        count: opts.count,
        ours: round(ours, 0),
        raw: round(rawRate, 0),
        ratio: round(ratio, 3),
        target: 0.5,
        pass: ratio >= 0.5,
      });
  } finally {
    await raw.close();
    for (const q of warmQueues) await q.close();
    await runtime.close();
    rawConn.disconnect();
  }
}

// ---------------------------------------------------------------- redis-bytes

interface Breakdown {
  /** `listpack` while every field of the job hash is at most 64 bytes (hash-max-listpack-value), else `hashtable`. */
  readonly encoding: string;
  readonly jobKey: number;
  readonly idLength: number;
  readonly dataLength: number;
  readonly optsLength: number;
  readonly delayedPerJob: number;
  readonly eventsPerJob: number;
}

async function breakdown(redis: IORedis, prefix: string, queue: string, n: number): Promise<Breakdown> {
  const [member] = await redis.zrange(`${prefix}:${queue}:delayed`, 0, 0);
  if (member === undefined) throw new Error(`no delayed job in ${queue}`);
  const key = `${prefix}:${queue}:${member}`;
  const [data, jobOpts] = await redis.hmget(key, 'data', 'opts');
  const usage = async (k: string) => Number((await redis.call('MEMORY', 'USAGE', k, 'SAMPLES', '0')) ?? 0);
  return {
    encoding: String(await redis.object('ENCODING', key)),
    jobKey: await usage(key),
    idLength: member.length,
    dataLength: data?.length ?? 0,
    optsLength: jobOpts?.length ?? 0,
    delayedPerJob: (await usage(`${prefix}:${queue}:delayed`)) / n,
    eventsPerJob: (await usage(`${prefix}:${queue}:events`)) / n,
  };
}

const describeBreakdown = (b: Breakdown) =>
  `job hash ${b.jobKey} B as ${b.encoding} (id ${b.idLength} chars, data ${b.dataLength} B, opts ${b.optsLength} B), delayed zset ${b.delayedPerJob.toFixed(0)} B/job, events stream ${b.eventsPerJob.toFixed(0)} B/job`;

async function benchRedisBytes(opts: Options, bench: BenchDatabase, logger: Logger): Promise<void> {
  const redis = await startPrivateRedis(opts.redisServer);
  const admin = new IORedis(redis.url, { maxRetriesPerRequest: null });
  const prefix = 'pf';
  const n = opts.memoryCount;
  try {
    const pages = await readPages(bench, new Date(Date.now() + 120 * DAY), n);
    const rows = pages.reduce((s, p) => s + p.length, 0);
    if (rows !== n) throw new Error(`read ${rows} rows; expected ${n}`);

    // Ours: the runtime's producer connection and queue, armed page by page as the sweeper does.
    await admin.flushall();
    const runtime = createWorkerRuntime({
      redisUrl: redis.url,
      prefix,
      db: bench.db,
      logger,
      reconcileEveryMs: 60_000,
      concurrency: opts.concurrency,
    });
    let ours: number;
    let oursBreakdown: Breakdown;
    try {
      await runtime.deadlineQueue.waitUntilReady();
      const before = await settledMemory(admin);
      for (const page of pages) await runtime.scheduler.arm(page);
      const after = await settledMemory(admin);
      const delayed = await runtime.deadlineQueue.getDelayedCount();
      if (delayed !== n) throw new Error(`${delayed} delayed timers; expected ${n}`);
      ours = (after - before) / n;
      oursBreakdown = await breakdown(admin, prefix, DEADLINE_QUEUE, n);
    } finally {
      await runtime.close();
    }

    // Raw: minimal data, auto ids, same delay, same chunk size, and the same prefix and queue name (Redis is flushed
    // in between): every key of a job starts with them, so a shorter queue name alone would look like 2% less memory.
    await admin.flushall();
    const conn = new IORedis(redis.url, { maxRetriesPerRequest: null });
    const raw = new Queue(DEADLINE_QUEUE, { connection: conn, prefix });
    let rawBytes: number;
    let rawBreakdown: Breakdown;
    try {
      await raw.waitUntilReady();
      const before = await settledMemory(admin);
      await chunks(rawJobs(n, 30 * DAY), PAGE, async (c) => void (await raw.addBulk(c)));
      const after = await settledMemory(admin);
      const delayed = await raw.getDelayedCount();
      if (delayed !== n) throw new Error(`${delayed} raw delayed jobs; expected ${n}`);
      rawBytes = (after - before) / n;
      rawBreakdown = await breakdown(admin, prefix, DEADLINE_QUEUE, n);
    } finally {
      await raw.close();
      conn.disconnect();
    }

    info(`redis-bytes ours: ${ours.toFixed(0)} B/deadline; ${describeBreakdown(oursBreakdown)}`);
    info(`redis-bytes raw:  ${rawBytes.toFixed(0)} B/job; ${describeBreakdown(rawBreakdown)}`);
    const ratio = ours / rawBytes;
    figure({
      bench: 'redis-bytes',
      count: n,
      ours: round(ours, 0),
      raw: round(rawBytes, 0),
      ratio: round(ratio, 3),
      target: 1.2,
      pass: ratio <= 1.2,
    });
  } finally {
    admin.disconnect();
    await redis.stop();
  }
}

// ---------------------------------------------------------------- lateness

const LATE_INTAKE: Intake = {
  channel: 'letter',
  unit: UNIT,
  petitioner: { name: '张某', idNumber: '41272119900101341X', phone: '18749261234', address: '扶沟县曹里乡某村' },
  matter: { category: 'land', summary: '宅基地纠纷，请求确权' },
};

interface LatenessResult {
  readonly commit: ReturnType<typeof summary>;
  readonly pickup: ReturnType<typeof summary>;
  readonly transaction: ReturnType<typeof summary>;
  readonly breached: number;
  /** Breaches committed per second from the first due time to the last commit. */
  readonly throughput: number;
  /** CPU time of this process (workers, engine, notifications) per breach committed. */
  readonly cpuPerBreach: number;
}

const cpuMillis = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

/** An elapsed acceptance clock of an hour without reminders: the bench moves each due time by SQL. */
const LATE_POLICY = mergePolicy({ acceptance: { duration: 'PT1H', calendar: 'elapsed', reminders: [], onBreach: 'escalate' } }, 2); // version 2 cases: the acceptance clock is the one let fall due

/**
 * `n` real cases (the breach runs the machine on their snapshots): one made
 * by `engine.intake`, the others copies of it by SQL with ids of their own, a
 * snapshot naming that id and an INTAKE entry hashed for it (the trail still
 * verifies). Whatever columns the tables have are copied, so the copy follows
 * the schema.
 */
async function seedLateCases(bench: BenchDatabase, n: number): Promise<string[]> {
  const engine = createPetitionEngine({ db: bench.db, policy: LATE_POLICY, calendar: createChinaCalendar() });
  const template = (await engine.intake(LATE_INTAKE, clerk)).id;
  const [intake] = await listEvents(bench.db, template);
  if (intake === undefined) throw new Error('the template case has no trail');
  const ids = [template, ...Array.from({ length: n - 1 }, () => randomUUID())];
  for (let i = 1; i < n; i += PAGE) {
    const chunk = ids.slice(i, i + PAGE);
    const hashes = chunk.map((caseId) => hashEvent({ ...intake, caseId }));
    const params = [template, chunk, hashes];
    const cte = 'with c as (select * from unnest($2::uuid[], $3::text[]) as c(id, hash))';
    await bench.pool.query(
      `${cte} insert into cases select (jsonb_populate_record(null::cases, to_jsonb(t) || jsonb_build_object(
         'id', c.id, 'number', null, 'last_hash', '\\x' || c.hash, 'snapshot', t.snapshot))).*
       from cases t, c where t.id = $1`,
      params,
    );
    await bench.pool.query(
      `${cte} insert into case_events select (jsonb_populate_record(null::case_events, to_jsonb(t) || jsonb_build_object(
         'case_id', c.id, 'hash', '\\x' || c.hash))).*
       from case_events t, c where t.case_id = $1`,
      params,
    );
    await bench.pool.query(
      `${cte} insert into deadlines select (jsonb_populate_record(null::deadlines, to_jsonb(t) || jsonb_build_object(
         'case_id', c.id, 'id', nextval(pg_get_serial_sequence('deadlines', 'id'))))).*
       from deadlines t, c where t.case_id = $1`,
      params,
    );
  }
  await bench.pool.query('analyze');
  return ids;
}

async function benchOursLateness(
  opts: Options,
  bench: BenchDatabase,
  redisUrl: string,
  prefix: string,
  logger: Logger,
  ids: readonly string[],
  /** The first `warm` cases fall due before t0, to warm up; they are not counted. */
  warm: number,
): Promise<LatenessResult> {
  const committedAt = new Map<string, number>();
  const runtime: WorkerRuntime = createWorkerRuntime({
    redisUrl,
    prefix,
    db: bench.db,
    logger,
    reconcileEveryMs: 60_000,
    concurrency: opts.concurrency,
  });
  // The engine's after-commit hook is the runtime's, noting when each breach was committed.
  const onCommitted = async (change: CommittedChange) => {
    if (change.event.type === 'DEADLINE_BREACHED') committedAt.set(change.caseId, wall());
    await runtime.onCommitted(change);
  };
  const engine = createPetitionEngine({ db: bench.db, policy: LATE_POLICY, calendar: createChinaCalendar(), onCommitted });
  try {
    await runtime.deadlineQueue.waitUntilReady();
    const pending = await runtime.deadlineQueue.getDelayedCount();
    // Time to move the due times and arm the timers before the first falls due.
    const lead = 3000 + ids.length / 2;
    const t0 = Math.ceil(wall() + lead);
    const stepMs = 1000 / opts.rate;
    // Due times t0 - warm/rate s, ..., t0, t0 + 1/rate s, ...: the cases fall due at `rate` per second.
    const { rows } = await bench.pool.query<{ case_id: string; due_at: Date }>(
      `update deadlines d set due_at = $1::timestamptz + (o.i * $2) * interval '1 millisecond', updated_at = now()
       from unnest($3::uuid[]) with ordinality as o(case_id, i)
       where d.case_id = o.case_id and d.clock = 'acceptance' and d.status = 'pending'
       returning d.case_id, d.due_at`,
      [new Date(t0 - stepMs * (warm + 1)), stepMs, ids],
    );
    if (rows.length !== ids.length) throw new Error(`moved ${rows.length} due times; expected ${ids.length}`);
    const allDue = new Map(rows.map((r) => [r.case_id, r.due_at.getTime()]));
    const measured = new Set(ids.slice(warm));
    const dueOf = new Map([...allDue].filter(([caseId]) => measured.has(caseId)));
    const lastDue = Math.max(...allDue.values());
    // Armed as the sweeper does, before any falls due.
    const pages = await readPages(bench, new Date(lastDue + 1), ids.length);
    for (const page of pages) await runtime.scheduler.arm(page);
    const sweeper = runtime.startWorkers(engine);
    const armedBy = wall();
    const cpu = process.cpuUsage();
    if (armedBy >= t0 - warm * stepMs) info(`lateness: WARNING arming finished ${Math.round(armedBy - t0)} ms after the first due time`);
    info(
      `lateness (ours): ${warm} due to warm up, then ${dueOf.size} from t0 at ${opts.rate}/s, over ${pending} pending timers; armed ${Math.round(t0 - armedBy)} ms before t0`,
    );

    const giveUp = lastDue + 60_000;
    while (committedAt.size < ids.length && wall() < giveUp) await sleep(100);
    const cpuMs = cpuMillis(process.cpuUsage(cpu));
    await sweeper.stop();
    if (committedAt.size < ids.length)
      info(`lateness (ours): only ${committedAt.size} of ${ids.length} breached within 60 s of the last due time`);

    // A breach not committed by the give-up time counts with its lateness so far (a lower bound).
    const stoppedAt = wall();
    const commit = [...dueOf].map(([caseId, due]) => (committedAt.get(caseId) ?? stoppedAt) - due);
    // Lateness per second of due times: shows whether the tail is a warm-up or a backlog that grows.
    const perSecond = new Map<number, number[]>();
    for (const [caseId, due] of allDue) {
      const second = Math.floor((due - t0) / 1000);
      perSecond.set(second, [...(perSecond.get(second) ?? []), (committedAt.get(caseId) ?? stoppedAt) - due]);
    }
    info(
      `lateness (ours) by second of due time, p50/p99 ms: ${[...perSecond]
        .sort(([a], [b]) => a - b)
        .map(([sec, v]) => `${sec}s ${summary(v).p50.toFixed(0)}/${summary(v).p99.toFixed(0)}`)
        .join(', ')}`,
    );
    // The breach event's `at` is the engine's clock when it built the event, under the case lock.
    const events = await bench.db
      .selectFrom('case_events')
      .select(['case_id', 'at'])
      .where('type', '=', 'DEADLINE_BREACHED')
      .where('case_id', 'in', [...measured])
      .execute();
    const pickup: number[] = [];
    const transaction: number[] = [];
    for (const e of events) {
      const due = dueOf.get(e.case_id);
      const c = committedAt.get(e.case_id);
      if (due === undefined) continue;
      pickup.push(e.at.getTime() - due);
      if (c !== undefined) transaction.push(c - e.at.getTime());
    }
    const measuredCommits = [...measured].flatMap((caseId) => committedAt.get(caseId) ?? []);
    const lastCommit = measuredCommits.length === measured.size ? Math.max(...measuredCommits) : stoppedAt;
    const throughput = measuredCommits.length / ((lastCommit - t0) / 1000);
    return {
      commit: summary(commit),
      pickup: summary(pickup),
      transaction: summary(transaction),
      breached: measuredCommits.length,
      throughput,
      cpuPerBreach: cpuMs / Math.max(1, committedAt.size),
    };
  } finally {
    await runtime.close();
  }
}

async function benchRawLateness(
  opts: Options,
  redisUrl: string,
  prefix: string,
  n: number,
  /** The first `warm` jobs fall due before t0, to warm up; they are not counted. */
  warm: number,
): Promise<ReturnType<typeof summary> & { cpuPerJob: number }> {
  const producer = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const consumer = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(RAW_QUEUE, { connection: producer, prefix });
  const starts: number[] = [];
  const worker = new Worker(
    RAW_QUEUE,
    async (job: Job<{ d: number; i: number }>) => {
      if (job.data.i >= warm) starts.push(wall() - job.data.d);
    },
    { connection: consumer, prefix, concurrency: opts.concurrency, autorun: false },
  );
  worker.on('error', (err) => info(`raw worker error: ${err.message}`));
  try {
    await queue.waitUntilReady();
    const pending = await queue.getDelayedCount();
    const lead = 3000 + (warm + n) / 2;
    const t0 = Math.ceil(wall() + lead);
    const stepMs = 1000 / opts.rate;
    // With the job's own timestamp given, BullMQ schedules it at exactly timestamp + delay = its due time.
    const timestamp = Math.round(wall());
    const jobs = Array.from({ length: warm + n }, (_, i) => {
      const due = Math.round(t0 + (i - warm) * stepMs);
      return { name: 'fire', data: { d: due, i }, opts: { timestamp, delay: due - timestamp, removeOnComplete: true } };
    });
    await chunks(jobs, PAGE, async (c) => void (await queue.addBulk(c)));
    const running = worker.run();
    const armedBy = wall();
    const cpu = process.cpuUsage();
    if (armedBy >= t0 - warm * stepMs) info(`lateness: WARNING raw jobs added ${Math.round(armedBy - t0)} ms after the first due time`);
    info(
      `lateness (raw): ${warm} due to warm up, then ${n} from t0 at ${opts.rate}/s, over ${pending} pending jobs; added ${Math.round(t0 - armedBy)} ms before t0`,
    );
    const giveUp = t0 + n * stepMs + 60_000;
    while (starts.length < n && wall() < giveUp) await sleep(100);
    const cpuMs = cpuMillis(process.cpuUsage(cpu));
    await worker.close();
    await running;
    return { ...summary(starts), cpuPerJob: cpuMs / Math.max(1, starts.length) };
  } finally {
    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const logger = pino({ level: opts.logLevel, base: undefined }, process.stderr);
  const prefix = `pfbench${randomBytes(4).toString('hex')}`;
  const started = performance.now();
  let bench: BenchDatabase | undefined;
  const shared = new IORedis(opts.redisUrl, { maxRetriesPerRequest: 1 });
  shared.on('error', () => undefined);
  try {
    const lateCount = opts.rate * opts.seconds;
    // Workers, sweeper, engine commands and notification jobs share the pool.
    bench = await createBenchDatabase(opts.adminUrl, 'deadlines', opts.concurrency + 16);
    let t = performance.now();
    await seedFarDeadlines(bench, opts.count, new Date(Date.now() + 30 * DAY));
    info(
      `database ${bench.name}: seeded ${opts.count} pending deadlines by SQL in ${((performance.now() - t) / 1000).toFixed(1)} s; Redis prefix ${prefix}`,
    );

    if (opts.only.has('redis-bytes')) await benchRedisBytes(opts, bench, logger);
    if (opts.only.has('arming') || opts.only.has('lateness'))
      await benchArming(opts, bench, opts.redisUrl, prefix, logger, opts.only.has('arming'));
    if (!opts.only.has('lateness')) return;

    t = performance.now();
    const warm = opts.rate * opts.warmupSeconds;
    const ids = await seedLateCases(bench, warm + lateCount);
    info(`lateness: seeded ${ids.length} cases (engine.intake, then SQL copies) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const ours = await benchOursLateness(opts, bench, opts.redisUrl, prefix, logger, ids, warm);
    const raw = await benchRawLateness(opts, opts.redisUrl, prefix, lateCount, warm);
    const ms = (s: ReturnType<typeof summary>) =>
      `p50 ${s.p50.toFixed(1)} / p90 ${s.p90.toFixed(1)} / p99 ${s.p99.toFixed(1)} / max ${s.max.toFixed(1)} ms`;
    info(
      `lateness ours: due → committed ${ms(ours.commit)} (${ours.breached}/${lateCount} breached, ${ours.throughput.toFixed(0)} breaches/s, ${ours.cpuPerBreach.toFixed(2)} ms CPU of this process per breach)`,
    );
    info(`lateness ours:   due → event built under the case lock ${ms(ours.pickup)}`);
    info(`lateness ours:   event built → after-commit hook ${ms(ours.transaction)}`);
    info(`lateness raw: due → processor start ${ms(raw)} (${raw.n}/${lateCount}, ${raw.cpuPerJob.toFixed(2)} ms CPU per job)`);
    const ratioP99 = ours.commit.p99 / raw.p99;
    const complete = ours.breached === lateCount && raw.n === lateCount;
    figure({
      bench: 'lateness',
      rate: opts.rate,
      due: lateCount,
      warmup_due: warm,
      pending: opts.count,
      concurrency: opts.concurrency,
      p50_ms: round(ours.commit.p50, 1),
      p99_ms: round(ours.commit.p99, 1),
      raw_p50_ms: round(raw.p50, 1),
      raw_p99_ms: round(raw.p99, 1),
      ratio_p99: round(ratioP99, 2),
      target: 'p99 ≤ 2× raw and ≤ 1000 ms',
      pass: complete && ratioP99 <= 2 && ours.commit.p99 <= 1000,
    });
  } finally {
    try {
      const n = await deleteKeys(shared, prefix);
      info(`deleted ${n} Redis keys under ${prefix}:`);
    } catch (err) {
      info(`could not delete Redis keys under ${prefix}: (${(err as Error).message})`);
    }
    shared.disconnect();
    await bench?.drop();
    info(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
