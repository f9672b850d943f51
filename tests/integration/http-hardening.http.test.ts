/**
 * Headers and limits: nosniff everywhere, no-store on every response that
 * may carry personal data (JSON and CSV), a CSP on `/docs`, static-file
 * refusals in the error shape, no query strings in logged URLs, per-user
 * and per-address rate limits on writes (429 RATE_LIMITED), and a rate limit
 * plus a scope cap on `/audit/verify`.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { signToken } from '../../api/auth';
import { buildServer } from '../../api/server';
import { DEFAULT_API_LIMITS, type ApiLimits } from '../../config/load-config';
import { V2_POLICY } from '../support/test-server';
import { createAuditService } from '../../engine/audit.service';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { TEST_SECRET } from '../support/test-server';
import { testCheckpoints } from '../support/test-server';

jest.setTimeout(60_000);

const logLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  },
});

const LIMITS: ApiLimits = {
  ...DEFAULT_API_LIMITS,
  rateLimitWindow: 'PT1M',
  writesPerUser: 3,
  writesPerAddress: 5,
  auditVerifyPerUser: 2,
  auditVerifyMaxCases: 3,
};

let tdb: TestDatabase;
let app: FastifyInstance;

beforeAll(async () => {
  tdb = await createTestDatabase('http_hardening');
  const engine = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar: createChinaCalendar() });
  app = await buildServer({
    engine,
    audit: createAuditService(tdb.db),
    checkpoints: testCheckpoints(tdb.db),
    db: tdb.db,
    authSecret: TEST_SECRET,
    logger: pino({ level: 'trace' }, sink),
    readiness: async () => ({ database: true }),
    limits: LIMITS,
  });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

async function auth(role: HumanRole, unit = '411621', user = `${role}-1`): Promise<string> {
  return `Bearer ${await signToken(TEST_SECRET, { sub: user, role, unit })}`;
}

async function get(url: string, authorization?: string) {
  return app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
}

async function intake(authorization: string, address = '10.0.0.1', unit = '411621') {
  return app.inject({
    method: 'POST',
    url: '/petitions',
    remoteAddress: address,
    headers: { authorization },
    payload: intakeBody({ unit }),
  });
}

describe('headers', () => {
  it('sends nosniff on every response, and no-store on every response that may carry personal data', async () => {
    const clerk = await auth('clerk');
    const created = await intake(clerk, '10.0.0.9');
    expect(created.statusCode).toBe(201);
    const id = created.json<{ id: string }>().id;
    const personal = [
      created,
      await get(`/petitions/${id}`, clerk),
      await get('/petitions', clerk),
      await get(`/petitions/${id}/history`, clerk),
      await get(`/petitions/${id}/history?format=csv`, await auth('auditor')),
      await get('/supervision', await auth('supervisor')),
      await get(`/petitions/${id}`),
      await get('/petitions/00000000-0000-4000-8000-000000000000', clerk),
    ];
    for (const res of personal) {
      expect({ url: res.raw.req.url, nosniff: res.headers['x-content-type-options'], cache: res.headers['cache-control'] }).toEqual({
        url: res.raw.req.url,
        nosniff: 'nosniff',
        cache: 'no-store',
      });
    }
    for (const res of [
      await get('/healthz'),
      await get('/console/'),
      await get('/docs/'),
      await get('/openapi.json'),
      await get('/no-such-route'),
    ]) {
      expect({ url: res.raw.req.url, nosniff: res.headers['x-content-type-options'] }).toEqual({
        url: res.raw.req.url,
        nosniff: 'nosniff',
      });
    }
  });

  it('puts a Content-Security-Policy on /docs (no inline scripts, not framed) and keeps the console’s', async () => {
    const docs = await get('/docs/');
    const csp = String(docs.headers['content-security-policy'] ?? '');
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(String((await get('/docs/static/index.html')).headers['content-security-policy'] ?? '')).toBe(csp);
    expect(String((await get('/console/')).headers['content-security-policy'])).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
  });

  it('serves the console its Chinese font from the installed package, and nothing else of that package', async () => {
    const css = await get('/console/vendor/noto-sans-sc/400.css');
    expect({ status: css.statusCode, type: css.headers['content-type'] }).toEqual({
      status: 200,
      type: expect.stringMatching(/^text\/css/),
    });
    const slices = [...css.body.matchAll(/url\(\.\/(files\/[^)]+\.woff2)\)/g)].map((m) => m[1]);
    expect(slices.length).toBeGreaterThan(50);
    const slice = await get(`/console/vendor/noto-sans-sc/${slices[0]}`);
    expect({ status: slice.statusCode, type: slice.headers['content-type'], bytes: slice.rawPayload.length > 1000 }).toEqual({
      status: 200,
      type: 'font/woff2',
      bytes: true,
    });
    for (const url of [
      '/console/vendor/noto-sans-sc/package.json',
      '/console/vendor/noto-sans-sc/300.css',
      '/console/vendor/noto-sans-sc/README.md',
    ]) {
      expect({ url, status: (await get(url)).statusCode }).toEqual({ url, status: 404 });
    }
  });

  it('answers static-file refusals in the error shape', async () => {
    for (const url of ['/console/no-such-file.js', '/console/.env', '/console/%2e%2e/package.json', '/docs/static/no-such-file.js']) {
      const res = await get(url);
      expect({ url, status: res.statusCode >= 400 && res.statusCode < 500 }).toEqual({ url, status: true });
      const body = res.json<{ error?: { code?: unknown; message?: unknown } }>();
      expect({ url, code: typeof body.error?.code, message: typeof body.error?.message }).toEqual({
        url,
        code: 'string',
        message: 'string',
      });
      expect(res.body).not.toMatch(/package\.json|\.env/);
    }
    // @fastify/static refuses a NUL in the path with a 403: a FORBIDDEN, not a 400 whose message says "Forbidden".
    const nul = await get('/console/%00');
    expect({ status: nul.statusCode, body: nul.json() }).toEqual({
      status: 403,
      body: { error: { code: 'FORBIDDEN', message: expect.any(String) } },
    });
  });

  it('logs URLs without their query strings', async () => {
    logLines.length = 0;
    const marker = 'q-marker-13511112222';
    await get(`/petitions?limit=1&cursor=${marker}`, await auth('clerk'));
    expect(logLines.some((l) => l.includes('incoming request') && l.includes('"/petitions"'))).toBe(true);
    expect(logLines.filter((l) => l.includes(marker))).toEqual([]);
  });
});

describe('rate limits', () => {
  it('limit writes per user (the whole actor) with a 429 RATE_LIMITED in the error shape and a Retry-After', async () => {
    const a = await auth('clerk', '411621', 'rl-user');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await intake(a, `10.1.0.${i}`)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await intake(a, '10.1.0.9');
    expect(refused.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.any(String) } });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['x-content-type-options']).toBe('nosniff');
    // Another county's user with the same id is another actor; reads are not limited.
    expect((await intake(await auth('clerk', '411622', 'rl-user'), '10.1.0.10', '411622')).statusCode).toBe(201);
    expect((await get('/petitions', a)).statusCode).toBe(200);
  });

  it('limit writes per address, whoever sends them, tokens or not', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await intake(await auth('clerk', '411621', `addr-user-${i}`), '10.2.0.1')).statusCode);
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const anonymous = await app.inject({ method: 'POST', url: '/petitions', remoteAddress: '10.2.0.1', payload: {} });
    expect(anonymous.statusCode).toBe(429);
    expect((await intake(await auth('clerk', '411621', 'addr-user-x'), '10.2.0.2')).statusCode).toBe(201);
  });

  it('limit /audit/verify per user, and verify a scope holding more cases than the cap in the background (202, a run to poll)', async () => {
    const county = await auth('auditor', '411621', 'verify-user');
    const first = await get('/audit/verify', county);
    expect(first.statusCode).toBe(202);
    const run = first.json<{ id: string; status: string; progress: { totalCases: number } }>();
    expect(first.headers.location).toBe(`/audit/verify-runs/${run.id}`);
    expect(run).toMatchObject({ status: 'running', mode: 'fast', unit: '411621' });
    expect(run.progress.totalCases).toBeGreaterThan(3);
    const polled = async (): Promise<{ status: string; result?: unknown }> => (await get(`/audit/verify-runs/${run.id}`, county)).json();
    for (let i = 0; i < 100 && (await polled()).status === 'running'; i += 1) await new Promise((r) => setTimeout(r, 50));
    expect(await polled()).toMatchObject({ status: 'done', result: { ok: true, cases: run.progress.totalCases } });
    const township = await get('/audit/verify?unit=411621206', county);
    expect(township.statusCode).toBe(200);
    const third = await get('/audit/verify?unit=411621206', county);
    expect({ status: third.statusCode, code: third.json<{ error: { code: string } }>().error.code }).toEqual({
      status: 429,
      code: 'RATE_LIMITED',
    });
    expect((await get('/audit/verify?unit=411621206', await auth('auditor', '411621', 'verify-user-2'))).statusCode).toBe(200);
  });
});
