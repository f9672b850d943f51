/**
 * The deadline workers and the sweeper on a real Redis Cluster: three masters
 * and three replicas started on loopback ports by the test, a hash-tagged
 * `QUEUE_PREFIX` (every key of every queue on one slot, as BullMQ's Lua
 * scripts need), reminders and breaches fired once each, then the master of
 * that slot killed: its replica takes the slot over, and timers lost with
 * the writes the replica had not yet received are armed again by the sweeper
 * from PostgreSQL. Needs redis-server and redis-cli on the PATH.
 */
import { randomBytes } from 'node:crypto';
import type { Policy } from '../../config/policy.schema';
import { mergePolicy } from '../../config/load-config';
import { actor, intakeBody } from '../support/engine-fixtures';
import { waitUntil } from '../support/private-services';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { inProcessWorkers, type InProcessWorkers } from '../support/worker-fixtures';

const CASES = 6;
const prefix = `{pf${randomBytes(4).toString('hex')}}`;
let cluster: TestRedisCluster;
let tdb: TestDatabase;
let workers: InProcessWorkers | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  await cluster.waitHealthy(prefix, 30_000);
  tdb = await createTestDatabase('redis_cluster');
}, 60_000);
afterAll(async () => {
  await workers?.runtime.close();
  await tdb?.drop();
  cluster?.stop();
});

function startWorkers(policy: Policy): InProcessWorkers {
  // The sweeper looks 2 s ahead every second: most timers reach Redis through it, not through the commit.
  const w = inProcessWorkers({ db: tdb.db, policy, redisUrl: cluster.url, prefix, reconcileEveryMs: 1000 });
  w.start();
  return w;
}

/** Acceptance reminders and breaches recorded per case. */
async function firings(ids: readonly string[]): Promise<Map<string, { reminders: number; breaches: number }>> {
  const { rows } = await tdb.pool.query<{ case_id: string; type: string; n: string }>(
    `select case_id, type, count(*) as n from case_events
     where case_id = any($1::uuid[]) and type in ('DEADLINE_REMINDER', 'DEADLINE_BREACHED') and fields->>'clock' = 'acceptance'
     group by case_id, type`,
    [ids],
  );
  const byCase = new Map(ids.map((id) => [id, { reminders: 0, breaches: 0 }]));
  for (const r of rows) {
    const c = byCase.get(r.case_id);
    if (c === undefined) continue;
    if (r.type === 'DEADLINE_REMINDER') c.reminders = Number(r.n);
    else c.breaches = Number(r.n);
  }
  return byCase;
}

async function intakeCases(w: InProcessWorkers): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < CASES; i += 1) ids.push((await w.engine.intake(intakeBody(), actor('clerk'))).id);
  return ids;
}

async function expectFiredOnce(ids: readonly string[], timeoutMs: number): Promise<void> {
  await waitUntil(async () => [...(await firings(ids)).values()].every((c) => c.breaches >= 1), timeoutMs, 'every breach');
  // A moment more for any duplicate to show up.
  await new Promise((r) => setTimeout(r, 1500));
  expect([...(await firings(ids)).values()]).toEqual(ids.map(() => ({ reminders: 2, breaches: 1 })));
}

it('fires each reminder and breach once on a 3-master cluster with a hash-tagged prefix', async () => {
  workers = startWorkers(mergePolicy({ acceptance: { duration: 'PT4S', calendar: 'elapsed', reminders: ['50%', '80%'], onBreach: 'escalate' } }));
  const ids = await intakeCases(workers);
  await expectFiredOnce(ids, 30_000);
  await workers.runtime.close();
  workers = undefined;
}, 60_000);

it('keeps firing each once when the master of the queue slot is killed and its replica takes over', async () => {
  workers = startWorkers(mergePolicy({ acceptance: { duration: 'PT12S', calendar: 'elapsed', reminders: ['50%', '80%'], onBreach: 'escalate' } }));
  const ids = await intakeCases(workers);
  const master = await cluster.masterOf(prefix);
  master.kill();
  // cluster-node-timeout is 2 s: the replica is promoted a few seconds later.
  await cluster.waitHealthy(prefix, 30_000);
  expect((await cluster.masterOf(prefix)).port).not.toBe(master.port);
  await expectFiredOnce(ids, 45_000);
}, 90_000);
