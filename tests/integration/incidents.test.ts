/**
 * Incidents: background jobs that failed for good become rows that
 * supervisors and auditors see (GET /incidents, and on the case under
 * `incidents`) and that supervisors retry (POST /incidents/:id/retry).
 * Real workers on the shared Redis (private queue prefix), a real webhook
 * receiver, and the real server with the runtime as its incident retrier.
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { findDeadline } from '../../db/deadline.repository';
import { findIncident, listIncidents, recordIncident, type IncidentRecord } from '../../db/incident.repository';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { deadlineJobId, notificationJobId } from '../../workers/queues';
import { createWorkerRuntime, type WorkerRuntime } from '../../workers/worker-runtime';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { waitFor } from '../support/wait-for';
import { fireTimer } from '../support/fire-timer';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here for the hooks and tests.
jest.setTimeout(60_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const UNIT = '411621'; // 扶沟县
const OTHER_COUNTY = '411622'; // 西华县

/** The real server with the runtime as its incident retrier and commit hook, the way `serve` wires it. */
let s: TestServer;
let runtime: WorkerRuntime;
/** The webhook receiver: it answers 503 until a test says otherwise. */
let receiver: WebhookReceiver;

/** The statuses the receiver answered to one delivery id, in order. */
const answeredTo = (deliveryId: string): number[] => receiver.received.filter((d) => d.deliveryId === deliveryId).map((d) => d.status);

/** The open incident of one job, once the recorder has written it. */
function openIncidentOf(jobId: string): Promise<IncidentRecord> {
  return waitFor(`an incident for ${jobId}`, async () =>
    (await listIncidents(s.tdb.db, { limit: 100 })).find((i) => i.jobId === jobId && i.status === 'open'),
  );
}

async function call(method: 'GET' | 'POST', url: string, role: HumanRole, unit = UNIT) {
  const res = await s.app.inject({ method, url, headers: { authorization: `Bearer ${await s.token(role, unit)}` } });
  return { status: res.statusCode, body: res.json() };
}

/** Incidents a supervisor of UNIT sees, by job id. */
async function listedJobIds(query = ''): Promise<string[]> {
  const res = await call('GET', `/incidents${query}`, 'supervisor');
  expect(res.status).toBe(200);
  return (res.body.items as IncidentRecord[]).map((i) => i.jobId);
}

let caseA: string;
let caseB: string;
/** A timer id naming case A's acceptance deadline, not the one the scheduler armed (another fire time). */
let malformedJobId: string;
let malformed: IncidentRecord;
let unknownEntry: IncidentRecord;
let exhausted: IncidentRecord;

beforeAll(async () => {
  receiver = await startWebhookReceiver({ answer: 503 });
  // The runtime needs the server's database and the engine needs the runtime: both hooks reach it once it exists.
  s = await createTestServer('incidents', {
    incidents: { retryIncident: (id) => runtime.retryIncident(id) },
    onCommitted: (change) => runtime.onCommitted(change),
  });
  runtime = createWorkerRuntime({
    redisUrl: REDIS_URL,
    prefix: `pfi${randomBytes(4).toString('hex')}`,
    db: s.tdb.db,
    logger: pino({ level: 'silent' }),
    // A sweep arms only what is due within two intervals: nothing of these statutory clocks.
    reconcileEveryMs: 3_600_000,
    concurrency: 4,
    webhook: { url: receiver.url, secret: 'incident-test-webhook-secret' },
  });
  runtime.startWorkers(s.engine);

  caseA = (await s.engine.intake(intakeBody(), actor('clerk'))).id;
  const rowA = await findDeadline(s.tdb.db, caseA, 'acceptance', 1);
  if (rowA === undefined) throw new Error('case A has no acceptance deadline');
  malformedJobId = deadlineJobId({ ...rowA, nextFireAt: new Date(rowA.dueAt.getTime() - 7000) });

  // 1. A deadline job with data (the scheduler's carry none) was not armed by us: UnrecoverableError on the first attempt.
  await runtime.deadlineQueue.add('fire', { caseId: caseA, clock: 'acceptance', generation: 'one' }, { jobId: malformedJobId });
  // 2. A notification for a trail entry that does not exist: UnrecoverableError too.
  await runtime.notificationQueue.add('notify', { caseId: caseA, seq: 999 }, { jobId: notificationJobId({ caseId: caseA, seq: 999 }) });

  // 3. A real reminder whose webhook keeps answering 503 until its (here: two) attempts are used up.
  //    The reminder is fired on a skipped clock by an engine without hooks, so that the job is ours to shape.
  const clock = fakeClock(new Date().toISOString());
  const quiet = createPetitionEngine({ db: s.tdb.db, policy: DEFAULT_POLICY, calendar: createChinaCalendar(), now: clock.now });
  const b = await quiet.intake(intakeBody(), actor('clerk'));
  caseB = b.id;
  clock.set(b.deadlines[0]?.reminders[0] ?? '');
  expect(await fireTimer(quiet, s.tdb.db, caseB, 'acceptance', 1)).toBe('reminded');
  await runtime.notificationQueue.add(
    'notify',
    { caseId: caseB, seq: 2 },
    { jobId: notificationJobId({ caseId: caseB, seq: 2 }), attempts: 2, backoff: { type: 'fixed', delay: 100 } },
  );

  [malformed, unknownEntry, exhausted] = await Promise.all([
    openIncidentOf(malformedJobId),
    openIncidentOf(notificationJobId({ caseId: caseA, seq: 999 })),
    openIncidentOf(notificationJobId({ caseId: caseB, seq: 2 })),
  ]);
});

