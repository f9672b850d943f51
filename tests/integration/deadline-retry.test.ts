/**
 * Retries of deadline timers (workers/deadline.processor.ts) on the real
 * Redis and PostgreSQL: a failed run puts the job back as delayed with
 * exponential backoff (not BullMQ's per-job `attempts`), a later run fires the
 * timer once, and a timer that keeps failing ends failed after its last
 * attempt and becomes an incident naming its case, clock and generation.
 * Jobs that were not armed by petitionflow fail at once.
 */
import { Queue, Worker, type Job } from 'bullmq';
import IORedis from 'ioredis';
import { pino } from 'pino';
import { V2_POLICY } from '../support/test-server';
import { listEvents } from '../../db/case-event.repository';
import { findDeadline, type DeadlineRecord } from '../../db/deadline.repository';
import { listIncidents, type IncidentRecord } from '../../db/incident.repository';
import { createPetitionEngine, type PetitionEngine, type TimerOutcome } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { createIncidentService } from '../../engine/incident.service';
import { createTimerStore } from '../../engine/timer-store.service';
import { createDeadlineProcessor } from '../../workers/deadline.processor';
import { recordIncidentsOf } from '../../workers/incident.recorder';
import { DEADLINE_QUEUE, deadlineJobId } from '../../workers/queues';
import { createTimerBatcher, type TimerBatcher } from '../../workers/timer-batcher';
import { createTimerScheduler } from '../../workers/timer-scheduler';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { waitFor } from '../support/wait-for';
import { SHARED_REDIS_URL, uniquePrefix } from '../support/worker-fixtures';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here.
jest.setTimeout(60_000);

const logger = pino({ level: 'silent' });
const clock = fakeClock('2026-03-02T01:00:00.000Z');
let tdb: TestDatabase;
let engine: PetitionEngine;
let batcher: TimerBatcher;

/** One deadline worker on a private prefix, as the runtime builds it, with what it reported. */
interface DeadlineRig {
  readonly queue: Queue;
  readonly worker: Worker;
  /** Job id → the job as the worker last reported it completed, with its result. */
  readonly completed: Map<string, { attemptsStarted: number; result: TimerOutcome }>;
  /** Job id → attemptsStarted at each run the worker began. */
  readonly runs: Map<string, number[]>;
  /** The times (ms since the epoch) a job was put back as delayed until, in order, from the queue's event stream. */
  delayedUntil(jobId: string): Promise<number[]>;
  close(): Promise<void>;
}

const rigs: DeadlineRig[] = [];

function startRig(timers: TimerBatcher, retry: { attempts: number; baseMs: number }): DeadlineRig {
  const prefix = uniquePrefix();
  const producer = new IORedis(SHARED_REDIS_URL, { maxRetriesPerRequest: null });
  const consumer = new IORedis(SHARED_REDIS_URL, { maxRetriesPerRequest: null });
  for (const c of [producer, consumer]) c.on('error', () => undefined);
  const queue = new Queue(DEADLINE_QUEUE, { connection: producer, prefix });
  const processor = createDeadlineProcessor({ timers, store: createTimerStore(tdb.db), logger, retry });
  const worker = new Worker(DEADLINE_QUEUE, processor, {
    connection: consumer,
    prefix,
    concurrency: 4,
    removeOnComplete: { count: 0 },
    removeOnFail: { count: 1000 },
  });
  worker.on('error', () => undefined);
  recordIncidentsOf(worker, { incidents: createIncidentService(tdb.db), store: createTimerStore(tdb.db), logger });
  const completed = new Map<string, { attemptsStarted: number; result: TimerOutcome }>();
  const runs = new Map<string, number[]>();
  worker.on('active', (job: Job) => {
    const id = job.id ?? '';
    runs.set(id, [...(runs.get(id) ?? []), job.attemptsStarted]);
  });
  worker.on('completed', (job: Job, result: TimerOutcome) => completed.set(job.id ?? '', { attemptsStarted: job.attemptsStarted, result }));
  const rig: DeadlineRig = {
    queue,
    worker,
    completed,
    runs,
    async delayedUntil(jobId) {
      const entries = await producer.xrange(queue.keys.events ?? '', '-', '+');
      return entries.flatMap(([, fields]) => {
        const f = new Map<string, string>();
        for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i] ?? '', fields[i + 1] ?? '');
        return f.get('event') === 'delayed' && f.get('jobId') === jobId ? [Number(f.get('delay'))] : [];
      });
    },
    async close() {
      await worker.close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await Promise.all([producer, consumer].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
  rigs.push(rig);
  return rig;
}

beforeAll(async () => {
  tdb = await createTestDatabase('deadline_retry');
  engine = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar: createChinaCalendar(), now: clock.now });
  batcher = createTimerBatcher((ids) => engine.fireTimers(ids), { maxBatch: 16, maxInFlight: 2 });
});

