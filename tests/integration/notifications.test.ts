/**
 * Reminder and breach notifications end to end: intake through the engine,
 * timers on BullMQ (the shared Redis, a private queue prefix), the workers of
 * one runtime, and a signed webhook POSTed to a local receiver. The policy
 * runs the acceptance and handling clocks on seconds (`elapsed`).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { mergePolicy } from '../../config/load-config';
import { listIncidents } from '../../db/incident.repository';
import { createPetitionEngine, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { Job } from 'bullmq';
import { signWebhook, type Notification } from '../../workers/notification.channels';
import { createNotificationSource } from '../../engine/notification-source.service';
import { createNotificationProcessor } from '../../workers/notification.processor';
import { createWorkerRuntime, type WorkerRuntime } from '../../workers/worker-runtime';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { inTurn, startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';
import { waitFor } from '../support/wait-for';
import { residentIdCheckCharacter } from '../../machines/resident-id';
import { fireTimer } from '../support/fire-timer';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here for the hooks and tests.
jest.setTimeout(60_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECRET = 'webhook-secret-for-the-notification-tests';
const CLOCK = { calendar: 'elapsed' as const, reminders: ['50%'], onBreach: 'escalate' as const };
const POLICY = mergePolicy({ acceptance: { duration: 'PT2S', ...CLOCK }, handling: { duration: 'PT3S', ...CLOCK } });

/** How the receiver answers the `attempt`-th request (1-based) of one delivery id, per case. */
type Answer = (request: { readonly attempt: number }) => number;

let tdb: TestDatabase;
let runtime: WorkerRuntime;
let engine: PetitionEngine;
let receiver: WebhookReceiver<Notification>;
const answers = new Map<string, Answer>();
const logLines: string[] = [];

const deliveriesOf = (caseId: string): ReceivedRequest<Notification>[] => receiver.received.filter((d) => d.body.caseId === caseId);

/** A petitioner whose name, ID number and phone are unique to one test, to look for in what leaves the system. */
function petitioner(tag: string) {
  const digits = String(Date.now()).slice(-6);
  const body = `412721199001${digits.slice(0, 5)}`;
  return {
    name: `张${tag}`,
    idNumber: `${body}${residentIdCheckCharacter(body)}`,
    phone: `18749${digits}`,
    address: `扶沟县曹里乡${tag}村`,
  };
}

beforeAll(async () => {
  tdb = await createTestDatabase('notifications');
  receiver = await startWebhookReceiver<Notification>({
    path: '/hooks/petitionflow',
    answer: (request) => (answers.get(request.body.caseId) ?? (() => 200))(request),
  });
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  runtime = createWorkerRuntime({
    redisUrl: REDIS_URL,
    prefix: `pfn${randomBytes(4).toString('hex')}`,
    db: tdb.db,
    logger: pino({ level: 'debug' }, logStream),
    reconcileEveryMs: 60_000,
    concurrency: 8,
    webhook: { url: receiver.url, secret: SECRET },
  });
  engine = createPetitionEngine({ db: tdb.db, policy: POLICY, calendar: createChinaCalendar(), onCommitted: runtime.onCommitted });
  runtime.startWorkers(engine);
});

afterAll(async () => {
  if (runtime !== undefined) {
    await Promise.all([runtime.deadlineQueue.obliterate({ force: true }), runtime.notificationQueue.obliterate({ force: true })]).catch(
      () => undefined,
    );
    await runtime.close();
  }
  await receiver?.close();
  await tdb?.drop();
});

