/**
 * Privacy (README, Privacy): ID numbers and phones in full for the clerk only,
 * masked the way the seed prints them for every other role; an accusation's
 * accuser, representatives and materials withheld from the accused unit
 * (Arts 30, 46); and nothing personal in the logs, in Redis job data, in the
 * metrics or in error messages.
 *
 * The server runs with the process logger of `app/logger.ts` (redaction and
 * all) at level `trace`, writing to memory, and with the worker runtime on
 * the shared Redis under a prefix of its own, so every line and every key
 * written during the run can be searched for the test data.
 */
import { randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { signToken } from '../../api/auth';
import { buildServer } from '../../api/server';
import { createLogger } from '../../app/logger';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { mergePolicy } from '../../config/load-config';
import { listCaseIds } from '../support/case-ids';
import { listDeadlines } from '../../db/deadline.repository';
import { deadlineJobId } from '../../workers/queues';
import { createAuditService } from '../../engine/audit.service';
import { WITHHELD } from '../../engine/access';
import { createPetitionEngine, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { HumanRole } from '../../machines/petition.vocabulary';
import type { Intake } from '../../machines/petition.schemas';
import { createWorkerRuntime, type WorkerRuntime } from '../../workers/worker-runtime';
import { actor, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { assertNoMismatches, installResponseValidation, type ResponseMismatch } from '../support/response-validation';
import { TEST_SECRET, testCheckpoints } from '../support/test-server';
import { deleteKeys, SHARED_REDIS_URL, uniquePrefix } from '../support/worker-fixtures';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here.
jest.setTimeout(90_000);

// ---------------------------------------------------------------------------
// Test data: every name, ID number, phone and address below must never leave
// the database unmasked except towards a clerk.

/** The seed's petitioner (engine-fixtures' intakeBody), with two representatives of a group visit. */
const MAIN: Intake = intakeBody({
  channel: 'visit',
  representatives: [
    { name: '司马光华', idNumber: '41162119850312002X', phone: '13912345678' },
    { name: '诸葛文清', idNumber: '411621197007070014', phone: '15836981470' },
  ],
  matter: { category: 'land', summary: '宅基地纠纷，请求确权', details: '东邻占用宅基地约三十平方米，多次协商未果。' },
});

/** An accusation against 曹里乡 (411621206): the accused unit must never learn who accused it, nor read the materials. */
const ACCUSATION: Intake = {
  channel: 'letter',
  unit: '411621',
  petitioner: { name: '公孙举报', idNumber: '411621198811110034', phone: '13676543210', address: '扶沟县曹里乡公孙庄' },
  matter: {
    category: 'discipline',
    summary: '反映乡干部违规收费',
    details: '举报材料：某乡干部在办理宅基地手续时收取费用三千元，有收据为证。',
    accusation: true,
    accusedUnit: '411621206',
  },
  representatives: [{ name: '夏侯证言', idNumber: '411621199202020046', phone: '13511112222' }],
};

/** The petitioner of the case the deadline workers fire on (Redis and notification logs). */
const TIMED: Intake = intakeBody({
  petitioner: { name: '上官定时', idNumber: '411621196605050051', phone: '13866665555', address: '扶沟县崔桥镇上官村' },
});

const PEOPLE = [MAIN, ACCUSATION, TIMED].flatMap((i) => [i.petitioner, ...(i.representatives ?? [])]);
const ID_NUMBERS = PEOPLE.flatMap((p) => (p.idNumber === undefined ? [] : [p.idNumber]));
const PHONES = PEOPLE.flatMap((p) => (p.phone === undefined ? [] : [p.phone]));
const NAMES = PEOPLE.map((p) => p.name);
const ADDRESSES = [MAIN, ACCUSATION, TIMED].map((i) => i.petitioner.address);
/** Everything personal of the test data. */
const SECRETS = [...ID_NUMBERS, ...PHONES, ...NAMES, ...ADDRESSES];

/** The secrets found in a text. */
function leaked(text: string, secrets: readonly string[] = SECRETS): string[] {
  return secrets.filter((x) => text.includes(x));
}

/**
 * A log line as text a search can see through: a Buffer serialised as
 * `{"type":"Buffer","data":[…]}` or a plain array of byte values (how pino
 * writes Node's `rawPacket`) is decoded as UTF-8 and appended, since a grep
 * of the JSON would see only numbers.
 */
function searchableLogLine(line: string): string {
  const decoded: string[] = [];
  const isBytes = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length > 0 && v.every((b) => Number.isInteger(b) && (b as number) >= 0 && (b as number) <= 255);
  const walk = (v: unknown): void => {
    if (isBytes(v)) decoded.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(line));
  } catch {
    // Not JSON: searched as it is.
  }
  return [line, ...decoded].join('\n');
}

// ---------------------------------------------------------------------------
// The app under test.

const REDIS_PREFIX = uniquePrefix();
const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== ''),
    );
    done();
  },
});
const logger = createLogger({ logLevel: 'trace' }, logSink);