afterAll(async () => {
  for (const rig of rigs) await rig.close();
  await tdb?.drop();
});

/** A new case and its acceptance deadline, with the fake clock moved past that deadline's breach. */
async function overdueAcceptance(): Promise<{ caseId: string; row: DeadlineRecord }> {
  const caseId = (await engine.intake(intakeBody(), actor('clerk'))).id;
  const created = await findDeadline(tdb.db, caseId, 'acceptance', 1);
  if (created === undefined) throw new Error('no acceptance deadline');
  const later = created.dueAt.getTime() + 3_600_000;
  if (later > clock.now().getTime()) clock.set(new Date(later).toISOString());
  return { caseId, row: created };
}

async function incidentOf(jobId: string): Promise<IncidentRecord> {
  return waitFor(`an incident for ${jobId}`, async () => (await listIncidents(tdb.db, { limit: 100 })).find((i) => i.jobId === jobId));
}

async function trailTypes(caseId: string): Promise<string[]> {
  return (await listEvents(tdb.db, caseId)).map((e) => e.type);
}

describe('a timer whose first two runs fail', () => {
  const BASE_MS = 100;
  let caseId: string;
  let jobId: string;
  let rig: DeadlineRig;
  const calls: { id: string; at: number; ok: boolean }[] = [];

  beforeAll(async () => {
    let failuresLeft = 2;
    const flaky: TimerBatcher = {
      fire(id) {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          calls.push({ id, at: Date.now(), ok: false });
          return Promise.reject(new Error('database unavailable'));
        }
        calls.push({ id, at: Date.now(), ok: true });
        return batcher.fire(id);
      },
    };
    rig = startRig(flaky, { attempts: 5, baseMs: BASE_MS });
    const overdue = await overdueAcceptance();
    caseId = overdue.caseId;
    jobId = deadlineJobId(overdue.row);
    // The real scheduler, on the fake clock: the timer is due, so its delay is 0.
    await createTimerScheduler(rig.queue, logger, clock.now).arm([overdue.row]);
    await waitFor('the timer job to complete', () => rig.completed.get(jobId));
  });

  it('is retried by the processor: three runs of one job, the last one fires', () => {
    expect(rig.completed.get(jobId)).toEqual({ attemptsStarted: 3, result: 'breached' });
    expect(rig.runs.get(jobId)).toEqual([1, 2, 3]);
    // Two failed runs, then one run that fires the three overdue reminders and the breach.
    expect(calls.map((c) => c.ok)).toEqual([false, false, true, true, true, true]);
    const rowId = parseInt(jobId.split('.')[0] ?? '', 36).toString();
    expect(new Set(calls.map((c) => c.id))).toEqual(new Set([rowId]));
  });

  it('waits baseMs, then twice that, before the second and third runs', async () => {
    const [first, second, third] = calls;
    // Put back as delayed right after each failed run, until baseMs * 2^(attemptsStarted - 1) later (a few ms of
    // slack for the processor's own work; the next power of two would be BASE_MS more).
    const until = await rig.delayedUntil(jobId);
    expect(until).toHaveLength(2);
    const waits = [(until[0] ?? 0) - (first?.at ?? 0), (until[1] ?? 0) - (second?.at ?? 0)];
    expect(waits[0]).toBeGreaterThanOrEqual(BASE_MS);
    expect(waits[0]).toBeLessThan(BASE_MS + 90);
    expect(waits[1]).toBeGreaterThanOrEqual(2 * BASE_MS);
    expect(waits[1]).toBeLessThan(2 * BASE_MS + 90);
    // BullMQ never runs a delayed job before its time.
    expect(second?.at ?? 0).toBeGreaterThanOrEqual(until[0] ?? Infinity);
    expect(third?.at ?? 0).toBeGreaterThanOrEqual(until[1] ?? Infinity);
  });

  it('commits the breach once, after the reminders, and records no incident', async () => {
    expect(await trailTypes(caseId)).toEqual([
      'INTAKE',
      'DEADLINE_REMINDER',
      'DEADLINE_REMINDER',
      'DEADLINE_REMINDER',
      'DEADLINE_BREACHED',
    ]);
    expect(await findDeadline(tdb.db, caseId, 'acceptance', 1)).toMatchObject({ status: 'breached', remindersSent: 3, nextFireAt: null });
    const state = await tdb.db.selectFrom('cases').select('state').where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(state.state).toBe('escalated');
    expect((await listIncidents(tdb.db, { limit: 100 })).filter((i) => i.jobId === jobId)).toEqual([]);
    // The worker drops a completed timer at once.
    expect(await rig.queue.getJob(jobId)).toBeUndefined();
  });
});

