/**
 * Signed checkpoints over HTTP: auditors list them (cursor-paged), auditors
 * and supervisors take one, and the newest is checked against the trail;
 * after an owner rewrites a covered entry the check fails, naming the case to
 * an auditor of its unit and not to one of another county.
 */
import { sql } from 'kysely';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

let s: TestServer;
const clock = fakeClock();

async function call(method: 'GET' | 'POST', url: string, role: HumanRole, unit = '411621') {
  const res = await s.app.inject({ method, url, headers: { authorization: `Bearer ${await s.token(role, unit)}` } });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
}

beforeAll(async () => {
  s = await createTestServer('checkpoint_http', clock.now);
  for (const unit of ['411621', '411622']) {
    const { id } = await s.engine.intake(intakeBody({ unit }), actor('clerk', unit));
    await s.engine.dispatch(id, { type: 'VERIFY' }, actor('clerk', unit));
  }
});
afterAll(async () => {
  await s.close();
});

describe('/audit/checkpoints', () => {
  it('answers null before any checkpoint, and refuses roles other than auditors and supervisors', async () => {
    expect(await call('GET', '/audit/checkpoints/latest/verify', 'auditor')).toEqual({ status: 200, body: { checkpoint: null } });
    expect((await call('POST', '/audit/checkpoints', 'clerk')).status).toBe(403);
    expect((await call('GET', '/audit/checkpoints', 'supervisor')).status).toBe(403);
  });

  it('takes checkpoints (auditor or supervisor), lists them newest first with a cursor, and the newest verifies', async () => {
    const first = await call('POST', '/audit/checkpoints', 'auditor');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ format: 'petitionflow-checkpoint/1', cases: 2, root: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(first.body).not.toHaveProperty('leaves');
    clock.advance(60_000);
    const second = await call('POST', '/audit/checkpoints', 'supervisor');
    expect(second.status).toBe(201);

    const page1 = await call('GET', '/audit/checkpoints?limit=1', 'auditor');
    expect(page1.body).toMatchObject({ items: [{ id: second.body.id }], nextCursor: expect.any(String) });
    const page2 = await call('GET', `/audit/checkpoints?limit=1&cursor=${String(page1.body.nextCursor)}`, 'auditor');
    expect(page2.body).toMatchObject({ items: [{ id: first.body.id }], nextCursor: null });
    expect((await call('GET', '/audit/checkpoints?cursor=bm90LWEtY3Vyc29y', 'auditor')).status).toBe(400);

    expect(await call('GET', '/audit/checkpoints/latest/verify', 'auditor')).toMatchObject({
      status: 200,
      body: { checkpoint: { ok: true, checkpointId: second.body.id, cases: 2, checked: 2 } },
    });
  });

  it('after an owner rewrite the newest checkpoint no longer verifies; the case is named only within the caller’s units', async () => {
    const { rows } = await s.tdb.ownerPool.query<{ id: string }>(`select id from cases where unit = '411622'`);
    const victim = rows[0]?.id ?? '';
    await s.tdb.ownerDb.transaction().execute(async (trx) => {
      await sql`alter table case_events disable trigger case_events_append_only`.execute(trx);
      await sql`update case_events set hash = decode(repeat('a', 64), 'hex') where case_id = ${victim} and seq = 2`.execute(trx);
      await sql`alter table case_events enable trigger case_events_append_only`.execute(trx);
    });
    expect(await call('GET', '/audit/checkpoints/latest/verify', 'auditor', '411622')).toMatchObject({
      body: { checkpoint: { ok: false, firstBroken: { caseId: victim, seq: 2 } } },
    });
    const elsewhere = await call('GET', '/audit/checkpoints/latest/verify', 'auditor', '411621');
    expect(elsewhere.body).toMatchObject({ checkpoint: { ok: false, problem: 'a case outside your units changed since this checkpoint' } });
    expect(JSON.stringify(elsewhere.body)).not.toContain(victim);
    // Nothing is signed over a broken trail.
    expect(await call('POST', '/audit/checkpoints', 'auditor')).toMatchObject({ status: 409, body: { error: { code: 'TRAIL_BROKEN' } } });
  });
});
