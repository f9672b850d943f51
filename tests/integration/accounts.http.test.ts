/**
 * Accounts over HTTP: signing in with a password (cookie flags, wrong
 * passwords, disabled and locked accounts, rate limits), sessions listed and
 * ended, user administration scoped to the administrator's subtree, and an
 * administrator who sees no case by any route.
 */
import type { LightMyRequestResponse } from 'fastify';
import { DEFAULT_API_LIMITS, DEFAULT_SESSION_SETTINGS } from '../../config/load-config';
import { createAccountService } from '../../engine/account.service';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, TEST_LIMITS, type TestServer } from '../support/test-server';

const PASSWORD = 'correct horse battery';
const CONSOLE = { 'x-petitionflow-console': '1' };

let s: TestServer;
let clock = new Date('2026-12-01T01:00:00Z');

beforeAll(async () => {
  s = await createTestServer('accounts_http', {
    now: () => clock,
    sessions: { ...DEFAULT_SESSION_SETTINGS, maxFailures: 3, lockout: 'PT15M', idleTimeout: 'PT30M' },
  });
  await s.tdb.db
    .insertInto('units')
    .values([
      { code: '411600', name: '周口市', level: 'city', parent_code: null },
      { code: '411621', name: '扶沟县', level: 'county', parent_code: '411600' },
    ])
    .execute();
  const accounts = createAccountService(s.tdb.db);
  const add = (id: string, role: HumanRole, unit: string, displayName = id) =>
    accounts.create({ id, displayName, role, unit, password: PASSWORD }, 'operator');
  await add('zhou', 'clerk', '411621', '周敏');
  await add('wang', 'handler', '411621', '王强');
  await add('li', 'handler', '411621101', '李娟');
  await add('xihua-handler', 'handler', '411622', '西华承办');
  await add('fugou-admin', 'admin', '411621', '马超');
  await add('city-admin', 'admin', '411600');
  for (const id of ['victim', 'locked', 'revoker', 'idler']) await add(id, 'clerk', '411621');
}, 60_000);

afterAll(async () => {
  await s?.close();
});

function signIn(name: string, password = PASSWORD, headers: Record<string, string> = CONSOLE): Promise<LightMyRequestResponse> {
  return s.app.inject({ method: 'POST', url: '/sessions', headers, payload: { name, password } });
}

/** The cookie header that sends back what a sign-in set. */
function cookieOf(res: LightMyRequestResponse): string {
  const set = String(res.headers['set-cookie']);
  return set.split(';')[0] ?? '';
}

async function session(name: string): Promise<string> {
  const res = await signIn(name);
  expect(res.statusCode).toBe(201);
  return cookieOf(res);
}

function asCookie(
  cookie: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
  headers: Record<string, string> = CONSOLE,
) {
  return s.app.inject({ method, url, headers: { cookie, ...headers }, ...(payload !== undefined && { payload }) });
}