describe('a timer that keeps failing, and jobs petitionflow did not arm', () => {
  let caseId: string;
  let row: DeadlineRecord;
  let jobId: string;
  let rig: DeadlineRig;
  const fired: string[] = [];
  const firedAt: number[] = [];
  let incident: IncidentRecord;

  beforeAll(async () => {
    const down: TimerBatcher = {
      fire(id) {
        fired.push(id);
        firedAt.push(Date.now());
        return Promise.reject(new Error('database unavailable'));
      },
    };
    rig = startRig(down, { attempts: 3, baseMs: 50 });
    ({ caseId, row } = await overdueAcceptance());
    jobId = deadlineJobId(row);
    await rig.queue.add('fire', {}, { jobId });
    incident = await incidentOf(jobId);
  });

  it('fails the job after its third run', async () => {
    expect(fired).toEqual([row.id, row.id, row.id]);
    expect(rig.runs.get(jobId)).toEqual([1, 2, 3]);
    // Two retries, each put back as delayed at least 50 ms, then 100 ms, after the failed run.
    const until = await rig.delayedUntil(jobId);
    expect(until).toHaveLength(2);
    expect((until[0] ?? 0) - (firedAt[0] ?? Infinity)).toBeGreaterThanOrEqual(50);
    expect((until[1] ?? 0) - (firedAt[1] ?? Infinity)).toBeGreaterThanOrEqual(100);
    const job = await rig.queue.getJob(jobId);
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsStarted).toBe(3);
    expect(job?.failedReason).toBe('database unavailable');
    expect(rig.completed.has(jobId)).toBe(false);
  });

  it('records one incident naming the case, clock and generation of the deadline', async () => {
    expect(incident).toMatchObject({
      queue: DEADLINE_QUEUE,
      jobId,
      jobName: 'fire',
      caseId,
      clock: 'acceptance',
      generation: 1,
      attempts: 3,
      error: 'database unavailable',
      status: 'open',
    });
    expect((await listIncidents(tdb.db, { limit: 100 })).filter((i) => i.jobId === jobId)).toHaveLength(1);
    // Nothing was fired: the case is as it was recorded.
    expect(await trailTypes(caseId)).toEqual(['INTAKE']);
  });

  it('fails a job whose id names no deadline, or that carries data, on its first run without firing', async () => {
    const other = await overdueAcceptance();
    const withData = deadlineJobId(other.row);
    await rig.queue.add('fire', {}, { jobId: 'x.q1' });
    await rig.queue.add('fire', { caseId: other.caseId }, { jobId: withData });
    const [garbage, carrying] = await Promise.all([incidentOf('x.q1'), incidentOf(withData)]);
    expect(garbage).toMatchObject({
      jobId: 'x.q1',
      caseId: null,
      clock: null,
      generation: null,
      attempts: 1,
      error: 'malformed deadline job',
    });
    expect(carrying).toMatchObject({
      jobId: withData,
      caseId: other.caseId,
      clock: 'acceptance',
      generation: 1,
      attempts: 1,
      error: 'malformed deadline job',
    });
    expect(rig.runs.get('x.q1')).toEqual([1]);
    expect(rig.runs.get(withData)).toEqual([1]);
    expect(fired).not.toContain(other.row.id);
    expect(await trailTypes(other.caseId)).toEqual(['INTAKE']);
  });
});
