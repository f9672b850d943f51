/**
 * Deadline workers as separate `petitionflow` processes (run with tsx), and
 * what happens when things die: a worker SIGKILLed mid-run, the server
 * SIGKILLed while a deadline falls due, PostgreSQL restarted while breaches
 * are due. In every case each deadline fires exactly once in effect and the
 * trail stays whole.
 *
 * Redis is a private redis-server of this file; the PostgreSQL restart runs on
 * a private throwaway cluster (initdb). Every process, cluster and temp dir is
 * taken down in afterAll, also when a test fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import { signToken } from '../../api/auth';
import type { Policy } from '../../config/policy.schema';
import type { Database } from '../../db/schema';
import { createAuditService } from '../../engine/audit.service';
import { intakeBody } from '../support/engine-fixtures';
import {
  freePort,
  postgresBinDir,
  spawnCli,
  startPrivatePostgres,
  startPrivateRedis,
  stopEverything,
  waitUntil,
  WaitAborted,
  type CliProcess,
  type PrivatePostgres,
  type PrivateRedis,
} from '../support/private-services';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import {
  countEvents,
  countPerCase,
  createDatabaseOn,
  deleteKeys,
  inProcessWorkers,
  intakeMany,
  processEnv,
  secondsPolicy,
  trailOf,
  uniquePrefix,
  writePolicyFile,
  type InProcessWorkers,
} from '../support/worker-fixtures';

// Process start-up through tsx takes seconds on a busy 2-core machine; hooks get the same room as tests.
jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const SECRET = 'deadline-resilience-test-secret-with-32-chars';

let redis: PrivateRedis;
let tmp: string;
const processes: CliProcess[] = [];
const producers: InProcessWorkers[] = [];
const databases: TestDatabase[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'pf-resilience-'));
  redis = await startPrivateRedis();
});

afterAll(async () => {
  try {
    await Promise.all(processes.map((p) => p.stop(3000)));
    await Promise.all(producers.map((p) => p.close()));
    await Promise.all(databases.map((d) => d.drop()));
    await redis?.stop();
  } finally {
    // Whatever is still up (a cluster, a process a failed test left behind) goes now.
    stopEverything();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  }
});

function worker(env: Record<string, string>): CliProcess {
  const p = spawnCli(['worker'], env);
  processes.push(p);
  return p;
}

/** The test process's side: an engine that arms timers in the private Redis, with no workers of its own. */
function producer(db: Kysely<Database>, policy: Policy, prefix: string): InProcessWorkers {
  const p = inProcessWorkers({ db, policy, redisUrl: redis.url, prefix, reconcileEveryMs: 1000 });
  producers.push(p);
  return p;
}

