/**
 * Fixtures of the deadline-worker tests: a second-scale policy, a unique
 * BullMQ prefix per test file, the worker runtime wired to an engine the way
 * `app/process-runtime.ts` wires it, and queries over the trail.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { Pool } from 'pg';
import { pino, type Logger } from 'pino';
import { Redis } from 'ioredis';
import { mergePolicy } from '../../config/load-config';
import type { ClockPolicyInput, Policy } from '../../config/policy.schema';
import type { ClockName } from '../../machines/petition.vocabulary';
import { createKysely } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import type { Database } from '../../db/schema';
import { createPetitionEngine, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { createWorkerRuntime, type WorkerRuntime } from '../../workers/worker-runtime';
import { actor, intakeBody } from './engine-fixtures';

/** The shared Redis of the machine (CI starts one on 6379); private ones come from private-services.ts. */
export const SHARED_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ prefix of its own for one test file: `pft{<hex>}` (a hash tag, no colons). */
export function uniquePrefix(): string {
  return `pft{${randomBytes(5).toString('hex')}}`;
}

/** A policy with second-scale elapsed clocks; `overrides` replace whole clocks. */
export function secondsPolicy(overrides: Partial<Record<ClockName, ClockPolicyInput>> = {}): Policy {
  return mergePolicy({
    acceptance: { duration: 'PT4S', calendar: 'elapsed', reminders: ['50%', '80%'], onBreach: 'escalate' },
    ...overrides,
  });
}

/** Writes a policy file for `PETITION_POLICY` into `dir` and returns its path. */
export function writePolicyFile(dir: string, policy: Policy): string {
  const path = join(dir, `policy-${randomBytes(3).toString('hex')}.json`);
  writeFileSync(path, JSON.stringify({ clocks: policy.clocks, machineVersion: policy.machineVersion }));
  return path;
}

/** A quiet logger (errors only) for in-process runtimes. */
export function quietLogger(): Logger {
  return pino({ level: process.env.TEST_LOG_LEVEL ?? 'error' });
}

/** The engine and worker runtime of one in-process "server". */
export interface InProcessWorkers {
  readonly runtime: WorkerRuntime;
  readonly engine: PetitionEngine;
  /** Starts consuming (deadline and notification workers, sweeper). */
  start(): void;
  /** Closes workers, queues and connections, then removes every key under the prefix. */
  close(): Promise<void>;
}

/** Wires the runtime and an engine together as `openProcessRuntime` does: timers are armed after each commit. */
export function inProcessWorkers(opts: {
  db: Kysely<Database>;
  policy: Policy;
  redisUrl: string;
  prefix: string;
  reconcileEveryMs: number;
  concurrency?: number;
  now?: () => Date;
}): InProcessWorkers {
  const runtime = createWorkerRuntime({
    redisUrl: opts.redisUrl,
    prefix: opts.prefix,
    db: opts.db,
    logger: quietLogger(),
    reconcileEveryMs: opts.reconcileEveryMs,
    concurrency: opts.concurrency ?? 8,
    ...(opts.now !== undefined && { now: opts.now }),
  });
  const engine = createPetitionEngine({
    db: opts.db,
    policy: opts.policy,
    calendar: createChinaCalendar(),
    onCommitted: (change) => runtime.onCommitted(change),
    ...(opts.now !== undefined && { now: opts.now }),
  });
  let closed: Promise<void> | undefined;
  return {
    runtime,
    engine,
    start: () => void runtime.startWorkers(engine),
    close() {
      closed ??= (async () => {
        await runtime.close();
        await deleteKeys(opts.redisUrl, opts.prefix);
      })();
      return closed;
    },
  };
}

/** Removes every Redis key of one BullMQ prefix (never FLUSHALL on the shared Redis). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // a private Redis may already be gone
  } finally {
    redis.disconnect();
  }
}

/** Intakes `n` cases, `parallel` at a time; resolves to their ids in creation order. */
export async function intakeMany(engine: PetitionEngine, n: number, parallel = 16): Promise<string[]> {
  const ids: string[] = new Array<string>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, n) }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        ids[i] = (await engine.intake(intakeBody(), actor('clerk'))).id;
      }
    }),
  );
  return ids;
}

/** One trail entry, as the tests look at it. */
export interface TrailEntry {
  readonly seq: number;
  readonly type: string;
  readonly role: string;
  readonly at: Date;
  readonly fields: Record<string, unknown>;
}

/** A case's trail in order. */
export async function trailOf(db: Kysely<Database>, caseId: string): Promise<TrailEntry[]> {
  const rows = await db
    .selectFrom('case_events')
    .select(['seq', 'type', 'actor_role', 'at', 'fields'])
    .where('case_id', '=', caseId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    type: r.type,
    role: r.actor_role,
    at: new Date(r.at),
    fields: r.fields as Record<string, unknown>,
  }));
}

/** How many events of `type` each of `caseIds` has (cases without any are listed with 0). */
export async function countPerCase(db: Kysely<Database>, type: string, caseIds?: readonly string[]): Promise<Map<string, number>> {
  let q = db
    .selectFrom('case_events')
    .select(['case_id', sql<string>`count(*)`.as('n')])
    .where('type', '=', type);
  if (caseIds !== undefined && caseIds.length > 0) q = q.where('case_id', 'in', caseIds);
  const rows = await q.groupBy('case_id').execute();
  const counts = new Map<string, number>((caseIds ?? []).map((id) => [id, 0]));
  for (const r of rows) counts.set(r.case_id, Number(r.n));
  return counts;
}

/** How many events of `type` there are in all. */
export async function countEvents(db: Kysely<Database>, type: string): Promise<number> {
  const row = await db
    .selectFrom('case_events')
    .select(sql<string>`count(*)`.as('n'))
    .where('type', '=', type)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A case row with its stored context (state, escalation, closure). */
export async function caseRow(db: Kysely<Database>, caseId: string) {
  const row = await db.selectFrom('cases').select(['state', 'version', 'snapshot']).where('id', '=', caseId).executeTakeFirstOrThrow();
  const snapshot = row.snapshot as { context: { escalation: { kind: string; clock?: string } | null; closure: string | null } };
  return { state: row.state, version: row.version, context: snapshot.context };
}

/** A case's deadline rows. */
export async function deadlineRows(db: Kysely<Database>, caseId: string) {
  return db
    .selectFrom('deadlines')
    .select(['clock', 'generation', 'status', 'due_at', 'reminders', 'reminders_sent', 'next_fire_at', 'extended_by'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

/** A migrated database on any PostgreSQL server (the private cluster of the restart test). */
export async function createDatabaseOn(adminUrl: string, label: string): Promise<{ url: string; db: Kysely<Database>; pool: Pool }> {
  const name = `pf_${label}_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  admin.on('error', () => undefined);
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const pool = new Pool({ connectionString: url, max: 10 });
  // The restart test cuts every connection. node-postgres emits 'error' on a client that loses its server,
  // idle (the pool's 'error') or checked out (the client's own): neither may crash the test process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = createKysely(pool);
  await migrateToLatest(db as Kysely<unknown>);
  return { url, db, pool };
}

/** The environment of a `petitionflow worker` / `serve` process. */
export function processEnv(opts: {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  policyPath: string;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    QUEUE_PREFIX: opts.prefix,
    RECONCILE_EVERY: 'PT1S',
    LOG_LEVEL: 'warn',
    PETITION_POLICY: opts.policyPath,
    ...opts.extra,
  };
}