describe('deadline notifications on the webhook', () => {
  it('sends the reminder, then the breach, signed, to roles only, with no personal data', async () => {
    const person = petitioner('通知');
    const created = await engine.intake(intakeBody({ petitioner: person }), actor('clerk'));
    const [reminder, breach] = await waitFor('the reminder and the breach', () => {
      const got = deliveriesOf(created.id);
      return got.length >= 2 ? got : undefined;
    });
    expect(deliveriesOf(created.id)).toHaveLength(2);
    expect(reminder?.body).toMatchObject({
      type: 'deadline.reminder',
      clock: 'acceptance',
      generation: 1,
      state: 'received',
      unit: '411621',
      seq: 2,
    });
    expect(breach?.body).toMatchObject({
      type: 'deadline.breached',
      clock: 'acceptance',
      generation: 1,
      state: 'escalated',
      unit: '411621',
      seq: 3,
    });
    // Nobody is assigned yet: the supervisors of the case's unit hear of it.
    expect(breach?.body.recipients).toEqual([{ role: 'supervisor', unit: '411621' }]);

    for (const d of [reminder, breach]) {
      if (d === undefined) throw new Error('missing delivery');
      expect(d.status).toBe(200);
      expect(d.headers['content-type']).toBe('application/json');
      expect(d.headers['x-petitionflow-delivery']).toBe(`${created.id}.${d.body.seq}`);
      // t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, recomputed both ways.
      const signature = String(d.headers['x-petitionflow-signature']);
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signature);
      expect(m).not.toBeNull();
      const t = Number(m?.[1]);
      expect(Math.abs(t - d.receivedAt / 1000)).toBeLessThan(30);
      expect(signature).toBe(signWebhook(SECRET, d.raw, t));
      expect(m?.[2]).toBe(createHmac('sha256', SECRET).update(`${t}.${d.raw}`).digest('hex'));
      expect(signWebhook('another-secret-of-some-length', d.raw, t)).not.toBe(signature);
      // Only ids and codes leave the database.
      for (const secret of [person.name, person.idNumber, person.phone, person.address]) expect(d.raw).not.toContain(secret);
      expect(Object.keys(d.body).sort()).toEqual(['at', 'caseId', 'clock', 'generation', 'recipients', 'seq', 'state', 'type', 'unit']);
    }
    // The reminder fired at 50% (about 1 s in), the breach at 2 s.
    expect(Date.parse(reminder?.body.at ?? '')).toBeLessThan(Date.parse(breach?.body.at ?? ''));
    expect(Date.parse(breach?.body.at ?? '') - Date.parse(created.createdAt)).toBeGreaterThanOrEqual(2000);

    // Nor does any personal data reach the log.
    for (const secret of [person.name, person.idNumber, person.phone, person.address]) {
      expect(logLines.filter((l) => l.includes(secret))).toEqual([]);
    }
  });

  it('tells the state the entry left the case in, though the case moved on before it was sent', async () => {
    // A reminder fired on a skipped clock by an engine without hooks, then the case moves on (received → verified).
    const clock = fakeClock(new Date().toISOString());
    const quiet = createPetitionEngine({ db: tdb.db, policy: POLICY, calendar: createChinaCalendar(), now: clock.now });
    const created = await quiet.intake(intakeBody({ petitioner: petitioner('状态') }), actor('clerk'));
    clock.set(created.deadlines[0]?.reminders[0] ?? '');
    expect(await fireTimer(quiet, tdb.db, created.id, 'acceptance', 1)).toBe('reminded');
    expect(await quiet.dispatch(created.id, { type: 'VERIFY' }, actor('clerk'))).toMatchObject({ state: 'verified' });

    const sent: Notification[] = [];
    const process = createNotificationProcessor({
      source: createNotificationSource(tdb.db),
      channels: [{ name: 'capture', send: async (n) => void sent.push(n) }],
    });
    // The job as the runtime enqueues it after the reminder's commit, and one enqueued before jobs carried the state.
    await process({ data: { caseId: created.id, seq: 2, state: 'received' } } as Job);
    await process({ data: { caseId: created.id, seq: 2 } } as Job);
    expect(sent.map((n) => [n.type, n.seq, n.state])).toEqual([
      ['deadline.reminder', 2, 'received'],
      ['deadline.reminder', 2, 'verified'],
    ]);
  });

  it('names the handler, the supervisors of both units and the leader in charge', async () => {
    const person = petitioner('包案');
    const created = await engine.intake(intakeBody({ petitioner: person }), actor('clerk'));
    // Accepted at once: the acceptance clock is met, the 3 s handling clock starts.
    await engine.dispatch(created.id, { type: 'VERIFY' }, actor('clerk'));
    await engine.dispatch(created.id, { type: 'ASSIGN', unit: '411621100', handler: 'handler-7' }, actor('clerk'));
    await engine.dispatch(created.id, { type: 'ASSIGN_LEADER', leader: 'leader-3' }, actor('supervisor'));
    const breach = await waitFor('the handling breach', () => deliveriesOf(created.id).find((d) => d.body.type === 'deadline.breached'));
    expect(deliveriesOf(created.id).map((d) => `${d.body.type}/${d.body.clock}`)).toEqual([
      'deadline.reminder/handling',
      'deadline.breached/handling',
    ]);
    expect(breach.body.recipients).toEqual([
      { role: 'handler', id: 'handler-7' },
      { role: 'supervisor', unit: '411621' },
      { role: 'supervisor', unit: '411621100' },
      { role: 'leader', id: 'leader-3' },
    ]);
    for (const secret of [person.name, person.idNumber, person.phone, person.address]) expect(breach.raw).not.toContain(secret);
  });

  it('retries a receiver that answers 500 twice, delivering each notification once in effect', async () => {
    const created = await engine.intake(intakeBody({ petitioner: petitioner('重试') }), actor('clerk'));
    answers.set(created.id, inTurn(500, 500, 200));
    // Backoff 2 s then 4 s: the third attempt of each notification comes about 6 s after the first.
    await waitFor(
      'both notifications delivered',
      () => {
        const ok = deliveriesOf(created.id).filter((d) => d.status === 200);
        return ok.length >= 2 ? ok : undefined;
      },
      40_000,
    );
    const byDelivery = new Map<string, number[]>();
    for (const d of deliveriesOf(created.id)) {
      const id = String(d.headers['x-petitionflow-delivery']);
      byDelivery.set(id, [...(byDelivery.get(id) ?? []), d.status]);
    }
    // One delivery id per trail entry, the same on every attempt; exactly one accepted.
    expect(Object.fromEntries(byDelivery)).toEqual({
      [`${created.id}.2`]: [500, 500, 200],
      [`${created.id}.3`]: [500, 500, 200],
    });
    // Each attempt tells of the same trail entry (signed afresh). The body is rebuilt from the case at send
    // time, so `state` and `recipients` are the case's current ones: the reminder's third attempt comes after
    // the breach and says 'escalated' (reported to the lead; not asserted either way here).
    for (const seq of [2, 3]) {
      const entries = new Set(
        deliveriesOf(created.id)
          .filter((d) => d.body.seq === seq)
          .map(({ body: { type, caseId, clock, generation, unit, at } }) =>
            JSON.stringify({ type, caseId, seq, clock, generation, unit, at }),
          ),
      );
      expect(entries.size).toBe(1);
    }
    // The trail has one reminder and one breach.
    const events = await tdb.db
      .selectFrom('case_events')
      .select(['seq', 'type'])
      .where('case_id', '=', created.id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['INTAKE', 'DEADLINE_REMINDER', 'DEADLINE_BREACHED']);
    expect(await listIncidents(tdb.db, { caseId: created.id, all: true, limit: 10 })).toEqual([]);
  }, 60_000);

  it('records an incident when the receiver refuses with a 400, after one attempt', async () => {
    const created = await engine.intake(intakeBody({ petitioner: petitioner('拒收') }), actor('clerk'));
    answers.set(created.id, () => 400);
    const incidents = await waitFor('incidents for both notifications', async () => {
      const found = await listIncidents(tdb.db, { caseId: created.id, limit: 10 });
      return found.length >= 2 ? found : undefined;
    });
    const bySeq = incidents.map((i) => ({ ...i })).sort((a, b) => a.jobId.localeCompare(b.jobId));
    expect(bySeq).toEqual([
      expect.objectContaining({
        queue: 'notifications',
        jobId: `nt.${created.id}.2`,
        jobName: 'notify',
        caseId: created.id,
        clock: null,
        generation: null,
        attempts: 1,
        error: 'webhook answered 400',
        status: 'open',
      }),
      expect.objectContaining({ jobId: `nt.${created.id}.3`, attempts: 1, error: 'webhook answered 400', status: 'open' }),
    ]);
    // A 4xx is permanent: no second attempt.
    expect(deliveriesOf(created.id).map((d) => d.status)).toEqual([400, 400]);
    // The case moved on regardless: the breach escalated it.
    const row = await tdb.db.selectFrom('cases').select('state').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('escalated');
  });
});