describe('signing in', () => {
  it('answers the profile and sets an HttpOnly, SameSite=Strict session cookie that works as a credential', async () => {
    const res = await signIn('zhou');
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      user: { id: 'zhou', displayName: '周敏', role: 'clerk', unit: '411621', unitName: '扶沟县' },
      session: { current: true },
    });
    const set = String(res.headers['set-cookie']);
    expect(set).toMatch(/^pf_session=[A-Za-z0-9_-]{43}; /);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/');
    // Plain HTTP here: a Secure cookie would never come back.
    expect(set).not.toContain('Secure');
    expect(res.body).not.toContain(cookieOf(res).split('=')[1]);

    const cookie = cookieOf(res);
    const list = await asCookie(cookie, 'GET', '/petitions');
    expect(list.statusCode).toBe(200);
    const me = await asCookie(cookie, 'GET', '/sessions/current');
    expect(me.json()).toMatchObject({ user: { id: 'zhou', displayName: '周敏' }, session: { current: true } });
  });

  it('stores only a hash of the session secret', async () => {
    const cookie = await session('zhou');
    const secret = cookie.split('=')[1] ?? '';
    const rows = await s.tdb.db.selectFrom('sessions').select('secret_hash').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.secret_hash).not.toContain(secret);
  });

  it('refuses a wrong password and an unknown name alike', async () => {
    const wrong = await signIn('zhou', 'not the password');
    const unknown = await signIn('nobody', PASSWORD);
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'UNAUTHORIZED', message: 'wrong sign-in name or password', details: { reason: 'credentials' } },
      });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('needs the console header, so another site cannot sign a browser in', async () => {
    const res = await signIn('zhou', PASSWORD, {});
    expect(res.statusCode).toBe(403);
  });

  it('refuses a change made with the cookie but without the console header (CSRF)', async () => {
    const cookie = await session('zhou');
    const bare = await asCookie(cookie, 'POST', '/petitions', intakeBody({ unit: '411621' }), {});
    expect(bare.statusCode).toBe(403);
    expect(bare.json<{ error: { message: string } }>().error.message).toContain('x-petitionflow-console');
    const withHeader = await asCookie(cookie, 'POST', '/petitions', intakeBody({ unit: '411621' }));
    expect(withHeader.statusCode).toBe(201);
    const history = await s.app.inject({
      method: 'GET',
      url: `/petitions/${withHeader.json<{ id: string }>().id}/history`,
      headers: { cookie },
    });
    expect(history.json<{ events: { actor: { id: string } }[] }>().events[0]?.actor.id).toBe('zhou');
  });

  it('locks an account after repeated failures, telling only the right password, and unlocks after the lockout', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('locked', 'wrong password')).statusCode).toBe(401);
    const right = await signIn('locked');
    expect(right.statusCode).toBe(401);
    expect(right.json()).toMatchObject({ error: { details: { reason: 'locked', lockedUntil: '2026-12-01T01:15:00.000Z' } } });
    // A guesser sees nothing new while the lock runs, and does not extend it.
    expect((await signIn('locked', 'still wrong')).json()).toMatchObject({ error: { details: { reason: 'credentials' } } });
    const saved = clock;
    clock = new Date(saved.getTime() + 16 * 60_000);
    try {
      expect((await signIn('locked')).statusCode).toBe(201);
    } finally {
      clock = saved;
    }
  });
});

