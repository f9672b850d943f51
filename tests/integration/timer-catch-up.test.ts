/**
 * Timer catch-up without flooding Redis: after an outage every pending timer
 * is overdue at once. The sweeper fires those straight from PostgreSQL in
 * batches (the engine's `fireTimers`), arms in Redis only the timers due
 * within its window, and a pass cut short by its time bound resumes where it
 * stopped, so each breach fires once and none goes through a Redis job.
 */
import { mergePolicy } from '../../config/load-config';
import { createHousekeeping } from '../../engine/housekeeping.service';
import { createTimerStore } from '../../engine/timer-store.service';
import { createSweeper, type Sweeper } from '../../workers/sweeper';
import { actor, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { deleteKeys, inProcessWorkers, quietLogger, SHARED_REDIS_URL, uniquePrefix, type InProcessWorkers } from '../support/worker-fixtures';

const EVERY_MS = 60_000;
const OVERDUE = 23;
const POLICY = mergePolicy({ acceptance: { duration: 'PT1H', calendar: 'elapsed', reminders: [], onBreach: 'escalate' } });

let tdb: TestDatabase;
let workers: InProcessWorkers;
const prefix = uniquePrefix();

beforeAll(async () => {
  tdb = await createTestDatabase('timer_catch_up');
  workers = inProcessWorkers({ db: tdb.db, policy: POLICY, redisUrl: SHARED_REDIS_URL, prefix, reconcileEveryMs: EVERY_MS });
});
afterAll(async () => {
  await workers?.close();
  await tdb?.drop();
});

function sweeperOf(pageSize: number, maxPassMs: number): Sweeper {
  return createSweeper({
    timers: createTimerStore(tdb.db),
    housekeeping: createHousekeeping(tdb.db),
    scheduler: workers.runtime.scheduler,
    fire: (ids) => workers.engine.fireTimers(ids),
    logger: quietLogger(),
    everyMs: EVERY_MS,
    pageSize,
    maxPassMs,
  });
}

async function breaches(): Promise<number> {
  const { rows } = await tdb.pool.query<{ n: string }>(`select count(*) as n from case_events where type = 'DEADLINE_BREACHED'`);
  return Number(rows[0]?.n);
}

async function deadlineJobs(): Promise<number> {
  const counts = await workers.runtime.deadlineQueue.getJobCounts('delayed', 'waiting', 'active', 'prioritized');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

it('fires every overdue timer from PostgreSQL in bounded passes that resume, and arms only the timers due within the window', async () => {
  const ids: string[] = [];
  for (let i = 0; i < OVERDUE + 1; i += 1) ids.push((await workers.engine.intake(intakeBody(), actor('clerk'))).id);
  // The outage: Redis lost every timer, and all but one deadline fell due ten minutes ago.
  await deleteKeys(SHARED_REDIS_URL, prefix);
  const [soon, ...late] = ids;
  await tdb.ownerPool.query(`update deadlines set due_at = now() - interval '10 minutes', updated_at = now() where case_id = any($1::uuid[])`, [late]);
  await tdb.ownerPool.query(`update deadlines set due_at = now() + interval '30 seconds', updated_at = now() where case_id = $1`, [soon]);

  // Pages of 5 and no time to spare: each pass handles one page, then stops and the next resumes after it.
  const sweeper = sweeperOf(5, 0);
  const perPass: number[] = [];
  for (let pass = 0; pass < 10 && (await breaches()) < OVERDUE; pass += 1) {
    const before = await breaches();
    await sweeper.sweep();
    perPass.push((await breaches()) - before);
  }
  expect(perPass).toEqual([5, 5, 5, 5, 3]);
  // Nothing overdue went through Redis; the one due within the window is armed there.
  const armed = await workers.runtime.deadlineQueue.getDelayed();
  expect(armed).toHaveLength(1);
  expect(await deadlineJobs()).toBe(1);

  // Once more over everything: nothing fires twice.
  await sweeperOf(1000, EVERY_MS).sweep();
  expect(await breaches()).toBe(OVERDUE);
  const { rows } = await tdb.pool.query<{ case_id: string; n: string }>(
    `select case_id, count(*) as n from case_events where type = 'DEADLINE_BREACHED' group by case_id`,
  );
  expect(rows.map((r) => r.case_id).sort()).toEqual([...late].sort());
  expect(rows.every((r) => r.n === '1')).toBe(true);
}, 60_000);
