/**
 * The response check of the test server (tests/support/response-validation.ts) is on for every test
 * that uses it; here it is shown to catch responses that do not match the API description.
 */
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

describe('responses checked against the API description', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close().catch(() => undefined);
    server = undefined;
  });

  async function record(s: TestServer): Promise<string> {
    const res = await s.app.inject({
      method: 'POST',
      url: '/petitions',
      headers: { authorization: `Bearer ${await s.token('clerk')}` },
      payload: intakeBody(),
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  }

  it('passes a matching response and leaves no mismatch', async () => {
    server = await createTestServer('respcheck_ok');
    const id = await record(server);
    const res = await server.app.inject({ url: `/petitions/${id}`, headers: { authorization: `Bearer ${await server.token('handler')}` } });
    expect(res.statusCode).toBe(200);
    expect(server.mismatches).toEqual([]);
    await expect(server.close()).resolves.toBeUndefined();
    server = undefined;
  });

  it('turns a body missing a required field into a 500 and fails the closing of the server', async () => {
    server = await createTestServer('respcheck_body', {
      // Spoils the case view of GET /petitions/:id the way a route that forgot a field would.
      beforeResponseCheck: (app) =>
        app.addHook('onSend', async (request, _reply, payload) => {
          if (request.routeOptions.url !== '/petitions/:id' || typeof payload !== 'string') return payload;
          const { version: _version, ...rest } = JSON.parse(payload) as Record<string, unknown>;
          return JSON.stringify(rest);
        }),
    });
    const id = await record(server);
    const res = await server.app.inject({ url: `/petitions/${id}`, headers: { authorization: `Bearer ${await server.token('handler')}` } });
    expect(res.statusCode).toBe(500);
    expect(res.json<{ error: { message: string } }>().error.message).toMatch(/must have required property 'version'/);
    expect(server.mismatches).toHaveLength(1);
    await expect(server.close()).rejects.toThrow(/GET \/petitions\/.* → 200: .*version/);
    server = undefined;
  });

  it('catches a status the route does not declare, and an error outside the envelope', async () => {
    server = await createTestServer('respcheck_status', {
      beforeResponseCheck: (app) =>
        app.addHook('onSend', async (request, reply, payload) => {
          if (request.routeOptions.url === '/petitions' && request.method === 'GET') void reply.code(409);
          if (request.routeOptions.url === '/audit/verify') return JSON.stringify({ message: 'no envelope' });
          return payload;
        }),
    });
    const auditor = { authorization: `Bearer ${await server.token('auditor')}` };
    expect((await server.app.inject({ url: '/petitions', headers: auditor })).statusCode).toBe(500);
    expect((await server.app.inject({ url: '/audit/verify', headers: auditor })).statusCode).toBe(500);
    expect(server.mismatches.map((m) => m.problem)).toEqual([
      expect.stringMatching(/status 409 is not declared/),
      expect.stringMatching(/must have required property 'ok'/),
    ]);
  });
});