describe('rate limits on sign-in', () => {
  it('limits attempts per name and per address', async () => {
    const limited = await createTestServer('accounts_limits', { limits: { ...TEST_LIMITS, signInPerName: 2, signInPerAddress: 3 } });
    try {
      const attempt = (name: string, ip: string) =>
        limited.app.inject({
          method: 'POST',
          url: '/sessions',
          headers: CONSOLE,
          remoteAddress: ip,
          payload: { name, password: 'guess-guess' },
        });
      expect((await attempt('target', '10.0.0.1')).statusCode).toBe(401);
      expect((await attempt('TARGET', '10.0.0.2')).statusCode).toBe(401);
      // A third guess at one name, from a third address: the name's limit.
      const byName = await attempt('target', '10.0.0.3');
      expect(byName.statusCode).toBe(429);
      expect(byName.headers['retry-after']).toBeDefined();
      // One address guessing many names: the address's limit.
      for (const name of ['a1', 'a2', 'a3']) expect((await attempt(name, '10.0.0.9')).statusCode).toBe(401);
      expect((await attempt('a4', '10.0.0.9')).statusCode).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it('keeps the defaults documented', () => {
    expect(DEFAULT_API_LIMITS).toMatchObject({ signInPerAddress: 30, signInPerName: 10 });
    expect(DEFAULT_SESSION_SETTINGS).toMatchObject({ maxFailures: 5, lockout: 'PT15M' });
  });
});

describe('sessions', () => {
  it('signs out: the cookie is cleared and the session ends', async () => {
    const cookie = await session('zhou');
    const out = await asCookie(cookie, 'DELETE', '/sessions/current');
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/^pf_session=; .*Max-Age=0/);
    expect((await asCookie(cookie, 'GET', '/petitions')).statusCode).toBe(401);
  });

  it('lists the user’s own sessions and revokes one left open elsewhere', async () => {
    const here = await session('revoker');
    const there = await session('revoker');
    const list = await asCookie(here, 'GET', '/sessions');
    const items = list.json<{ items: { id: string; current: boolean; userAgent: string | null }[] }>().items;
    expect(items).toHaveLength(2);
    expect(items.filter((i) => i.current)).toHaveLength(1);
    const other = items.find((i) => !i.current);
    if (other === undefined) throw new Error('no other session');
    // Someone else's session id is not theirs to revoke, nor told apart from none.
    const foreign = await asCookie(await session('zhou'), 'DELETE', `/sessions/${other.id}`);
    expect(foreign.statusCode).toBe(404);
    expect((await asCookie(there, 'GET', '/petitions')).statusCode).toBe(200);
    expect((await asCookie(here, 'DELETE', `/sessions/${other.id}`)).statusCode).toBe(204);
    expect((await asCookie(there, 'GET', '/petitions')).statusCode).toBe(401);
    expect((await asCookie(here, 'GET', '/petitions')).statusCode).toBe(200);
  });

  it('ends a session left idle past the idle timeout', async () => {
    const cookie = await session('idler');
    const saved = clock;
    clock = new Date(saved.getTime() + 31 * 60_000);
    try {
      expect((await asCookie(cookie, 'GET', '/petitions')).statusCode).toBe(401);
    } finally {
      clock = saved;
    }
  });

  it('refuses a disabled user at once: the live session, a new sign-in and a bearer token', async () => {
    const cookie = await session('victim');
    const token = await s.token('clerk', '411621', 'victim');
    expect((await asCookie(cookie, 'GET', '/petitions')).statusCode).toBe(200);
    const admin = await session('fugou-admin');
    const disable = await asCookie(admin, 'PATCH', '/users/victim', { disabled: true });
    expect(disable.statusCode).toBe(200);
    expect(disable.json()).toMatchObject({ id: 'victim', disabled: true });
    expect((await asCookie(cookie, 'GET', '/petitions')).statusCode).toBe(401);
    expect((await s.app.inject({ method: 'GET', url: '/petitions', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const again = await signIn('victim');
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: { details: { reason: 'disabled' } } });
    // Only the right password learns that the account is disabled.
    expect((await signIn('victim', 'wrong password')).json()).toMatchObject({ error: { details: { reason: 'credentials' } } });

    expect((await asCookie(admin, 'PATCH', '/users/victim', { disabled: false })).statusCode).toBe(200);
    expect((await signIn('victim')).statusCode).toBe(201);
  });

  it('a password reset ends the user’s sessions and the new password works', async () => {
    const admin = await session('fugou-admin');
    const old = await session('wang');
    const reset = await asCookie(admin, 'PATCH', '/users/wang', { password: 'a brand new password' });
    expect(reset.statusCode).toBe(200);
    expect((await asCookie(old, 'GET', '/petitions')).statusCode).toBe(401);
    expect((await signIn('wang')).statusCode).toBe(401);
    expect((await signIn('wang', 'a brand new password')).statusCode).toBe(201);
    expect((await asCookie(admin, 'PATCH', '/users/wang', { password: PASSWORD })).statusCode).toBe(200);
  });
});

describe('an administrator', () => {
  it('sees no case by any route, by session or by token', async () => {
    const caseId = (
      await s.app.inject({
        method: 'POST',
        url: '/petitions',
        headers: { authorization: `Bearer ${await s.token('clerk')}` },
        payload: intakeBody({ unit: '411621' }),
      })
    ).json<{ id: string }>().id;
    const cookie = await session('fugou-admin');
    const token = await s.token('admin', '411621', 'fugou-admin');
    const routes: ['GET' | 'POST', string, object?][] = [
      ['GET', '/petitions'],
      ['GET', `/petitions/${caseId}`],
      ['GET', `/petitions/${caseId}/history`],
      ['GET', `/petitions/${caseId}/history?format=csv`],
      ['GET', `/petitions/${caseId}/replay`],
      ['POST', `/petitions/${caseId}/events`, { type: 'VERIFY' }],
      ['POST', '/petitions', intakeBody({ unit: '411621' })],
      ['GET', '/supervision'],
      ['GET', '/incidents'],
      ['GET', '/audit/verify'],
      ['GET', '/audit/checkpoints'],
      ['GET', '/metrics'],
      ['GET', '/no-such-route'],
    ];
    for (const [method, url, payload] of routes) {
      for (const headers of [{ cookie, ...CONSOLE }, { authorization: `Bearer ${token}` }]) {
        const res = await s.app.inject({ method, url, headers, ...(payload !== undefined && { payload }) });
        expect({ method, url, status: res.statusCode }).toEqual({ method, url, status: 403 });
        expect(res.body).not.toContain('张');
      }
    }
    // What an administrator is for still works.
    expect((await asCookie(cookie, 'GET', '/users')).statusCode).toBe(200);
    expect((await asCookie(cookie, 'GET', '/sessions/current')).json()).toMatchObject({ user: { role: 'admin', displayName: '马超' } });
  });

  it('manages the accounts of their own subtree only', async () => {
    const admin = await session('fugou-admin');
    const list = (await asCookie(admin, 'GET', '/users')).json<{ items: { id: string; unit: string; disabled: boolean }[] }>().items;
    const ids = list.map((u) => u.id);
    expect(ids).toEqual(expect.arrayContaining(['zhou', 'wang', 'li', 'fugou-admin']));
    expect(ids).not.toContain('xihua-handler');
    expect(ids).not.toContain('city-admin');
    expect(list.every((u) => typeof u.disabled === 'boolean')).toBe(true);
    expect(JSON.stringify(list)).not.toMatch(/scrypt|password/);

    const create = (unit: string, id: string) =>
      asCookie(admin, 'POST', '/users', { id, displayName: '新同事', role: 'handler', unit, password: 'long enough password' });
    expect((await create('411621101', 'new-township')).statusCode).toBe(201);
    expect((await create('411622', 'new-xihua')).statusCode).toBe(403);
    expect((await create('411621', 'zhou')).statusCode).toBe(400);
    expect((await asCookie(admin, 'PATCH', '/users/xihua-handler', { disabled: true })).statusCode).toBe(404);
    expect((await asCookie(admin, 'PATCH', '/users/zhou', { unit: '411622' })).statusCode).toBe(403);
    expect((await asCookie(admin, 'PATCH', '/users/fugou-admin', { disabled: true })).statusCode).toBe(400);

    const cityAdmin = await session('city-admin');
    expect((await asCookie(cityAdmin, 'PATCH', '/users/xihua-handler', { displayName: '西华县承办人' })).json()).toMatchObject({
      displayName: '西华县承办人',
    });
  });

  it('is the only role that administers accounts; others list names and roles in their own units', async () => {
    const clerk = await session('zhou');
    expect(
      (
        await asCookie(clerk, 'POST', '/users', {
          id: 'x-1',
          displayName: 'x',
          role: 'clerk',
          unit: '411621',
          password: 'long enough password',
        })
      ).statusCode,
    ).toBe(403);
    expect((await asCookie(clerk, 'PATCH', '/users/wang', { disabled: true })).statusCode).toBe(403);
    const handlers = (await asCookie(clerk, 'GET', '/users?role=handler')).json<{ items: Record<string, unknown>[] }>().items;
    expect(handlers.map((u) => u.id).sort()).toEqual(['li', 'new-township', 'wang'].sort());
    for (const u of handlers) expect(Object.keys(u).sort()).toEqual(['displayName', 'id', 'role', 'unit']);
    const ofUnit = (await asCookie(clerk, 'GET', '/users?unit=411621101')).json<{ items: { id: string }[] }>().items;
    expect(ofUnit.map((u) => u.id).sort()).toEqual(['li', 'new-township']);
  });
});
