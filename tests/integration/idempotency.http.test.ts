/**
 * Idempotency-Key on `POST /petitions` and `POST /petitions/:id/events`: a
 * retried request gets the first response and writes nothing a second time,
 * concurrent retries included; a key reused with a different request is
 * refused; keys belong to one user; a request that failed stores no key.
 */
import { randomBytes } from 'node:crypto';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here.
jest.setTimeout(60_000);

let s: TestServer;

beforeAll(async () => {
  s = await createTestServer('idempotency');
});
afterAll(async () => {
  await s?.close();
});

/** A fresh key of the allowed form (8 to 128 of `A-Za-z0-9._~-`). */
function newKey(): string {
  return `key-${randomBytes(8).toString('hex')}`;
}

interface Sent {
  readonly status: number;
  readonly body: Record<string, unknown> & { id?: string; version?: number; error?: { code: string; message: string } };
}

async function post(url: string, payload: unknown, opts: { key?: string; role?: HumanRole; user?: string } = {}): Promise<Sent> {
  const role = opts.role ?? 'clerk';
  const token = await s.token(role, '411621', opts.user ?? `${role}-1`);
  const res = await s.app.inject({
    method: 'POST',
    url,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(opts.key !== undefined && { 'idempotency-key': opts.key }),
    },
    payload: JSON.stringify(payload),
  });
  return { status: res.statusCode, body: res.json() };
}

async function count(table: 'cases' | 'case_events' | 'idempotency_keys', where = 'true', params: unknown[] = []): Promise<number> {
  const r = await s.tdb.pool.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params);
  return r.rows[0]?.n ?? -1;
}

async function eventsOf(caseId: string, type: string): Promise<number> {
  return count('case_events', 'case_id = $1 and type = $2', [caseId, type]);
}

