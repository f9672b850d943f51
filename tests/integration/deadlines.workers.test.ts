/**
 * The deadline workers in this process, on real Redis and PostgreSQL, with a
 * second-scale policy: reminders then the breach (督办), a clock stopped in
 * time, pause/resume and the one extension, a lapsed review window (终结),
 * duplicate deliveries, and Redis losing every timer.
 *
 * Redis: the shared one with a prefix of this file's own, except for the
 * FLUSHALL test, which gets a private redis-server.
 */
import type { FastifyInstance } from 'fastify';
import type { Job } from 'bullmq';
import { signToken } from '../../api/auth';
import { buildServer } from '../../api/server';
import { findDeadline } from '../../db/deadline.repository';
import { createAuditService } from '../../engine/audit.service';
import { createTimerStore } from '../../engine/timer-store.service';
import { createDeadlineProcessor } from '../../workers/deadline.processor';
import { DEADLINE_JOB_NAME } from '../../workers/timer-scheduler';
import { createTimerBatcher } from '../../workers/timer-batcher';
import { deadlineJobId } from '../../workers/queues';
import { actor, intakeBody } from '../support/engine-fixtures';
import { startPrivateRedis, stopEverything, waitUntil, type PrivateRedis } from '../support/private-services';
import { assertNoMismatches, installResponseValidation, type ResponseMismatch } from '../support/response-validation';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { testCheckpoints } from '../support/test-server';
import {
  SHARED_REDIS_URL,
  caseRow,
  countEvents,
  countPerCase,
  deadlineRows,
  inProcessWorkers,
  intakeMany,
  quietLogger,
  secondsPolicy,
  trailOf,
  uniquePrefix,
  type InProcessWorkers,
} from '../support/worker-fixtures';

// Each test waits for real (second-scale) deadlines; the project's testTimeout does not reach a file run on its own.
jest.setTimeout(30_000);

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const SECRET = 'deadline-workers-test-secret-at-least-32-chars';

/** Acceptance PT4S with reminders at 50% and 80%; a 3-second handling clock with at most PT2S extension; a 2-second review window. */
const policy = secondsPolicy({
  handling: { duration: 'PT3S', calendar: 'elapsed', reminders: [], onBreach: 'escalate', maxExtension: 'PT2S' },
  reviewRequest: { duration: 'PT2S', calendar: 'elapsed', reminders: [], onBreach: 'close' },
});

afterAll(() => {
  // Whatever a failed test left running (the private Redis) goes down with the file.
  stopEverything();
});