async function waitForWorkers(p: InProcessWorkers, n: number, procs: readonly CliProcess[]): Promise<void> {
  try {
    await waitUntil(async () => (await p.runtime.deadlineQueue.getWorkersCount()) >= n, 45_000, `${n} worker processes`, 250);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${procs.map((x) => x.output()).join('\n---\n')}`);
  }
}

/** One breach and `reminders` reminders per case; the whole trail verifies and every case replays to its snapshot. */
async function expectExactlyOnce(db: Kysely<Database>, ids: readonly string[], reminders: number): Promise<void> {
  const breaches = await countPerCase(db, 'DEADLINE_BREACHED', ids);
  expect([...breaches.entries()].filter(([, n]) => n !== 1)).toEqual([]);
  const sent = await countPerCase(db, 'DEADLINE_REMINDER', ids);
  expect([...sent.entries()].filter(([, n]) => n !== reminders)).toEqual([]);
  const audit = createAuditService(db);
  expect(await audit.verifyAudit()).toMatchObject({ ok: true, cases: ids.length });
  const replays = await Promise.all(ids.map((id) => audit.replay(id)));
  expect(replays.filter((r) => !r.matchesStored || r.state !== 'escalated').map((r) => r.id)).toEqual([]);
  const rows = await db.selectFrom('deadlines').select(['status']).where('case_id', 'in', ids).execute();
  expect(rows.filter((r) => r.status !== 'breached')).toEqual([]);
  // Nothing half-written: each case's version is the length of its trail, and its head hash the trail's last.
  const heads = await db
    .selectFrom('cases')
    .innerJoin('case_events', (j) => j.onRef('case_events.case_id', '=', 'cases.id').onRef('case_events.seq', '=', 'cases.version'))
    .select(['cases.id', 'cases.last_hash', 'case_events.hash'])
    .where('cases.id', 'in', ids)
    .execute();
  expect(heads.filter((h) => !Buffer.from(h.last_hash).equals(Buffer.from(h.hash)))).toEqual([]);
  expect(heads).toHaveLength(ids.length);
  const trailLengths = await db
    .selectFrom('case_events')
    .select(['case_id'])
    .select((eb) => eb.fn.max('seq').as('top'))
    .where('case_id', 'in', ids)
    .groupBy('case_id')
    .execute();
  const versions = new Map(
    (await db.selectFrom('cases').select(['id', 'version']).where('id', 'in', ids).execute()).map((c) => [c.id, c.version]),
  );
  expect(trailLengths.filter((t) => versions.get(t.case_id) !== Number(t.top))).toEqual([]);
}

describe('three worker processes, one SIGKILLed mid-run', () => {
  it('fires every deadline exactly once in effect', async () => {
    const tdb = await createTestDatabase('resilience_kill');
    databases.push(tdb);
    const prefix = uniquePrefix();
    const policy = secondsPolicy({
      acceptance: { duration: 'PT5S', calendar: 'elapsed', reminders: ['50%', '80%'], onBreach: 'escalate' },
    });
    const env = processEnv({ databaseUrl: tdb.url, redisUrl: redis.url, prefix, policyPath: writePolicyFile(tmp, policy) });
    const workers = [worker(env), worker(env), worker(env)];
    const p = producer(tdb.db, policy, prefix);
    await waitForWorkers(p, 3, workers);

    const ids = await intakeMany(p.engine, 200, 16);
    // Mid-run: a third of the reminders are in, and the breaches are still to come.
    await waitUntil(async () => (await countEvents(tdb.db, 'DEADLINE_REMINDER')) >= 130, 30_000, 'reminders to start firing', 50);
    const [victim] = workers;
    const killedAt = Date.now();
    await victim?.kill9();
    expect(await victim?.exited).toBe('SIGKILL');

    await waitUntil(async () => (await countEvents(tdb.db, 'DEADLINE_BREACHED')) >= ids.length, 90_000, 'all 200 breaches', 250);
    const recoveredAfter = Date.now() - killedAt;
    // Two sweeps more: no second effect anywhere.
    await sleep(2200);
    await expectExactlyOnce(tdb.db, ids, 2);
    // Informational bound: a job the killed process held comes back only when its BullMQ lock expires.
    expect(recoveredAfter).toBeLessThan(90_000);
  }, 150_000);
});

describe('the server SIGKILLed while a deadline falls due', () => {
  it('fires the overdue breach once when it is started again', async () => {
    const tdb = await createTestDatabase('resilience_serve');
    databases.push(tdb);
    const prefix = uniquePrefix();
    const policy = secondsPolicy({
      acceptance: { duration: 'PT4S', calendar: 'elapsed', reminders: ['50%', '80%'], onBreach: 'escalate' },
    });
    const port = await freePort();
    const env = processEnv({
      databaseUrl: tdb.url,
      redisUrl: redis.url,
      prefix,
      policyPath: writePolicyFile(tmp, policy),
      extra: { PORT: String(port), HOST: '127.0.0.1', AUTH_SECRET: SECRET },
    });
    const base = `http://127.0.0.1:${port}`;
    const serve = () => {
      const s = spawnCli(['serve'], env);
      processes.push(s);
      return s;
    };
    const waitHealthy = async (s: CliProcess) => {
      try {
        await waitUntil(async () => (await fetch(`${base}/healthz`)).ok, 45_000, 'the server to listen', 200);
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${s.output()}`);
      }
    };
    const clerk = await signToken(SECRET, { sub: 'clerk-1', role: 'clerk', unit: '411621' });
    const auditor = await signToken(SECRET, { sub: 'auditor-1', role: 'auditor', unit: '411621' });

    const first = serve();
    await waitHealthy(first);
    // Five cases 300 ms apart: their breaches fall due over about 1.2 s.
    const ids: string[] = [];
    const dues: number[] = [];
    for (let i = 0; i < 5; i++) {
      if (i > 0) await sleep(300);
      const res = await fetch(`${base}/petitions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clerk}`, 'content-type': 'application/json' },
        body: JSON.stringify(intakeBody()),
      });
      expect(res.status).toBe(201);
      const view = (await res.json()) as { id: string; deadlines: { clock: string; dueAt: string }[] };
      ids.push(view.id);
      dues.push(new Date(view.deadlines[0]?.dueAt ?? '').getTime());
    }
    const lastDue = Math.max(...dues);
    // The reminders fire while it runs; it dies while the breaches are falling due.
    await sleep(Math.max(0, Math.min(...dues) + 450 - Date.now()));
    await first.kill9();
    const killedAt = Date.now();

    // Overdue, with nothing running: no breach can have been recorded after the kill.
    await sleep(Math.max(0, lastDue - Date.now()) + 1000);
    const beforeRestart = await countPerCase(tdb.db, 'DEADLINE_BREACHED', ids);
    const trails = await Promise.all(ids.map((id) => trailOf(tdb.db, id)));
    expect(trails.flat().filter((e) => e.at.getTime() > killedAt + 50)).toEqual([]);

    const restartedAt = Date.now();
    const second = serve();
    await waitHealthy(second);
    // A timer the killed server held as active comes back only when BullMQ finds it stalled (lock expiry, ~30-60 s).
    await waitUntil(
      async () => [...(await countPerCase(tdb.db, 'DEADLINE_BREACHED', ids)).values()].every((n) => n >= 1),
      75_000,
      'the overdue breaches',
    );
    await sleep(2200);
    await expectExactlyOnce(tdb.db, ids, 2);
    // Breaches missed while the server was down were recorded after the restart, each once.
    const missed = ids.filter((id) => beforeRestart.get(id) === 0);
    expect(missed.length).toBeGreaterThan(0);
    for (const id of missed) {
      const breach = (await trailOf(tdb.db, id)).find((e) => e.type === 'DEADLINE_BREACHED');
      expect(breach?.at.getTime()).toBeGreaterThanOrEqual(restartedAt);
    }
    // And the API tells the same story.
    const view = (await (await fetch(`${base}/petitions/${ids[0]}`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as {
      state: string;
      deadlines: { clock: string; status: string }[];
    };
    expect(view.state).toBe('escalated');
    expect(view.deadlines).toEqual([expect.objectContaining({ clock: 'acceptance', status: 'breached' })]);
    await second.stop();
  }, 150_000);
});

const PG_BIN = postgresBinDir();
if (PG_BIN === undefined) {
  console.warn('deadlines.resilience: initdb not found under /usr/lib/postgresql/*/bin nor on PATH; skipping the PostgreSQL restart test');
}
const itWithInitdb = PG_BIN === undefined ? it.skip : it;

describe('PostgreSQL restarted while breaches are due (private cluster)', () => {
  let pg: PrivatePostgres | undefined;
  let own: { url: string; db: Kysely<Database>; pool: Pool } | undefined;

  afterAll(async () => {
    await own?.db.destroy().catch(() => undefined);
    pg?.destroy();
  });

  itWithInitdb(
    'retries the jobs until they complete: one breach per case, nothing half-written',
    async () => {
      pg = await startPrivatePostgres(PG_BIN ?? '');
      own = await createDatabaseOn(pg.urlFor('postgres'), 'restart');
      const db = own.db;
      const prefix = uniquePrefix();
      const policy = secondsPolicy({
        acceptance: { duration: 'PT4S', calendar: 'elapsed', reminders: ['50%', '80%'], onBreach: 'escalate' },
      });
      const env = processEnv({ databaseUrl: own.url, redisUrl: redis.url, prefix, policyPath: writePolicyFile(tmp, policy) });
      const workers = [worker(env), worker(env)];
      const p = producer(db, policy, prefix);
      await waitForWorkers(p, 2, workers);

      const ids = await intakeMany(p.engine, 60, 12);
      await waitUntil(async () => (await countEvents(db, 'DEADLINE_REMINDER')) >= 1, 15_000, 'the first reminder', 50);
      // Down through the rest of the reminders and the breaches.
      pg.stop();
      const downAt = Date.now();
      await sleep(3500);
      pg.start();
      const upAt = Date.now();

      const crashed = () => workers.filter((w) => w.child.exitCode !== null || w.child.signalCode !== null);
      try {
        await waitUntil(
          async () => {
            // A worker that died of the outage will never catch up: stop waiting and say why.
            if (crashed().length > 0) throw new WaitAborted('a worker process exited');
            return (await countEvents(db, 'DEADLINE_BREACHED')) >= ids.length;
          },
          60_000,
          'all breaches after the restart',
          250,
        );
      } catch (err) {
        const counts = await p.runtime.deadlineQueue.getJobCounts();
        const dead = crashed();
        throw new Error(
          dead.length > 0
            ? `${dead.length} worker process(es) exited during the PostgreSQL restart:\n${dead.map((w) => w.output().slice(-4000)).join('\n---\n')}`
            : `${(err as Error).message}: ${await countEvents(db, 'DEADLINE_BREACHED')} breaches, queue ${JSON.stringify(counts)}\n${workers.map((w) => w.output().slice(-3000)).join('\n---\n')}`,
        );
      }
      await sleep(2200);
      await expectExactlyOnce(db, ids, 2);
      // Some fires had to wait for the database: recorded after it came back.
      const late = await db
        .selectFrom('case_events')
        .select('at')
        .where('at', '>=', new Date(upAt))
        .where('type', 'like', 'DEADLINE_%')
        .execute();
      expect(late.length).toBeGreaterThan(0);
      // No job gave up: no incident, nothing in BullMQ's failed set.
      expect(await db.selectFrom('incidents').selectAll().execute()).toEqual([]);
      expect(await p.runtime.deadlineQueue.getFailedCount()).toBe(0);
      // The outage was felt: the workers' sweeps failed while it lasted.
      expect(workers.map((w) => w.output()).join('\n')).toMatch(/sweep failed|ECONNREFUSED|terminating connection/);
      expect(upAt - downAt).toBeGreaterThanOrEqual(3500);
      await Promise.all(workers.map((w) => w.stop()));
      await deleteKeys(redis.url, prefix);
    },
    120_000,
  );
});