afterAll(async () => {
  await s?.app.close();
  if (runtime !== undefined) {
    await Promise.all([runtime.deadlineQueue.obliterate({ force: true }), runtime.notificationQueue.obliterate({ force: true })]).catch(
      () => undefined,
    );
    await runtime.close();
  }
  await receiver?.close();
  await s?.tdb.drop();
});

describe('jobs that fail for good become incidents', () => {
  it('records the malformed deadline job, naming the deadline its id names', () => {
    expect(malformed).toMatchObject({
      queue: 'deadlines',
      jobId: malformedJobId,
      jobName: 'fire',
      caseId: caseA,
      clock: 'acceptance',
      generation: 1,
      attempts: 1,
      error: 'malformed deadline job',
      status: 'open',
    });
  });

  it('records the notification of an unknown trail entry', () => {
    expect(unknownEntry).toMatchObject({
      queue: 'notifications',
      jobName: 'notify',
      caseId: caseA,
      clock: null,
      generation: null,
      attempts: 1,
      error: 'notification for an unknown trail entry',
      status: 'open',
    });
  });

  it('records a notification only once its retries are used up', () => {
    expect(exhausted).toMatchObject({ queue: 'notifications', caseId: caseB, attempts: 2, error: 'webhook answered 503', status: 'open' });
    expect(answeredTo(`${caseB}.2`)).toEqual([503, 503]);
  });
});

