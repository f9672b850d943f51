import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('lifecycle');
});
afterAll(async () => {
  await s.close();
});

async function call(role: HumanRole, method: 'GET' | 'POST', url: string, payload?: unknown) {
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${await s.token(role)}` },
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json() };
}

async function send(id: string, role: HumanRole, event: Record<string, unknown>, expectState: string) {
  const res = await call(role, 'POST', `/petitions/${id}/events`, event);
  expect({ type: event.type, status: res.status, state: res.body.state }).toEqual({ type: event.type, status: 200, state: expectState });
  return res.body;
}

describe('the whole lifecycle over HTTP', () => {
  it('takes a petition through mediation, resolution, review (复查), re-review (复核) and finality (终结)', async () => {
    const created = await call('clerk', 'POST', '/petitions', intakeBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ state: 'received', version: 1, unit: '411621', channel: 'letter' });
    expect(created.body.allowedEvents).toEqual(expect.arrayContaining(['VERIFY', 'REJECT', 'REQUEST_INFO', 'MERGE']));
    const id = created.body.id as string;

    await send(id, 'clerk', { type: 'VERIFY', note: '身份经户籍核实', expectedVersion: 1 }, 'verified');
    await send(id, 'clerk', { type: 'ASSIGN', unit: '411621', handler: 'handler-1' }, 'assigned');
    await send(id, 'handler', { type: 'START_MEDIATION', level: 'village' }, 'mediated');
    await send(id, 'mediator', { type: 'RECORD_MEDIATION_SESSION', note: '村级调解第一次' }, 'mediated');
    await send(id, 'mediator', { type: 'MEDIATION_FAILED', reason: '双方未达成一致' }, 'assigned');
    await send(id, 'handler', { type: 'REQUEST_EXTENSION', duration: 'P20D', reason: '需补充调查' }, 'assigned');
    const extended = await send(id, 'supervisor', { type: 'APPROVE_EXTENSION' }, 'assigned');
    expect(extended.deadlines.find((d: { clock: string }) => d.clock === 'handling').extendedBy).toBe('P20D');
    await send(id, 'handler', { type: 'RESOLVE', outcome: 'explain', opinion: '依法作出解释说明' }, 'resolved');
    const delivered = await send(id, 'clerk', { type: 'DELIVER', method: 'in-person' }, 'resolved');
    expect(delivered.deadlines.map((d: { clock: string; status: string }) => `${d.clock}:${d.status}`)).toEqual(
      expect.arrayContaining(['reviewRequest:pending', 'satisfaction:pending', 'handling:met']),
    );
    await send(id, 'clerk', { type: 'RATE_SATISFACTION', body: 'basically-satisfied', bureau: 'satisfied' }, 'resolved');
    await send(id, 'clerk', { type: 'REQUEST_REVIEW', reason: '不服处理意见，申请复查' }, 'escalated');
    await send(id, 'supervisor', { type: 'ASSIGN_LEADER', leader: '县信访局局长' }, 'escalated');
    await send(id, 'supervisor', { type: 'RESOLVE', outcome: 'not-support', opinion: '复查维持原意见' }, 'resolved');
    await send(id, 'clerk', { type: 'DELIVER', method: 'post' }, 'resolved');
    await send(id, 'clerk', { type: 'REQUEST_REVIEW', reason: '申请复核' }, 'escalated');
    await send(id, 'supervisor', { type: 'PAUSE_CLOCK', clock: 'reReviewDecision', reason: '听证' }, 'escalated');
    await send(id, 'supervisor', { type: 'RESUME_CLOCK', clock: 'reReviewDecision' }, 'escalated');
    await send(id, 'supervisor', { type: 'RESOLVE', outcome: 'not-support', opinion: '复核维持' }, 'resolved');
    const closed = await send(id, 'clerk', { type: 'DELIVER', method: 'in-person' }, 'closed');
    expect(closed).toMatchObject({ closure: 'final', reviewStage: 2, leader: '县信访局局长', allowedEvents: [] });
    expect(closed.deadlines.every((d: { status: string }) => d.status !== 'pending' && d.status !== 'paused')).toBe(true);

    // 终结: no further review is accepted.
    const again = await call('clerk', 'POST', `/petitions/${id}/events`, { type: 'REQUEST_REVIEW', reason: '再次申请' });
    expect(again.status).toBe(422);
    expect(again.body.error).toMatchObject({ code: 'EVENT_NOT_ALLOWED', details: { state: 'closed', allowedEvents: [] } });

    const history = await call('auditor', 'GET', `/petitions/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.events).toHaveLength(closed.version);
    expect(history.body.events[0]).toMatchObject({ seq: 1, type: 'INTAKE', actor: { role: 'clerk' } });
    // The auditor sees identifiers masked the way the seed prints them.
    expect(history.body.events[0].fields.petitioner).toMatchObject({ idNumber: '41272119xxxxxx341X', phone: '1874926xxxx' });
    for (const [i, e] of (history.body.events as { seq: number; prevHash: string; hash: string }[]).entries()) {
      expect(e.seq).toBe(i + 1);
      if (i > 0) expect(e.prevHash).toBe(history.body.events[i - 1].hash);
    }

    const replay = await call('auditor', 'GET', `/petitions/${id}/replay`);
    expect(replay.body).toMatchObject({ matchesStored: true, state: 'closed' });
    expect(replay.body.steps).toHaveLength(closed.version);

    const verify = await call('auditor', 'GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, checked: closed.version });
  });

  it('answers with the documented errors', async () => {
    const created = await call('clerk', 'POST', '/petitions', intakeBody());
    expect({ status: created.status, error: created.body.error }).toEqual({ status: 201, error: undefined });
    const id = created.body.id as string;
    const denied = await call('auditor', 'POST', `/petitions/${id}/events`, { type: 'VERIFY' });
    expect(denied).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    const wrongState = await call('clerk', 'POST', `/petitions/${id}/events`, { type: 'DELIVER', method: 'post' });
    expect(wrongState.status).toBe(422);
    expect(wrongState.body.error.details.allowedEvents).toEqual(['VERIFY', 'REJECT', 'REQUEST_INFO', 'MERGE']);
    const stale = await call('clerk', 'POST', `/petitions/${id}/events`, { type: 'VERIFY', expectedVersion: 7 });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'VERSION_CONFLICT' } } });
    const missing = await call('clerk', 'GET', '/petitions/00000000-0000-4000-8000-000000000000');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    const otherCounty = await s.app.inject({
      method: 'GET',
      url: `/petitions/${id}`,
      headers: { authorization: `Bearer ${await s.token('clerk', '411622')}` },
    });
    expect(otherCounty.statusCode).toBe(404);
    const city = await s.app.inject({
      method: 'GET',
      url: `/petitions/${id}`,
      headers: { authorization: `Bearer ${await s.token('supervisor', '411600')}` },
    });
    expect(city.statusCode).toBe(200);
    const noToken = await s.app.inject({ method: 'GET', url: `/petitions/${id}` });
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json().error.code).toBe('UNAUTHORIZED');
  });

  it('lists cases newest first with a cursor, filtered by state and scoped to the caller', async () => {
    for (let i = 0; i < 3; i++)
      await call('clerk', 'POST', '/petitions', intakeBody({ matter: { category: 'wage', summary: `欠薪 ${i}` } }));
    const first = await call('supervisor', 'GET', '/petitions?limit=2&state=received');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call('supervisor', 'GET', `/petitions?limit=2&state=received&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.items, ...second.body.items].map((p: { id: string }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = [...first.body.items, ...second.body.items].map((p: { createdAt: string }) => p.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const elsewhere = await s.app.inject({
      method: 'GET',
      url: '/petitions',
      headers: { authorization: `Bearer ${await s.token('clerk', '411622')}` },
    });
    expect(elsewhere.json().items).toEqual([]);
  });

  it('serves probes, metrics and the OpenAPI description', async () => {
    expect((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await s.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready' });
    const metrics = await call('supervisor', 'GET', '/metrics').catch(() => undefined);
    expect(metrics).toBeUndefined(); // metrics are text, not JSON
    const text = await s.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${await s.token('supervisor')}` },
    });
    expect(text.body).toContain('petitionflow_http_request_duration_seconds');
    const openapi = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/petitions', '/petitions/{id}/events', '/audit/verify']));
  });
});