describe('deadline workers in process (shared Redis, own prefix)', () => {
  let tdb: TestDatabase;
  let w: InProcessWorkers;
  let app: FastifyInstance | undefined;
  let mismatches: ResponseMismatch[] = [];

  beforeAll(async () => {
    tdb = await createTestDatabase('workers');
    w = inProcessWorkers({ db: tdb.db, policy, redisUrl: SHARED_REDIS_URL, prefix: uniquePrefix(), reconcileEveryMs: 1000 });
    w.start();
  });

  afterAll(async () => {
    await app?.close();
    await w?.close();
    await tdb?.drop();
    assertNoMismatches(mismatches);
  });

  async function waitForEvent(caseId: string, type: string, timeoutMs: number): Promise<void> {
    await waitUntil(async () => (await trailOf(tdb.db, caseId)).some((e) => e.type === type), timeoutMs, `${type} on case ${caseId}`);
  }

  it('fires the 50% and 80% reminders as the system, then the breach escalates the case (督办)', async () => {
    const created = await w.engine.intake(intakeBody(), actor('clerk'));
    const acceptance = created.deadlines[0];
    if (acceptance === undefined) throw new Error('no acceptance deadline');
    const dueAt = new Date(acceptance.dueAt);
    await waitForEvent(created.id, 'DEADLINE_BREACHED', 10_000);

    const trail = await trailOf(tdb.db, created.id);
    expect(trail.map((e) => `${e.type}/${e.role}`)).toEqual([
      'INTAKE/clerk',
      'DEADLINE_REMINDER/system',
      'DEADLINE_REMINDER/system',
      'DEADLINE_BREACHED/system',
    ]);
    const [, r50, r80, breach] = trail;
    const start = new Date(created.createdAt).getTime();
    const span = dueAt.getTime() - start;
    // Each fires at (never before) its time: 50%, 80%, then due.
    expect(r50?.fields).toMatchObject({ clock: 'acceptance', generation: 1 });
    expect(new Date(String(r50?.fields.reminder)).getTime()).toBe(start + Math.round(span * 0.5));
    expect(new Date(String(r80?.fields.reminder)).getTime()).toBe(start + Math.round(span * 0.8));
    expect(r50?.at.getTime()).toBeGreaterThanOrEqual(start + Math.round(span * 0.5));
    expect(r80?.at.getTime()).toBeGreaterThanOrEqual(start + Math.round(span * 0.8));
    expect(breach?.at.getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
    expect(breach?.fields).toEqual({ clock: 'acceptance', generation: 1, onBreach: 'escalate' });

    const rec = await caseRow(tdb.db, created.id);
    expect(rec.state).toBe('escalated');
    expect(rec.context.escalation).toMatchObject({ kind: 'breach', clock: 'acceptance' });
    expect(await deadlineRows(tdb.db, created.id)).toEqual([
      expect.objectContaining({ clock: 'acceptance', status: 'breached', reminders_sent: 2, next_fire_at: null }),
    ]);
  });

  it('never breaches a clock stopped in time: VERIFY before due leaves acceptance met', async () => {
    const created = await w.engine.intake(intakeBody(), actor('clerk'));
    const dueAt = new Date(created.deadlines[0]?.dueAt ?? '');
    await sleep(500);
    const verified = await w.engine.dispatch(created.id, { type: 'VERIFY' }, actor('clerk'));
    expect(verified.deadlines.find((d) => d.clock === 'acceptance')?.status).toBe('met');
    // Past the acceptance due time, with a sweep in between. (The 3-second handling clock VERIFY started may breach meanwhile.)
    await sleep(Math.max(0, dueAt.getTime() - Date.now()) + 1200);
    const trail = await trailOf(tdb.db, created.id);
    expect(trail.filter((e) => e.fields.clock === 'acceptance')).toEqual([]);
    expect(trail.slice(0, 2).map((e) => e.type)).toEqual(['INTAKE', 'VERIFY']);
    expect((await deadlineRows(tdb.db, created.id)).find((d) => d.clock === 'acceptance')).toMatchObject({
      status: 'met',
      next_fire_at: null,
    });
  });

  it('shifts the due time by a pause (听证) and breaches at the shifted time, not before', async () => {
    const created = await w.engine.intake(intakeBody(), actor('clerk'));
    const originalDue = new Date(created.deadlines[0]?.dueAt ?? '').getTime();
    await sleep(300);
    await w.engine.dispatch(created.id, { type: 'PAUSE_CLOCK', clock: 'acceptance', reason: '听证' }, actor('supervisor'));
    expect((await deadlineRows(tdb.db, created.id))[0]).toMatchObject({ status: 'paused', next_fire_at: null });
    await sleep(1500);
    const resumed = await w.engine.dispatch(created.id, { type: 'RESUME_CLOCK', clock: 'acceptance' }, actor('supervisor'));
    const shiftedDue = new Date(resumed.deadlines[0]?.dueAt ?? '').getTime();
    const trailAfterResume = await trailOf(tdb.db, created.id);
    const pausedAt = trailAfterResume.find((e) => e.type === 'PAUSE_CLOCK')?.at.getTime() ?? 0;
    const resumedAt = trailAfterResume.find((e) => e.type === 'RESUME_CLOCK')?.at.getTime() ?? 0;
    // The engine stamps the row a few ms after the event's time: allow for that.
    expect(Math.abs(shiftedDue - originalDue - (resumedAt - pausedAt))).toBeLessThan(100);
    expect(shiftedDue - originalDue).toBeGreaterThanOrEqual(1500);

    // Past the original due time: nothing yet.
    await sleep(Math.max(0, originalDue - Date.now()) + 300);
    expect((await trailOf(tdb.db, created.id)).filter((e) => e.type === 'DEADLINE_BREACHED')).toEqual([]);

    await waitForEvent(created.id, 'DEADLINE_BREACHED', 8000);
    const trail = await trailOf(tdb.db, created.id);
    const breaches = trail.filter((e) => e.type === 'DEADLINE_BREACHED');
    expect(breaches).toHaveLength(1);
    expect(breaches[0]?.at.getTime()).toBeGreaterThanOrEqual(shiftedDue);
    // Both reminders still fire once each (shifted with the due time), before the breach.
    expect(trail.map((e) => e.type)).toEqual([
      'INTAKE',
      'PAUSE_CLOCK',
      'RESUME_CLOCK',
      'DEADLINE_REMINDER',
      'DEADLINE_REMINDER',
      'DEADLINE_BREACHED',
    ]);
    expect((await caseRow(tdb.db, created.id)).state).toBe('escalated');
  });

  it('moves the handling due time once with an approved extension; a second request is refused (422)', async () => {
    app = await buildServer({
      engine: w.engine,
      audit: createAuditService(tdb.db),
      checkpoints: testCheckpoints(tdb.db),
      db: tdb.db,
      authSecret: SECRET,
      logger: false,
      readiness: async () => ({ database: true }),
    });
    ({ mismatches } = installResponseValidation(app));
    await app.ready();
    const created = await w.engine.intake(intakeBody(), actor('clerk'));
    const verified = await w.engine.dispatch(created.id, { type: 'VERIFY' }, actor('clerk'));
    const originalDue = new Date(verified.deadlines.find((d) => d.clock === 'handling')?.dueAt ?? '').getTime();
    await w.engine.dispatch(created.id, { type: 'REQUEST_EXTENSION', duration: 'PT2S', reason: '需补充调查' }, actor('handler'));
    const approved = await w.engine.dispatch(created.id, { type: 'APPROVE_EXTENSION', note: '同意' }, actor('supervisor'));
    const extendedDue = new Date(approved.deadlines.find((d) => d.clock === 'handling')?.dueAt ?? '').getTime();
    expect(extendedDue - originalDue).toBe(2000);

    const token = await signToken(SECRET, { sub: 'handler-1', role: 'handler', unit: '411621' });
    const again = await app.inject({
      method: 'POST',
      url: `/petitions/${created.id}/events`,
      headers: { authorization: `Bearer ${token}` },
      payload: { type: 'REQUEST_EXTENSION', duration: 'PT1S', reason: '再次延期' },
    });
    expect(again.statusCode).toBe(422);
    expect(again.json()).toMatchObject({ error: { code: 'EVENT_NOT_ALLOWED' } });

    // Not at the original due time...
    await sleep(Math.max(0, originalDue - Date.now()) + 400);
    expect((await trailOf(tdb.db, created.id)).some((e) => e.type === 'DEADLINE_BREACHED')).toBe(false);
    // ...but at the extended one.
    await waitForEvent(created.id, 'DEADLINE_BREACHED', 6000);
    const trail = await trailOf(tdb.db, created.id);
    const breaches = trail.filter((e) => e.type === 'DEADLINE_BREACHED');
    expect(breaches).toEqual([expect.objectContaining({ fields: { clock: 'handling', generation: 1, onBreach: 'escalate' } })]);
    expect(breaches[0]?.at.getTime()).toBeGreaterThanOrEqual(extendedDue);
    expect(trail.map((e) => e.type)).toEqual(['INTAKE', 'VERIFY', 'REQUEST_EXTENSION', 'APPROVE_EXTENSION', 'DEADLINE_BREACHED']);
    expect((await deadlineRows(tdb.db, created.id)).find((d) => d.clock === 'handling')).toMatchObject({
      status: 'breached',
      extended_by: 'PT2S',
    });
  });

  it('closes the case (终结) when the review-request window lapses', async () => {
    const created = await w.engine.intake(intakeBody(), actor('clerk'));
    await w.engine.dispatch(created.id, { type: 'VERIFY' }, actor('clerk'));
    await w.engine.dispatch(created.id, { type: 'ASSIGN', unit: '411621', handler: 'handler-1' }, actor('clerk'));
    await w.engine.dispatch(created.id, { type: 'RESOLVE', outcome: 'explain', opinion: '依法解释' }, actor('handler'));
    const delivered = await w.engine.dispatch(created.id, { type: 'DELIVER', method: 'in-person' }, actor('clerk'));
    const reviewDue = new Date(delivered.deadlines.find((d) => d.clock === 'reviewRequest')?.dueAt ?? '').getTime();
    await waitForEvent(created.id, 'DEADLINE_BREACHED', 6000);

    const trail = await trailOf(tdb.db, created.id);
    const breach = trail.find((e) => e.type === 'DEADLINE_BREACHED');
    expect(breach).toMatchObject({ role: 'system', fields: { clock: 'reviewRequest', generation: 1, onBreach: 'close' } });
    expect(breach?.at.getTime()).toBeGreaterThanOrEqual(reviewDue);
    const rec = await caseRow(tdb.db, created.id);
    expect(rec.state).toBe('closed');
    expect(rec.context.closure).toBe('window-lapsed');
    const rows = await deadlineRows(tdb.db, created.id);
    expect(rows.find((d) => d.clock === 'reviewRequest')).toMatchObject({ status: 'breached' });
    // A closed case stops every clock: the satisfaction window has nothing left to fire.
    expect(rows.filter((d) => d.status === 'pending')).toEqual([]);
  });

  it('has one effect for a timer delivered more than once', async () => {
    const queue = w.runtime.deadlineQueue;
    const created = await w.engine.intake(intakeBody(), actor('clerk'));
    const dueAt = new Date(created.deadlines[0]?.dueAt ?? '').getTime();
    const row = await findDeadline(tdb.db, created.id, 'acceptance', 1);
    if (row === undefined) throw new Error('no acceptance deadline');
    // Stray copies: ids naming the same deadline with other fire times, so BullMQ sees distinct jobs.
    const copyId = (n: number) => deadlineJobId({ ...row, nextFireAt: new Date(dueAt + n * 1000) });
    // Two stray copies of the breach timer racing the real one at the due time.
    for (const n of [1, 2]) await queue.add(DEADLINE_JOB_NAME, {}, { jobId: copyId(n), delay: Math.max(0, dueAt - Date.now()) });
    await waitForEvent(created.id, 'DEADLINE_BREACHED', 10_000);

    // After it fired: the same timer twice more by hand, with ids of their own, through the workers...
    const late: Job[] = [];
    for (const n of [3, 4]) late.push(await queue.add(DEADLINE_JOB_NAME, {}, { jobId: copyId(n), removeOnComplete: false }));
    // ...and the processor called directly, twice.
    const timers = createTimerBatcher((ids) => w.engine.fireTimers(ids), { maxBatch: 4, maxInFlight: 1 });
    const processDeadline = createDeadlineProcessor({ timers, store: createTimerStore(tdb.db), logger: quietLogger() });
    const [first] = late;
    if (first === undefined) throw new Error('no job');
    expect(await processDeadline(first)).toBe('stale');
    expect(await processDeadline(first)).toBe('stale');
    await waitUntil(
      async () => (await Promise.all(late.map((j) => queue.getJobState(j.id ?? '')))).every((s) => s === 'completed'),
      5000,
      'the duplicate jobs to complete',
    );
    for (const j of late) expect((await queue.getJob(j.id ?? ''))?.returnvalue).toBe('stale');
    // Let a sweep pass as well.
    await sleep(1200);

    const trail = await trailOf(tdb.db, created.id);
    expect(trail.map((e) => e.type)).toEqual(['INTAKE', 'DEADLINE_REMINDER', 'DEADLINE_REMINDER', 'DEADLINE_BREACHED']);
    expect(await createAuditService(tdb.db).verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('Redis losing every timer (private redis-server, FLUSHALL)', () => {
  const CASES = 1000;
  let tdb: TestDatabase;
  let redis: PrivateRedis;
  let w: InProcessWorkers;

  beforeAll(async () => {
    tdb = await createTestDatabase('workers_flush');
    redis = await startPrivateRedis();
  });

  afterAll(async () => {
    await w?.close();
    await redis?.stop();
    await tdb?.drop();
  });

  it(`re-arms ${CASES} lost deadlines from PostgreSQL; each breaches exactly once`, async () => {
    w = inProcessWorkers({
      db: tdb.db,
      policy: secondsPolicy({ acceptance: { duration: 'PT6S', calendar: 'elapsed', reminders: [], onBreach: 'escalate' } }),
      redisUrl: redis.url,
      prefix: uniquePrefix(),
      // Timers are put in Redis within two sweep intervals of their time: 4 s sweeps arm these 6 s deadlines at commit.
      reconcileEveryMs: 4000,
      concurrency: 16,
    });
    const started = Date.now();
    const ids = await intakeMany(w.engine, CASES, 16);
    const armed = await w.runtime.deadlineQueue.getDelayedCount();
    expect(armed).toBe(CASES);

    const client = redis.client();
    try {
      expect(await client.flushall()).toBe('OK');
      expect(await w.runtime.deadlineQueue.getDelayedCount()).toBe(0);
    } finally {
      client.disconnect();
    }

    // RECONCILE_EVERY PT1S: the sweeper rebuilds the timers from the deadline rows.
    w.start();
    try {
      await waitUntil(async () => (await countEvents(tdb.db, 'DEADLINE_BREACHED')) >= CASES, 60_000, `${CASES} breaches`, 250);
    } catch (err) {
      const counts = await w.runtime.deadlineQueue.getJobCounts();
      throw new Error(
        `${(err as Error).message}: ${await countEvents(tdb.db, 'DEADLINE_BREACHED')} fired, queue ${JSON.stringify(counts)}`,
      );
    }
    const firedAfter = Date.now() - started;
    // Two more sweeps: nothing fires twice.
    await sleep(2200);

    const perCase = await countPerCase(tdb.db, 'DEADLINE_BREACHED', ids);
    const counts = [...perCase.values()];
    expect(counts.filter((n) => n !== 1)).toEqual([]);
    expect(counts).toHaveLength(CASES);
    const statuses = await tdb.db.selectFrom('deadlines').select(['status']).where('clock', '=', 'acceptance').execute();
    expect(statuses.every((r) => r.status === 'breached')).toBe(true);
    expect(await createAuditService(tdb.db).verifyAudit()).toMatchObject({ ok: true, cases: CASES, checked: 2 * CASES });
    // Intake, flush and recovery together (a loose bound: CI runs on 2 busy cores).
    expect(firedAfter).toBeLessThan(90_000);
  }, 100_000);
});