let tdb: TestDatabase;
let runtime: WorkerRuntime;
let app: FastifyInstance;
/** Seconds-scale clocks, for the case the workers fire on. */
let timedEngine: PetitionEngine;
/** Every error body the API answered with, and the request that caused it, for the message checks. */
const errorBodies: { what: string; status: number; body: string }[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('privacy');
  runtime = createWorkerRuntime({
    redisUrl: SHARED_REDIS_URL,
    prefix: REDIS_PREFIX,
    db: tdb.db,
    logger,
    reconcileEveryMs: 60_000,
    concurrency: 4,
  });
  // The producer does not queue commands while connecting: wait, so the first commits arm their timers at once.
  await runtime.deadlineQueue.waitUntilReady();
  await runtime.notificationQueue.waitUntilReady();
  const engine = createPetitionEngine({
    db: tdb.db,
    policy: DEFAULT_POLICY,
    calendar: createChinaCalendar(),
    onCommitted: (change) => runtime.onCommitted(change),
  });
  const clock = { calendar: 'elapsed' as const, reminders: ['50%'], onBreach: 'escalate' as const };
  timedEngine = createPetitionEngine({
    db: tdb.db,
    policy: mergePolicy({ acceptance: { duration: 'PT1S', ...clock } }),
    calendar: createChinaCalendar(),
    onCommitted: (change) => runtime.onCommitted(change),
  });
  app = await buildServer({
    engine,
    audit: createAuditService(tdb.db),
    checkpoints: testCheckpoints(tdb.db),
    db: tdb.db,
    authSecret: TEST_SECRET,
    logger,
    readiness: async () => ({ database: true }),
  });
  ({ mismatches } = installResponseValidation(app));
  await app.ready();
});

let mismatches: ResponseMismatch[] = [];

afterAll(async () => {
  await app?.close();
  await closeRuntime();
  await deleteKeys(SHARED_REDIS_URL, REDIS_PREFIX);
  await tdb?.drop();
  assertNoMismatches(mismatches);
});

/** Sends raw bytes over a socket and collects everything the server answers until it closes. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(request));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(err)));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.setTimeout(5_000, () => socket.destroy());
  });
}

let runtimeClosed: Promise<void> | undefined;
/** Closes the worker runtime once (the Redis test closes it early to read a settled Redis). */
function closeRuntime(): Promise<void> {
  runtimeClosed ??= runtime === undefined ? Promise.resolve() : runtime.close();
  return runtimeClosed;
}

async function tokenOf(role: HumanRole, unit = '411621', user = `${role}-1`): Promise<string> {
  return `Bearer ${await signToken(TEST_SECRET, { sub: user, role, unit })}`;
}

