import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

let s: TestServer;
let clerk: string;
let caseId: string;

beforeAll(async () => {
  s = await createTestServer('badinput');
  clerk = `Bearer ${await s.token('clerk')}`;
  const res = await s.app.inject({ method: 'POST', url: '/petitions', headers: { authorization: clerk }, payload: intakeBody() });
  caseId = res.json().id;
});
afterAll(async () => {
  await s.close();
});

async function counts() {
  const [cases, events, deadlines] = await Promise.all(
    ['cases', 'case_events', 'deadlines'].map(async (t) =>
      Number((await s.tdb.pool.query(`select count(*)::int as n from ${t}`)).rows[0].n),
    ),
  );
  return { cases, events, deadlines };
}

type Issue = { path: (string | number)[]; message: string };

async function expect400(url: string, payload: string | object, paths: (string | number)[][]) {
  const before = await counts();
  const res = await s.app.inject({
    method: 'POST',
    url,
    headers: { authorization: clerk, 'content-type': 'application/json' },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  expect(res.statusCode).toBe(400);
  const body = res.json();
  expect(body.error.code).toBe('VALIDATION');
  const got = (body.error.details.issues as Issue[]).map((i) => i.path);
  for (const p of paths) expect(got).toContainEqual(p);
  expect(await counts()).toEqual(before);
}

describe('bad input is a 400 naming the fields, and writes nothing', () => {
  it('refuses an intake with missing fields', async () => {
    const { petitioner: _p, ...noPetitioner } = intakeBody();
    await expect400('/petitions', noPetitioner, [['petitioner']]);
    await expect400('/petitions', { ...intakeBody(), matter: { category: 'land' } }, [['matter', 'summary']]);
  });

  it('refuses wrong types', async () => {
    await expect400('/petitions', { ...intakeBody(), channel: 'pigeon' }, [['channel']]);
    await expect400('/petitions', { ...intakeBody(), unit: 411621 }, [['unit']]);
    await expect400('/petitions', { ...intakeBody(), petitioner: { ...intakeBody().petitioner, idNumber: '12345' } }, [
      ['petitioner', 'idNumber'],
    ]);
  });

  it('refuses six representatives for a group visit (Art 20)', async () => {
    const reps = Array.from({ length: 6 }, (_, i) => ({ name: `代表${i + 1}` }));
    await expect400('/petitions', { ...intakeBody({ channel: 'visit' }), representatives: reps }, [['representatives']]);
  });

  it('refuses a 200 KB summary', async () => {
    await expect400('/petitions', { ...intakeBody(), matter: { category: 'land', summary: '访'.repeat((200 * 1024) / 3) } }, [
      ['matter', 'summary'],
    ]);
  });

  it('refuses a body that is not an object', async () => {
    await expect400('/petitions', '[1,2,3]', [[]]);
    await expect400('/petitions', '"a string"', [[]]);
    await expect400(`/petitions/${caseId}/events`, '42', [[]]);
  });

  it('refuses malformed JSON', async () => {
    await expect400('/petitions', '{"channel": ', [[]]);
  });

  it('refuses an unknown event type and a command missing its fields', async () => {
    await expect400(`/petitions/${caseId}/events`, { type: 'DEADLINE_BREACHED', clock: 'handling', generation: 1, onBreach: 'escalate' }, [
      ['type'],
    ]);
    await expect400(`/petitions/${caseId}/events`, { type: 'FLY_TO_MOON' }, [['type']]);
    await expect400(`/petitions/${caseId}/events`, { type: 'REJECT', reason: '诉讼类' }, [['route']]);
    await expect400(`/petitions/${caseId}/events`, { type: 'VERIFY', expectedVersion: 'one' }, [['expectedVersion']]);
  });

  it('refuses an extension longer than the policy allows (Art 34)', async () => {
    const res = await s.app.inject({ method: 'GET', url: `/petitions/${caseId}`, headers: { authorization: clerk } });
    expect(res.json().state).toBe('received');
    await expect400(`/petitions/${caseId}/events`, { type: 'REQUEST_EXTENSION', duration: 'one month', reason: 'x' }, [['duration']]);
  });

  it('refuses a body that is not JSON with 415 UNSUPPORTED_MEDIA_TYPE, its own code', async () => {
    const res = await s.app.inject({
      method: 'POST',
      url: '/petitions',
      headers: { authorization: clerk, 'content-type': 'application/xml' },
      payload: '<petition/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('accepts query booleans as true/false or 1/0, nothing else', async () => {
    for (const overdue of ['true', 'false', '1', '0']) {
      const res = await s.app.inject({ method: 'GET', url: `/petitions?overdue=${overdue}`, headers: { authorization: clerk } });
      expect({ overdue, status: res.statusCode }).toEqual({ overdue, status: 200 });
    }
    const res = await s.app.inject({ method: 'GET', url: '/petitions?overdue=yes', headers: { authorization: clerk } });
    expect(res.statusCode).toBe(400);
  });
});