/** A new case in `received`, recorded without a key. */
async function newCase(summary = '宅基地纠纷，请求确权'): Promise<string> {
  const res = await post('/petitions', intakeBody({ matter: { category: 'land', summary } }));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('Idempotency-Key', () => {
  it('answers a retried intake with the first response and records one case', async () => {
    const key = newKey();
    const body = intakeBody({ matter: { category: 'land', summary: '重试的登记' } });
    const casesBefore = await count('cases');
    const first = await post('/petitions', body, { key });
    const retry = await post('/petitions', body, { key });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.body).toEqual(first.body);
    expect(await count('cases')).toBe(casesBefore + 1);
    expect(await count('case_events', 'case_id = $1', [first.body.id])).toBe(1);
  });

  it('answers a retried command with the first response and writes one trail entry', async () => {
    const id = await newCase();
    const key = newKey();
    const first = await post(`/petitions/${id}/events`, { type: 'VERIFY', note: '已核实', expectedVersion: 1 }, { key });
    const retry = await post(`/petitions/${id}/events`, { type: 'VERIFY', note: '已核实', expectedVersion: 1 }, { key });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(2);
    expect(retry.body).toEqual(first.body);
    expect(await eventsOf(id, 'VERIFY')).toBe(1);
    expect(await count('case_events', 'case_id = $1', [id])).toBe(2);
  });

  it('lets 10 concurrent intakes with one key record exactly one case, all answered alike', async () => {
    const key = newKey();
    const body = intakeBody({ matter: { category: 'land', summary: '并发登记' } });
    const casesBefore = await count('cases');
    const all = await Promise.all(Array.from({ length: 10 }, () => post('/petitions', body, { key })));
    expect(all.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 201));
    for (const r of all) expect(r.body).toEqual(all[0]?.body);
    expect(await count('cases')).toBe(casesBefore + 1);
    expect(await count('idempotency_keys', 'key = $1', [key])).toBe(1);
  });

  it('lets 10 concurrent commands with one key write exactly one event, all answered alike', async () => {
    const id = await newCase('并发受理');
    const key = newKey();
    const all = await Promise.all(
      Array.from({ length: 10 }, () => post(`/petitions/${id}/events`, { type: 'VERIFY', note: '并发受理' }, { key })),
    );
    const summary = all.map((r) => `${r.status} ${r.body.error?.code ?? `v${r.body.version}`}`);
    expect(summary).toEqual(Array.from({ length: 10 }, () => '200 v2'));
    for (const r of all) expect(r.body).toEqual(all[0]?.body);
    expect(await eventsOf(id, 'VERIFY')).toBe(1);
  });

  it('lets 10 concurrent commands with one key and an expectedVersion write one event, all answered alike', async () => {
    const id = await newCase('并发受理（带版本）');
    const key = newKey();
    const all = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(`/petitions/${id}/events`, { type: 'REQUEST_INFO', note: '请补充材料', expectedVersion: 1 }, { key }),
      ),
    );
    const summary = all.map((r) => `${r.status} ${r.body.error?.code ?? `v${r.body.version}`}`);
    expect(summary).toEqual(Array.from({ length: 10 }, () => '200 v2'));
    for (const r of all) expect(r.body).toEqual(all[0]?.body);
    expect(await eventsOf(id, 'REQUEST_INFO')).toBe(1);
  });

  it('lets 10 concurrent repeatable commands with one key write exactly one event', async () => {
    // RECORD_MEDIATION_SESSION may be sent any number of times, so only the key keeps it to one.
    const id = await newCase('并发调解记录');
    await post(`/petitions/${id}/events`, { type: 'VERIFY' });
    await post(`/petitions/${id}/events`, { type: 'ASSIGN', unit: '411621', handler: 'handler-1' });
    expect((await post(`/petitions/${id}/events`, { type: 'START_MEDIATION', level: 'village' }, { role: 'handler' })).status).toBe(200);
    const key = newKey();
    const all = await Promise.all(
      Array.from({ length: 10 }, () =>
        post(`/petitions/${id}/events`, { type: 'RECORD_MEDIATION_SESSION', note: '第一次调解' }, { key, role: 'mediator' }),
      ),
    );
    expect(all.map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 200));
    for (const r of all) expect(r.body).toEqual(all[0]?.body);
    expect(await eventsOf(id, 'RECORD_MEDIATION_SESSION')).toBe(1);
  });

  it('refuses a key reused with a different body: 422 IDEMPOTENCY_KEY_REUSED, nothing written', async () => {
    const key = newKey();
    const first = await post('/petitions', intakeBody({ matter: { category: 'land', summary: '第一次' } }), { key });
    expect(first.status).toBe(201);
    const casesBefore = await count('cases');
    const other = await post('/petitions', intakeBody({ matter: { category: 'land', summary: '换了内容' } }), { key });
    expect(other.status).toBe(422);
    expect(other.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await count('cases')).toBe(casesBefore);

    // The same key on another route is another request too.
    const id = first.body.id as string;
    const onEvent = await post(`/petitions/${id}/events`, { type: 'VERIFY' }, { key });
    expect(onEvent.status).toBe(422);
    expect(onEvent.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await count('case_events', 'case_id = $1', [id])).toBe(1);

    // And on a command: the same key with other fields.
    const k2 = newKey();
    expect((await post(`/petitions/${id}/events`, { type: 'VERIFY', note: '甲' }, { key: k2 })).status).toBe(200);
    const changed = await post(`/petitions/${id}/events`, { type: 'VERIFY', note: '乙' }, { key: k2 });
    expect(changed.status).toBe(422);
    expect(changed.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await eventsOf(id, 'VERIFY')).toBe(1);
  });

  it('keeps keys per user: another user may use the same key string independently', async () => {
    const key = newKey();
    const mine = await post('/petitions', intakeBody({ matter: { category: 'land', summary: '甲的登记' } }), { key, user: 'clerk-a' });
    const theirs = await post('/petitions', intakeBody({ matter: { category: 'water', summary: '乙的登记' } }), { key, user: 'clerk-b' });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await count('idempotency_keys', 'key = $1', [key])).toBe(2);
    // Each user's retry still gets that user's own first response.
    const mineAgain = await post('/petitions', intakeBody({ matter: { category: 'land', summary: '甲的登记' } }), { key, user: 'clerk-a' });
    const theirsAgain = await post('/petitions', intakeBody({ matter: { category: 'water', summary: '乙的登记' } }), {
      key,
      user: 'clerk-b',
    });
    expect(mineAgain.body.id).toBe(mine.body.id);
    expect(theirsAgain.body.id).toBe(theirs.body.id);
  });

  it('stores no key for a request that failed, so a corrected retry with the same key succeeds', async () => {
    const id = await newCase('先错后对');
    const key = newKey();
    const wrong = await post(`/petitions/${id}/events`, { type: 'DELIVER', method: 'post' }, { key });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
    expect(await count('idempotency_keys', 'key = $1', [key])).toBe(0);

    const stale = await post(`/petitions/${id}/events`, { type: 'VERIFY', expectedVersion: 7 }, { key });
    expect(stale.status).toBe(409);
    expect(await count('idempotency_keys', 'key = $1', [key])).toBe(0);

    const corrected = await post(`/petitions/${id}/events`, { type: 'VERIFY', expectedVersion: 1 }, { key });
    expect(corrected.status).toBe(200);
    expect(corrected.body.version).toBe(2);
    expect(await count('idempotency_keys', 'key = $1', [key])).toBe(1);
    // From now on the key belongs to the VERIFY: the old, wrong request is a different one.
    const old = await post(`/petitions/${id}/events`, { type: 'DELIVER', method: 'post' }, { key });
    expect(old.status).toBe(422);
    expect(old.body.error).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });

    // An intake refused for its body (400) stores nothing either.
    const k2 = newKey();
    const bad = await post('/petitions', { ...intakeBody(), channel: 'pigeon' }, { key: k2 });
    expect(bad.status).toBe(400);
    const good = await post('/petitions', intakeBody(), { key: k2 });
    expect(good.status).toBe(201);
  });

  it('refuses a malformed key with a 400 and writes nothing', async () => {
    const casesBefore = await count('cases');
    for (const key of ['short', 'has space in it', 'x'.repeat(129), 'ключ-ключ-ключ']) {
      const res = await s.app.inject({
        method: 'POST',
        url: '/petitions',
        headers: { authorization: `Bearer ${await s.token('clerk')}`, 'content-type': 'application/json', 'idempotency-key': key },
        payload: JSON.stringify(intakeBody()),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
    }
    expect(await count('cases')).toBe(casesBefore);
  });
});