interface Answer {
  readonly status: number;
  readonly text: string;
  /** The parsed JSON body (untyped: the tests look into views, lists and errors alike). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

async function call(
  who: { role: HumanRole; unit?: string } | null,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await app.inject({
    method,
    url,
    headers: {
      ...(who !== null && { authorization: await tokenOf(who.role, who.unit) }),
      ...(payload !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(payload !== undefined && { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
  const text = res.body;
  const json = res.headers['content-type']?.toString().startsWith('application/json') === true ? res.json() : undefined;
  if (res.statusCode >= 400) errorBodies.push({ what: `${method} ${url}`, status: res.statusCode, body: text });
  return { status: res.statusCode, text, body: json };
}

async function send(who: { role: HumanRole; unit?: string }, id: string, event: Record<string, unknown>): Promise<Answer> {
  const res = await call(who, 'POST', `/petitions/${id}/events`, event);
  expect({ type: event.type, status: res.status, error: res.body?.error }).toEqual({ type: event.type, status: 200, error: undefined });
  return res;
}

const MASKED_ROLES: readonly HumanRole[] = ['handler', 'mediator', 'supervisor', 'leader', 'auditor'];

/** How the seed prints identifiers: 8 + 4 of an ID number, a phone without its last 4 digits. */
function maskedPerson<T extends { idNumber?: string | undefined; phone?: string | undefined }>(p: T): T {
  return {
    ...p,
    ...(p.idNumber !== undefined && { idNumber: `${p.idNumber.slice(0, 8)}xxxxxx${p.idNumber.slice(-4)}` }),
    ...(p.phone !== undefined && { phone: `${p.phone.slice(0, -4)}xxxx` }),
  };
}

let mainId: string;
let accusationId: string;

describe('privacy', () => {
  it('shows the clerk identifiers in full and every other role masked: one case, list, history, representatives', async () => {
    const created = await call({ role: 'clerk' }, 'POST', '/petitions', MAIN);
    expect(created.status).toBe(201);
    mainId = created.body.id;
    // The clerk who recorded it sees what was recorded.
    expect(created.body.petitioner).toEqual(MAIN.petitioner);
    expect(created.body.representatives).toEqual(MAIN.representatives);
    await send({ role: 'clerk' }, mainId, { type: 'VERIFY', note: '身份经户籍核实' });
    await send({ role: 'clerk' }, mainId, { type: 'ASSIGN', unit: '411621', handler: 'handler-1' });

    const expected = (role: HumanRole) =>
      role === 'clerk'
        ? { petitioner: MAIN.petitioner, representatives: MAIN.representatives }
        : { petitioner: maskedPerson(MAIN.petitioner), representatives: (MAIN.representatives ?? []).map(maskedPerson) };
    expect(expected('auditor').petitioner).toMatchObject({ idNumber: '41272119xxxxxx341X', phone: '1874926xxxx' });

    for (const role of ['clerk', ...MASKED_ROLES] as HumanRole[]) {
      const one = await call({ role }, 'GET', `/petitions/${mainId}`);
      const list = await call({ role }, 'GET', '/petitions?limit=100');
      const history = await call({ role }, 'GET', `/petitions/${mainId}/history`);
      expect([one.status, list.status, history.status]).toEqual([200, 200, 200]);
      const item = list.body.items.find((c: { id: string }) => c.id === mainId);
      const intake = history.body.events[0];
      expect(intake.type).toBe('INTAKE');
      const want = expected(role);
      expect({ role, petitioner: one.body.petitioner, representatives: one.body.representatives }).toEqual({ role, ...want });
      expect({ role, petitioner: item.petitioner, representatives: item.representatives }).toEqual({ role, ...want });
      expect({ role, petitioner: intake.fields.petitioner, representatives: intake.fields.representatives }).toEqual({ role, ...want });
      if (role !== 'clerk') {
        // Nowhere in the answer, not only where the test looks.
        for (const res of [one, list, history])
          expect({ role, leaked: leaked(res.text, [...ID_NUMBERS, ...PHONES]) }).toEqual({ role, leaked: [] });
      }
    }

    // The auditors' CSV export of the trail is masked alike.
    const csv = await call({ role: 'auditor', unit: '411600' }, 'GET', `/petitions/${mainId}/history?format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain('41272119xxxxxx341X');
    expect(leaked(csv.text, [...ID_NUMBERS, ...PHONES])).toEqual([]);

    // A command's answer is the sender's view: masked for the handler.
    const ext = await send({ role: 'handler' }, mainId, { type: 'REQUEST_EXTENSION', duration: 'P10D', reason: '需补充调查' });
    expect(ext.body.petitioner).toEqual(maskedPerson(MAIN.petitioner));
    expect(leaked(ext.text, [...ID_NUMBERS, ...PHONES])).toEqual([]);

    // The listed-supervision board shows cases through the same masked view.
    await send({ role: 'supervisor' }, mainId, { type: 'ESCALATE', reason: '群众反映强烈，挂牌督办' });
    for (const role of ['supervisor', 'leader', 'auditor'] as HumanRole[]) {
      const board = await call({ role }, 'GET', '/supervision');
      expect(board.status).toBe(200);
      expect(board.body.cases.map((c: { id: string }) => c.id)).toContain(mainId);
      expect({ role, leaked: leaked(board.text, [...ID_NUMBERS, ...PHONES]) }).toEqual({ role, leaked: [] });
    }
  });

  it('withholds the accuser, the representatives and the materials from the accused unit (Arts 30, 46)', async () => {
    const created = await call({ role: 'clerk' }, 'POST', '/petitions', ACCUSATION);
    expect(created.status).toBe(201);
    accusationId = created.body.id;
    await send({ role: 'clerk' }, accusationId, { type: 'VERIFY' });
    // Handed to the township for investigation: its staff now see the case, but not who accused it.
    await send({ role: 'clerk' }, accusationId, { type: 'ASSIGN', unit: '411621206', handler: 'caoli-handler' });

    const accused = { role: 'handler' as const, unit: '411621206' };
    const one = await call(accused, 'GET', `/petitions/${accusationId}`);
    const list = await call(accused, 'GET', '/petitions?limit=100');
    const history = await call(accused, 'GET', `/petitions/${accusationId}/history`);
    expect([one.status, list.status, history.status]).toEqual([200, 200, 200]);
    const item = list.body.items.find((c: { id: string }) => c.id === accusationId);
    expect(item).toBeDefined();
    const intake = history.body.events[0];
    for (const seen of [one.body, item, intake.fields]) {
      expect(seen.petitioner).toEqual({ name: WITHHELD, address: WITHHELD });
      expect(seen.petitioner.name).toBe('（不予公开）');
      expect(seen.representatives ?? []).toEqual([]);
      expect(seen.matter.details).toBeUndefined();
      expect(seen.matter.summary).toBe(ACCUSATION.matter.summary);
    }
    const accuserData = [...SECRETS, ACCUSATION.matter.details ?? ''];
    for (const res of [one, list, history]) expect(leaked(res.text, accuserData)).toEqual([]);

    // The accused unit's own command answers withhold them too.
    const ext = await send(accused, accusationId, { type: 'REQUEST_EXTENSION', duration: 'P10D', reason: '需调取收费票据' });
    expect(ext.body.petitioner).toEqual({ name: WITHHELD, address: WITHHELD });
    expect(leaked(ext.text, accuserData)).toEqual([]);

    // The county clerk sees the accusation in full.
    const clerkView = await call({ role: 'clerk' }, 'GET', `/petitions/${accusationId}`);
    expect(clerkView.body.petitioner).toEqual(ACCUSATION.petitioner);
    expect(clerkView.body.representatives).toEqual(ACCUSATION.representatives);
    expect(clerkView.body.matter.details).toBe(ACCUSATION.matter.details);
    const clerkHistory = await call({ role: 'clerk' }, 'GET', `/petitions/${accusationId}/history`);
    expect(clerkHistory.body.events[0].fields.petitioner).toEqual(ACCUSATION.petitioner);

    // A county handler (not in the accused unit) sees the accuser, masked like any other case.
    const county = await call({ role: 'handler' }, 'GET', `/petitions/${accusationId}`);
    expect(county.body.petitioner).toEqual(maskedPerson(ACCUSATION.petitioner));
    expect(county.body.matter.details).toBe(ACCUSATION.matter.details);
  });

  it('answers bad requests without echoing what was submitted', async () => {
    const before = await tdb.pool.query<{ n: number }>('select count(*)::int as n from cases');
    const id = ACCUSATION.petitioner.idNumber ?? '';
    const phone = ACCUSATION.petitioner.phone ?? '';
    const bad: [string, unknown][] = [
      // One digit too many: the raw ID number is inside the bad value.
      ['ID number too long', { ...ACCUSATION, petitioner: { ...ACCUSATION.petitioner, idNumber: `${id}0` } }],
      [
        'ID number with a letter',
        { ...ACCUSATION, petitioner: { ...ACCUSATION.petitioner, idNumber: `${id.slice(0, 10)}A${id.slice(11)}` } },
      ],
      ['phone as a URI', { ...ACCUSATION, petitioner: { ...ACCUSATION.petitioner, phone: `tel:${phone}` } }],
      ['phone as a number', { ...ACCUSATION, petitioner: { ...ACCUSATION.petitioner, phone: Number(phone) } }],
      ['name too long', { ...ACCUSATION, petitioner: { ...ACCUSATION.petitioner, name: ACCUSATION.petitioner.name.repeat(60) } }],
      [
        'name with a NUL character',
        { ...ACCUSATION, petitioner: { ...ACCUSATION.petitioner, name: `${ACCUSATION.petitioner.name}\u0000` } },
      ],
      ['an unknown field next to the data', { ...ACCUSATION, petitioner: { ...ACCUSATION.petitioner, wechat: phone } }],
      ['six representatives', { ...ACCUSATION, representatives: Array.from({ length: 6 }, () => ACCUSATION.representatives?.[0]) }],
      ['truncated JSON', JSON.stringify(ACCUSATION).slice(0, 120)],
      ['data where the channel goes', { ...ACCUSATION, channel: id }],
      ['data where the unit goes', { ...ACCUSATION, unit: phone }],
    ];
    for (const [what, payload] of bad) {
      const res = await call({ role: 'clerk' }, 'POST', '/petitions', payload);
      expect({ what, status: res.status, code: res.body?.error?.code }).toEqual({ what, status: 400, code: 'VALIDATION' });
      expect({ what, leaked: leaked(res.text) }).toEqual({ what, leaked: [] });
    }
    // A lone surrogate (not expressible through JSON.stringify of a well-formed string).
    const surrogate = JSON.stringify(ACCUSATION).replace(ACCUSATION.petitioner.name, `${ACCUSATION.petitioner.name}\\ud800`);
    const lone = await call({ role: 'clerk' }, 'POST', '/petitions', surrogate);
    expect(lone.status).toBe(400);
    expect(leaked(lone.text)).toEqual([]);
    // A bad command carrying personal data in its fields.
    const cmd = await call({ role: 'clerk' }, 'POST', `/petitions/${mainId}/events`, { type: 'VERIFY', note: `${id}\u0000${phone}` });
    expect(cmd.status).toBe(400);
    expect(leaked(cmd.text)).toEqual([]);
    const unknownType = await call({ role: 'clerk' }, 'POST', `/petitions/${mainId}/events`, { type: `CALL_${phone}` });
    expect(unknownType.status).toBe(400);
    expect(leaked(unknownType.text)).toEqual([]);
    expect((await tdb.pool.query<{ n: number }>('select count(*)::int as n from cases')).rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('runs the rest of a lifecycle with its errors (401, 403, 404, 409, 422) for the log search', async () => {
    const clerk = { role: 'clerk' as const };
    expect((await call(null, 'GET', `/petitions/${mainId}`)).status).toBe(401);
    expect(
      (await call({ role: 'auditor' }, 'POST', `/petitions/${mainId}/events`, { type: 'RESOLVE', outcome: 'support', opinion: '同意' }))
        .status,
    ).toBe(403);
    expect((await call(clerk, 'GET', `/petitions/${randomUUID()}`)).status).toBe(404);
    expect((await call({ role: 'clerk', unit: '411622' }, 'GET', `/petitions/${mainId}`)).status).toBe(404);
    expect((await call(clerk, 'POST', `/petitions/${randomUUID()}/events`, { type: 'VERIFY', note: MAIN.petitioner.name })).status).toBe(
      404,
    );
    expect((await call(clerk, 'POST', `/petitions/${mainId}/events`, { type: 'DELIVER', method: 'post' })).status).toBe(422);
    expect((await call(clerk, 'POST', `/petitions/${mainId}/events`, { type: 'DELIVER', method: 'post', expectedVersion: 1 })).status).toBe(
      409,
    );
    // 422 for a reused Idempotency-Key.
    const key = 'privacy-key-0001';
    expect((await call(clerk, 'POST', '/petitions', TIMED, { 'idempotency-key': key })).status).toBe(201);
    expect((await call(clerk, 'POST', '/petitions', MAIN, { 'idempotency-key': key })).status).toBe(422);

    // The escalated case back down, resolved, delivered, rated, reviewed and decided.
    const sup = { role: 'supervisor' as const };
    await send(sup, mainId, { type: 'APPROVE_EXTENSION' });
    await send(sup, mainId, { type: 'REASSIGN', unit: '411621', handler: 'handler-1', dueIn: 'P10D' });
    await send({ role: 'handler' }, mainId, { type: 'START_MEDIATION', level: 'village' });
    await send({ role: 'mediator' }, mainId, { type: 'RECORD_MEDIATION_SESSION', note: '村级调解' });
    await send({ role: 'mediator' }, mainId, { type: 'MEDIATION_AGREED', agreement: '双方以原界墙为界' });
    await send(clerk, mainId, { type: 'DELIVER', method: 'in-person' });
    await send(clerk, mainId, { type: 'RATE_SATISFACTION', body: 'satisfied', bureau: 'basically-satisfied' });
    await send(clerk, mainId, { type: 'REQUEST_REVIEW', reason: '申请复查' });
    await send(sup, mainId, { type: 'ASSIGN_LEADER', leader: '县信访局局长' });
    await send(sup, mainId, { type: 'RESOLVE', outcome: 'support', opinion: '复查维持调解协议' });
    const replay = await call({ role: 'auditor' }, 'GET', `/petitions/${mainId}/replay`);
    expect(replay.body).toMatchObject({ matchesStored: true, state: 'resolved' });
    expect(leaked(replay.text)).toEqual([]);
    const verify = await call({ role: 'auditor', unit: '411600' }, 'GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true });

    // Metric labels are route templates and codes: no case ids, no personal data.
    const metrics = await call({ role: 'auditor' }, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('route="/petitions/:id/events"');
    expect(leaked(metrics.text, [...SECRETS, mainId, accusationId])).toEqual([]);
  });

  it('keeps every 4xx message free of the submitted values', () => {
    expect(errorBodies.length).toBeGreaterThan(20);
    const found = errorBodies.filter((e) => leaked(e.body).length > 0).map((e) => ({ ...e, leaked: leaked(e.body) }));
    expect(found).toEqual([]);
    expect(errorBodies.filter((e) => e.status >= 500)).toEqual([]);
  });

  it('fires deadlines through Redis with ids only in the job data', async () => {
    runtime.startWorkers(timedEngine);
    const timed = await timedEngine.intake(TIMED, actor('clerk'));
    // The reminder (50%) and the breach (100%) of a one-second acceptance clock, then their notifications.
    const until = Date.now() + 30_000;
    for (;;) {
      const types = (
        await tdb.pool.query<{ type: string }>('select type from case_events where case_id = $1 order by seq', [timed.id])
      ).rows.map((r) => r.type);
      const notified = logLines.filter((l) => l.includes('"notification"') && l.includes(timed.id)).length;
      if (types.includes('DEADLINE_BREACHED') && notified >= 2) break;
      if (Date.now() > until) throw new Error(`the timed case did not breach and notify: ${types.join(', ')}; ${notified} notifications`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Commits arm only the timers due soon; the sweeper arms the others as they come near. Arm every pending
    // deadline the way the sweeper does, so the HTTP cases' timers are in Redis too.
    const pending = (await Promise.all((await listCaseIds(tdb.db)).map((id) => listDeadlines(tdb.db, id))))
      .flat()
      .filter((d) => d.status === 'pending');
    expect(pending.length).toBeGreaterThanOrEqual(3);
    await runtime.scheduler.arm(pending);
    await closeRuntime();

    const redis = new Redis(SHARED_REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
    const dump: { key: string; type: string; text: string }[] = [];
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}:*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          let values: unknown;
          if (type === 'hash') values = await redis.hgetall(key);
          else if (type === 'string') values = await redis.get(key);
          else if (type === 'zset') values = await redis.zrange(key, 0, -1, 'WITHSCORES');
          else if (type === 'list') values = await redis.lrange(key, 0, -1);
          else if (type === 'set') values = await redis.smembers(key);
          else if (type === 'stream') values = await redis.xrange(key, '-', '+');
          else values = `unexpected type ${type}`;
          dump.push({ key, type, text: `${key} ${JSON.stringify(values)}` });
        }
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }

    // Not vacuous: the pending timers of the HTTP cases (named by their deadline rows) and the notifications of
    // the timed case are there.
    expect(dump.length).toBeGreaterThan(5);
    const allText = dump.map((d) => d.text).join('\n');
    const accusationTimers = pending.filter((d) => d.caseId === accusationId).map((d) => deadlineJobId(d));
    expect(accusationTimers.length).toBeGreaterThan(0);
    for (const id of accusationTimers) expect(allText).toContain(id);
    expect(allText).toContain(timed.id);
    const jobs = dump.filter((d) => d.type === 'hash' && d.text.includes('"data"'));
    expect(jobs.length).toBeGreaterThan(2);
    const dataKeys = new Set<string>();
    for (const d of dump.filter((x) => x.type === 'hash')) {
      const raw = JSON.parse(d.text.slice(d.key.length + 1)) as Record<string, string>;
      if (raw.data === undefined) continue;
      for (const k of Object.keys(JSON.parse(raw.data) as object)) dataKeys.add(k);
    }
    // Job data names the case and the trail entry (notifications) or nothing (timers, named by their id): ids only.
    expect([...dataKeys].sort()).toEqual(expect.arrayContaining(['caseId']));
    for (const k of dataKeys) expect(['caseId', 'seq', 'state']).toContain(k);
    const found = dump.flatMap((d) => leaked(d.text).map((x) => `${x} in ${d.key}`));
    expect(found).toEqual([]);
  });

  it('answers raw malformed and oversized requests in the error shape, logging none of their bytes', async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const token = await tokenOf('clerk');
    const body = JSON.stringify(MAIN);
    const head = (extra: string) =>
      `POST /petitions HTTP/1.1\r\nHost: x\r\nAuthorization: ${token}\r\nContent-Type: application/json\r\n${extra}`;
    const raw = {
      // Headers over Node's 16 KB limit: the packet (token and body) used to be logged as a byte array.
      'oversized headers': `${head(`X-Pad: ${'a'.repeat(20_000)}\r\n`)}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      // A body longer than its Content-Length: the rest is parsed as a request, and is the body's bytes.
      'a body past its length': `${head('')}Content-Length: 2\r\n\r\n{}${body}`,
    };
    for (const [what, request] of Object.entries(raw)) {
      const answer = await rawExchange(port, request);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      expect({ what, error: status !== undefined && Number(status) >= 400 }).toEqual({ what, error: true });
      const errorBody = answer.slice(answer.lastIndexOf('\r\n\r\n') + 4);
      expect(JSON.parse(errorBody)).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      expect(leaked(answer)).toEqual([]);
    }
    expect(logLines.some((l) => l.includes('client error'))).toBe(true);
  });

  it('writes nothing personal to the log, whatever happened (every line, level trace)', () => {
    // Not vacuous: requests, errors and notifications were all logged.
    expect(logLines.length).toBeGreaterThan(50);
    expect(logLines.some((l) => l.includes('incoming request'))).toBe(true);
    expect(logLines.some((l) => l.includes('"statusCode":400'))).toBe(true);
    expect(logLines.some((l) => l.includes('deadline.breached'))).toBe(true);
    const found = logLines.flatMap((line, i) => leaked(searchableLogLine(line)).map((x) => `line ${i}: ${x} in ${line.slice(0, 300)}`));
    expect(found).toEqual([]);
    // Tokens are redacted too, decoded byte arrays included.
    expect(logLines.some((l) => /Bearer ey/i.test(searchableLogLine(l)))).toBe(false);
  });
});
