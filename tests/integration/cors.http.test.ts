/** CORS: off by default; with `CORS_ORIGINS`, a listed origin's preflight is answered before authentication. */
import { createTestServer, type TestServer } from '../support/test-server';

const PORTAL = 'https://portal.fugou.example.gov.cn';

function preflight(server: TestServer, origin: string) {
  return server.app.inject({
    method: 'OPTIONS',
    url: '/petitions',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type,idempotency-key',
    },
  });
}

describe('with CORS_ORIGINS set', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer('cors_on', { corsOrigins: [PORTAL] });
  });
  afterAll(() => server.close());

  it('answers a listed origin’s preflight without a token', async () => {
    const res = await preflight(server, PORTAL);
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/POST/);
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toEqual(expect.stringContaining('authorization'));
  });

  it('lets the listed origin read answers, and does not name other origins', async () => {
    const auth = { authorization: `Bearer ${await server.token('clerk')}` };
    const listed = await server.app.inject({ url: '/petitions', headers: { ...auth, origin: PORTAL } });
    expect(listed.statusCode).toBe(200);
    expect(listed.headers['access-control-allow-origin']).toBe(PORTAL);
    const other = await preflight(server, 'https://elsewhere.example.com');
    expect(other.statusCode).not.toBe(401);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('without CORS_ORIGINS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer('cors_off');
  });
  afterAll(() => server.close());

  it('sends no CORS headers, and a preflight is not a 401', async () => {
    const res = await preflight(server, PORTAL);
    expect(res.statusCode).toBe(404);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
