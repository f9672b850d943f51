/**
 * The leaks a tester found by attacking the API (each test reproduces one
 * attack and failed before its fix): list cursors, tokens, scope of MERGE,
 * ASSIGN and REASSIGN, idempotent replays across actors, masking by digits,
 * headers and limits.
 */
import { SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import * as m0005 from '../../db/migrations/0005-idempotency-actor.migration';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, TEST_SECRET, type TestServer } from '../support/test-server';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here.
jest.setTimeout(60_000);

/** 扶沟县 and 项城市 (a county-level city) are both under 周口市 (411600). */
const FUGOU = '411621';
const XIANGCHENG = '411681';

type Body = Record<string, unknown>;

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('tester_findings');
});
afterAll(async () => {
  await s?.close();
});

async function call(
  role: HumanRole,
  unit: string,
  method: 'GET' | 'POST',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
  user = `${role}-1`,
) {
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${await s.token(role, unit, user)}`, ...headers },
    ...(payload !== undefined && { payload: payload as Body }),
  });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
}

async function intake(unit = FUGOU, overrides: Body = {}): Promise<string> {
  const res = await call('clerk', unit, 'POST', '/petitions', { ...intakeBody({ unit }), ...overrides });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

function cursorOf(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('a tampered list cursor', () => {
  it('is a 400 VALIDATION naming the cursor, never a 500, whatever it decodes to', async () => {
    await intake();
    await intake();
    const at = new Date().toISOString();
    const tampered = [
      cursorOf([at, '-'.repeat(36)]),
      cursorOf([at, 'gggggggg-gggg-gggg-gggg-gggggggggggg']),
      cursorOf([at, '00000000-0000-0000-0000-00000000000000']),
      cursorOf(['2026-13-45T99:99:99.000Z', '00000000-0000-4000-8000-000000000000']),
      cursorOf([at, '00000000-0000-4000-8000-000000000000', 'extra']),
      cursorOf({ 0: at, 1: '00000000-0000-4000-8000-000000000000' }),
      cursorOf(null),
      cursorOf([at]),
      cursorOf([12, '00000000-0000-4000-8000-000000000000']),
      'not base64 at all!',
    ];
    for (const cursor of tampered) {
      const res = await call('clerk', FUGOU, 'GET', `/petitions?limit=1&cursor=${encodeURIComponent(cursor)}`);
      expect({ cursor, status: res.status, code: res.body.error?.code }).toEqual({ cursor, status: 400, code: 'VALIDATION' });
      expect(res.body.error.details.issues[0].path).toEqual(['cursor']);
    }
  });

  it('still pages with the cursors the API hands out', async () => {
    const first = await call('clerk', FUGOU, 'GET', '/petitions?limit=1');
    expect(first.status).toBe(200);
    const next = await call('clerk', FUGOU, 'GET', `/petitions?limit=1&cursor=${first.body.nextCursor as string}`);
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});

describe('bearer tokens', () => {
  /** A token signed with the server's own secret, with `exp` and `iat` set (seconds) or left out. */
  async function forged(times: { iat?: number; exp?: number }): Promise<string> {
    let jwt = new SignJWT({ role: 'clerk', unit: FUGOU })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('clerk-1')
      .setIssuer('petitionflow');
    if (times.iat !== undefined) jwt = jwt.setIssuedAt(times.iat);
    if (times.exp !== undefined) jwt = jwt.setExpirationTime(times.exp);
    return jwt.sign(new TextEncoder().encode(TEST_SECRET));
  }

  async function list(authorization: string) {
    const res = await s.app.inject({ method: 'GET', url: '/petitions?limit=1', headers: { authorization } });
    return { status: res.statusCode, code: res.json<{ error?: { code: string } }>().error?.code };
  }

  it('refuses a token without exp, without iat, or living longer than TOKEN_MAX_LIFETIME (12 h by default)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const refused = {
      'no exp (never expires)': await forged({ iat: now }),
      'no iat': await forged({ exp: now + 3600 }),
      'exp - iat over 12 h': await forged({ iat: now, exp: now + 12 * 3600 + 1 }),
      'a year': await forged({ iat: now - 60, exp: now + 365 * 86400 }),
    };
    for (const [why, token] of Object.entries(refused)) {
      expect({ why, ...(await list(`Bearer ${token}`)) }).toEqual({ why, status: 401, code: 'UNAUTHORIZED' });
    }
    expect(await list(`Bearer ${await forged({ iat: now, exp: now + 12 * 3600 })}`)).toEqual({ status: 200, code: undefined });
  });

  it('takes the scheme name in any letter case (RFC 7235), and nothing else as a scheme', async () => {
    const token = await s.token('clerk', FUGOU);
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      expect({ scheme, ...(await list(`${scheme} ${token}`)) }).toEqual({ scheme, status: 200, code: undefined });
    }
    for (const header of [`Basic ${token}`, `Bearer${token}`, token, 'Bearer ']) {
      expect(await list(header)).toEqual({ status: 401, code: 'UNAUTHORIZED' });
    }
  });
});

/** Sends a command and returns status and body. */
async function send(role: HumanRole, unit: string, id: string, event: Body) {
  return call(role, unit, 'POST', `/petitions/${id}/events`, event);
}

async function versionOf(id: string): Promise<number> {
  const r = await s.tdb.pool.query<{ version: number }>('select version from cases where id = $1', [id]);
  return r.rows[0]?.version ?? -1;
}

describe('ASSIGN and REASSIGN', () => {
  it('refuse (403) a unit outside the sender’s subtree: a county clerk cannot hand a case to another county, which would then read it', async () => {
    const id = await intake(FUGOU);
    expect((await send('clerk', FUGOU, id, { type: 'VERIFY' })).status).toBe(200);
    for (const unit of [XIANGCHENG, '411600', '410000']) {
      const res = await send('clerk', FUGOU, id, { type: 'ASSIGN', unit, handler: 'h' });
      expect({ unit, status: res.status, code: res.body.error?.code }).toEqual({ unit, status: 403, code: 'FORBIDDEN' });
      expect(res.body.error.message).toMatch(/outside/);
    }
    expect(await versionOf(id)).toBe(2);
    // The other county never got to see it.
    expect((await call('clerk', XIANGCHENG, 'GET', `/petitions/${id}`)).status).toBe(404);
    // The refusal is kept like any other.
    const refusals = await s.tdb.pool.query('select code from refused_attempts where case_id = $1', [id]);
    expect(refusals.rows).toEqual([{ code: 'FORBIDDEN' }, { code: 'FORBIDDEN' }, { code: 'FORBIDDEN' }]);
    // Inside the subtree (the county itself, a township of it) it goes through.
    const ok = await send('clerk', FUGOU, id, { type: 'ASSIGN', unit: '411621206', handler: 'h' });
    expect({ status: ok.status, state: ok.body.state }).toEqual({ status: 200, state: 'assigned' });
  });

  it('let a city supervisor reassign between its counties, and refuse a county supervisor', async () => {
    const id = await intake(FUGOU);
    await send('clerk', FUGOU, id, { type: 'VERIFY' });
    await send('clerk', FUGOU, id, { type: 'ASSIGN', unit: FUGOU, handler: 'h' });
    expect((await send('supervisor', FUGOU, id, { type: 'ESCALATE', reason: '督办', dueIn: 'P10D' })).status).toBe(200);
    const county = await send('supervisor', FUGOU, id, { type: 'REASSIGN', unit: XIANGCHENG, handler: 'h', dueIn: 'P20D' });
    expect({ status: county.status, code: county.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    const city = await send('supervisor', '411600', id, { type: 'REASSIGN', unit: XIANGCHENG, handler: 'h', dueIn: 'P20D' });
    expect({ status: city.status, assignee: city.body.assignee }).toEqual({ status: 200, assignee: { unit: XIANGCHENG, handler: 'h' } });
  });
});

describe('MERGE into a case outside the caller’s units', () => {
  it('is answered exactly as a merge into a case that does not exist, and changes nothing', async () => {
    const other = await intake(XIANGCHENG);
    const id = await intake(FUGOU);
    const hidden = await send('clerk', FUGOU, id, { type: 'MERGE', intoCaseId: other });
    const missing = await send('clerk', FUGOU, id, { type: 'MERGE', intoCaseId: '7f9c2ba4-e88f-4d6b-9c1c-3e1e2f2a9b11' });
    expect(missing.status).toBe(400);
    expect({ status: hidden.status, body: hidden.body }).toEqual({ status: missing.status, body: missing.body });
    expect(await versionOf(id)).toBe(1);
    // A case in the caller's units still merges.
    const own = await intake(FUGOU);
    expect((await send('clerk', FUGOU, id, { type: 'MERGE', intoCaseId: own })).status).toBe(200);
  });
});

describe('identifiers at intake and on read', () => {
  it('are normalised at intake, so a masked role never sees more digits than the last-4 rule allows', async () => {
    const body = intakeBody({
      petitioner: { name: '张某', idNumber: '4127 2119 9001 0134 1x', phone: '13511112222    ', address: '扶沟县曹里乡' },
      representatives: [{ name: '李某', phone: '1391234 5 6 7 8' }],
    });
    const created = await call('clerk', FUGOU, 'POST', '/petitions', body);
    expect(created.status).toBe(201);
    expect(created.body.petitioner).toMatchObject({ idNumber: '41272119900101341X', phone: '13511112222' });
    expect(created.body.representatives[0].phone).toBe('13912345678');
    const seen = await call('handler', FUGOU, 'GET', `/petitions/${created.body.id as string}`);
    expect(seen.body.petitioner).toMatchObject({ idNumber: '41272119xxxxxx341X', phone: '1351111xxxx' });
    expect(seen.body.representatives[0].phone).toBe('1391234xxxx');
  });

  it('refuses an ID number whose GB 11643 check character is wrong: 400 naming the field, nothing recorded', async () => {
    const before = await s.tdb.pool.query<{ n: number }>('select count(*)::int as n from cases');
    const res = await call('clerk', FUGOU, 'POST', '/petitions', {
      ...intakeBody(),
      petitioner: { name: '张某', idNumber: '412721199001013411', address: '扶沟县' },
    });
    expect({ status: res.status, code: res.body.error.code }).toEqual({ status: 400, code: 'VALIDATION' });
    expect(res.body.error.details.issues.map((i: { path: unknown }) => i.path)).toEqual([['petitioner', 'idNumber']]);
    expect(JSON.stringify(res.body)).not.toContain('412721199001013411');
    expect((await s.tdb.pool.query<{ n: number }>('select count(*)::int as n from cases')).rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('masks an older case stored with separators by its digits', async () => {
    const id = await intake(FUGOU);
    // As recorded before intake normalised identifiers: in the intake entry, which the case row's snapshot is read with.
    await s.tdb.ownerPool.query(`alter table case_events disable trigger case_events_append_only`);
    await s.tdb.ownerPool.query(
      `update case_events set fields = jsonb_set(jsonb_set(fields, '{petitioner,phone}', '"1391234 5 6 7 8"'),
         '{petitioner,idNumber}', '"4127 2119 9001 0134 1X    "') where case_id = $1 and seq = 1`,
      [id],
    );
    await s.tdb.ownerPool.query(`alter table case_events enable trigger case_events_append_only`);
    for (const role of ['handler', 'supervisor', 'auditor'] as const) {
      const seen = await call(role, FUGOU, 'GET', `/petitions/${id}`);
      expect({ role, ...seen.body.petitioner }).toMatchObject({ role, idNumber: '41272119xxxxxx341X', phone: '1391234xxxx' });
    }
  });
});

describe('an Idempotency-Key replay', () => {
  const KEY = { 'idempotency-key': 'retry-key-0001' };

  it('never answers another actor with the same user id: another county’s clerk-1 gets a 404, not the first caller’s unmasked view', async () => {
    const id = await intake(FUGOU);
    const first = await call('clerk', FUGOU, 'POST', `/petitions/${id}/events`, { type: 'VERIFY' }, KEY);
    expect(first.status).toBe(200);
    expect(first.body.petitioner.idNumber).toBe('41272119900101341X');
    const other = await call('clerk', XIANGCHENG, 'POST', `/petitions/${id}/events`, { type: 'VERIFY' }, KEY);
    expect({ status: other.status, code: other.body.error?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(JSON.stringify(other.body)).not.toContain('41272119900101341X');
    // The first caller's retry is still answered from the store.
    expect(await call('clerk', FUGOU, 'POST', `/petitions/${id}/events`, { type: 'VERIFY' }, KEY)).toMatchObject({
      status: 200,
      body: first.body,
    });
  });

  it('never answers the same user id under another role: the role is checked, not the stored clerk view replayed', async () => {
    const id = await intake(FUGOU);
    const first = await call('clerk', FUGOU, 'POST', `/petitions/${id}/events`, { type: 'VERIFY' }, KEY, 'u-42');
    expect(first.status).toBe(200);
    const asHandler = await call('handler', FUGOU, 'POST', `/petitions/${id}/events`, { type: 'VERIFY' }, KEY, 'u-42');
    expect({ status: asHandler.status, code: asHandler.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(JSON.stringify(asHandler.body)).not.toContain('41272119900101341X');
  });

  it('checks the case is still in the caller’s units before answering from the store', async () => {
    const id = await intake(FUGOU);
    await send('clerk', FUGOU, id, { type: 'VERIFY' });
    await send('clerk', FUGOU, id, { type: 'ASSIGN', unit: '411621206', handler: 'h' });
    const object = { type: 'OBJECT', reason: '不属于本乡职责' };
    const first = await call('handler', '411621206', 'POST', `/petitions/${id}/events`, object, KEY);
    expect({ status: first.status, state: first.body.state }).toEqual({ status: 200, state: 'verified' });
    // Back with the county, the case stays visible to the township it passed through: the retry gets the first answer
    // (stored before the township stopped acting on it).
    const again = await call('handler', '411621206', 'POST', `/petitions/${id}/events`, object, KEY);
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: first.body });
    // Once the township is no longer among the case's units (an owner's correction), a retry does not show it.
    await s.tdb.ownerDb.deleteFrom('case_units').where('case_id', '=', id).where('unit', '=', '411621206').execute();
    const retry = await call('handler', '411621206', 'POST', `/petitions/${id}/events`, object, KEY);
    expect({ status: retry.status, code: retry.body.error?.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
  });

  it('answers a masked role’s retry masked, exactly as the first time', async () => {
    const id = await intake(FUGOU);
    await send('clerk', FUGOU, id, { type: 'VERIFY' });
    const assign = { type: 'ASSIGN', unit: FUGOU, handler: 'h' };
    const first = await call('supervisor', FUGOU, 'POST', `/petitions/${id}/events`, assign, KEY);
    expect(first.body.petitioner).toMatchObject({ idNumber: '41272119xxxxxx341X', phone: '1874926xxxx' });
    const retry = await call('supervisor', FUGOU, 'POST', `/petitions/${id}/events`, assign, KEY);
    expect(retry).toMatchObject({ status: 200, body: first.body });
  });
});

describe('migration 0005 (keys bound to the whole actor)', () => {
  async function keyColumns(): Promise<string[]> {
    const r = await s.tdb.pool.query<{ column_name: string }>(
      `select a.attname as column_name from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = 'idempotency_keys'::regclass and i.indisprimary order by a.attname`,
    );
    return r.rows.map((row) => row.column_name);
  }

  it('goes down to keys per user id and up again', async () => {
    expect(await keyColumns()).toEqual(['actor_id', 'actor_role', 'actor_unit', 'key']);
    await m0005.down(s.tdb.ownerDb as unknown as Kysely<unknown>); // schema changes are the owner role's
    expect(await keyColumns()).toEqual(['actor_id', 'key']);
    await m0005.up(s.tdb.ownerDb as unknown as Kysely<unknown>);
    expect(await keyColumns()).toEqual(['actor_id', 'actor_role', 'actor_unit', 'key']);
  });
});