describe('GET /incidents and the case view', () => {
  it('lists the open incidents of their units to a supervisor, newest first', async () => {
    const res = await call('GET', '/incidents', 'supervisor');
    expect(res.status).toBe(200);
    const items = res.body.items as (IncidentRecord & { createdAt: string })[];
    expect(items.map((i) => i.id).sort()).toEqual([malformed.id, unknownEntry.id, exhausted.id].sort());
    const created = items.map((i) => Date.parse(i.createdAt));
    expect(created).toEqual([...created].sort((x, y) => y - x));
  });

  it('pages with limit and cursor, newest first, ending with a null nextCursor; booleans as 1/0 too', async () => {
    const whole = await call('GET', '/incidents', 'supervisor');
    expect(whole.body.nextCursor).toBeNull();
    const seen: string[] = [];
    let page = await call('GET', '/incidents?limit=1', 'supervisor');
    for (let i = 0; i < 10; i++) {
      expect(page.status).toBe(200);
      seen.push(...(page.body.items as IncidentRecord[]).map((item) => item.id));
      if (page.body.nextCursor === null) break;
      page = await call('GET', `/incidents?limit=1&cursor=${encodeURIComponent(String(page.body.nextCursor))}`, 'supervisor');
    }
    expect(seen).toEqual((whole.body.items as IncidentRecord[]).map((item) => item.id));
    expect((await call('GET', '/incidents?all=1', 'supervisor')).status).toBe(200);
    expect((await call('GET', '/incidents?all=yes', 'supervisor')).status).toBe(400);
    expect((await call('GET', '/incidents?cursor=bm90LWEtY3Vyc29y', 'supervisor')).status).toBe(400);
  });

  it('shows a case its own open incidents under `incidents`', async () => {
    const a = await call('GET', `/petitions/${caseA}`, 'supervisor');
    expect(a.status).toBe(200);
    expect(a.body.incidents).toEqual(
      expect.arrayContaining([
        { id: malformed.id, clock: 'acceptance', error: 'malformed deadline job', createdAt: malformed.createdAt.toISOString() },
        {
          id: unknownEntry.id,
          clock: null,
          error: 'notification for an unknown trail entry',
          createdAt: unknownEntry.createdAt.toISOString(),
        },
      ]),
    );
    expect(a.body.incidents).toHaveLength(2);
    const b = await call('GET', `/petitions/${caseB}`, 'clerk');
    expect(b.body.incidents).toEqual([expect.objectContaining({ id: exhausted.id, error: 'webhook answered 503' })]);
  });

  it('lets an auditor list, and keeps clerks and handlers out', async () => {
    const auditor = await call('GET', '/incidents', 'auditor');
    expect(auditor.status).toBe(200);
    expect(auditor.body.items).toHaveLength(3);
    for (const role of ['clerk', 'handler', 'mediator', 'leader'] as const) {
      const res = await call('GET', '/incidents', role);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it("shows a supervisor of another county none of these units' incidents", async () => {
    const res = await call('GET', '/incidents', 'supervisor', OTHER_COUNTY);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

describe('POST /incidents/:id/retry', () => {
  it('is refused to an auditor (403), to another county (404), for an unknown id (404) and a malformed one (400)', async () => {
    const auditor = await call('POST', `/incidents/${exhausted.id}/retry`, 'auditor');
    expect(auditor.status).toBe(403);
    expect(auditor.body.error.code).toBe('FORBIDDEN');
    expect((await call('POST', `/incidents/${exhausted.id}/retry`, 'clerk')).status).toBe(403);
    expect((await call('POST', `/incidents/${exhausted.id}/retry`, 'supervisor', OTHER_COUNTY)).status).toBe(404);
    expect((await call('POST', '/incidents/999999/retry', 'supervisor')).status).toBe(404);
    expect((await call('POST', '/incidents/abc/retry', 'supervisor')).status).toBe(400);
    expect((await findIncident(s.tdb.db, exhausted.id))?.status).toBe('open');
  });

  it('re-runs the failed job for a supervisor and marks the incident retried', async () => {
    receiver.answer(200);
    const res = await call('POST', `/incidents/${exhausted.id}/retry`, 'supervisor');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: exhausted.id, status: 'retried', jobId: exhausted.jobId });
    // The same notification goes out again, and this time it is taken.
    await waitFor('the retried delivery', async () => receiver.received.find((d) => d.deliveryId === `${caseB}.2` && d.status === 200));
    const job = await runtime.notificationQueue.getJob(exhausted.jobId);
    await waitFor('the job to complete', async () => ((await job?.isCompleted()) === true ? true : undefined));
    expect(answeredTo(`${caseB}.2`)).toEqual([503, 503, 200]);
    expect(await findIncident(s.tdb.db, exhausted.id)).toMatchObject({ status: 'retried' });
    // Open-only lists and the case view leave it out; ?all=true still shows it.
    expect(await listedJobIds()).not.toContain(exhausted.jobId);
    expect(await listedJobIds('?all=true')).toContain(exhausted.jobId);
    expect((await call('GET', `/petitions/${caseB}`, 'supervisor')).body.incidents).toEqual([]);
  });

  it('opens a new incident when the retried job fails again', async () => {
    const res = await call('POST', `/incidents/${malformed.id}/retry`, 'supervisor');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('retried');
    const again = await openIncidentOf(malformedJobId);
    expect(again.id).not.toBe(malformed.id);
    expect(again).toMatchObject({ error: 'malformed deadline job', caseId: caseA });
    expect(await findIncident(s.tdb.db, malformed.id)).toMatchObject({ status: 'retried' });
  });

  it('re-arms the timer from its deadline row when the failed job is gone from Redis', async () => {
    const row = await findDeadline(s.tdb.db, caseA, 'acceptance', 1);
    if (row?.nextFireAt == null) throw new Error('case A has no pending acceptance deadline');
    const jobId = deadlineJobId(row);
    // The timer armed at intake, then lost (as if Redis were flushed), and an incident about it.
    await runtime.deadlineQueue.remove(jobId);
    expect(await runtime.deadlineQueue.getJob(jobId)).toBeUndefined();
    const lost = await recordIncident(
      s.tdb.db,
      {
        queue: 'deadlines',
        jobId,
        jobName: 'fire',
        caseId: caseA,
        clock: 'acceptance',
        generation: 1,
        attempts: 8,
        error: 'connection lost',
      },
      new Date(),
    );
    const res = await call('POST', `/incidents/${lost.id}/retry`, 'supervisor');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('retried');
    const rearmed = await runtime.deadlineQueue.getJob(jobId);
    expect(rearmed?.data).toEqual({});
    expect(await rearmed?.isDelayed()).toBe(true);
  });
});
