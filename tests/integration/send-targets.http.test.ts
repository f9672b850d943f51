/**
 * GET /petitions/:id/targets, the units a 转送, 交办 or 改派 may name now (the
 * console's unit picker), and the display names a case's trail carries: the
 * picker offers exactly the units the command itself is taken for, scoped and
 * refused like every case read.
 */
import { createAccountService } from '../../engine/account.service';
import { createV3Server, TEST_TREE, U, v3Intake, type V3Server } from '../support/v3-http-fixtures';

jest.setTimeout(60_000);

let v: V3Server;

beforeAll(async () => {
  v = await createV3Server('send_targets');
  const accounts = createAccountService(v.s.tdb.db);
  await accounts.create(
    { id: 'clerk-1', displayName: '周敏', role: 'clerk', unit: U.bureau, password: 'long enough password' },
    'operator',
  );
  await accounts.create(
    { id: 'leader-1', displayName: '刘洋', role: 'leader', unit: U.county, password: 'long enough password' },
    'operator',
  );
});

afterAll(async () => {
  await v?.s.close();
});

const targets = (id: string, event: string, role: Parameters<V3Server['call']>[0] = 'clerk', unit: string = U.bureau) =>
  v.call(role, unit, 'GET', `/petitions/${id}/targets?event=${event}`);

describe('GET /petitions/:id/targets', () => {
  it('offers a bureau clerk the units of its county, and the engine takes each offered unit and refuses every other', async () => {
    const id = (await v.intake()).body.id as string;
    const answer = await targets(id, 'TRANSFER');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ event: 'TRANSFER', field: 'toUnit', units: [U.county, U.bureau, U.body, U.otherBody, U.accused] });
    for (const unit of TEST_TREE.map((u) => u.code).filter((code) => !answer.body.units.includes(code))) {
      const refused = await v.attempt(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: unit });
      expect({ unit, status: refused.status }).toEqual({ unit, status: 403 });
    }
    await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.otherBody }, 'transferred');
  });

  it('leaves out the accused unit of an accusation (Arts 30, 46)', async () => {
    const body = v3Intake({ class: 'accusation', matter: { category: 'land', summary: '举报村干部', accusedUnit: U.accused } });
    const id = (await v.intake(body)).body.id as string;
    const answer = await targets(id, 'TRANSFER');
    expect(answer.status).toBe(200);
    expect(answer.body.units).toContain(U.body);
    expect(answer.body.units).not.toContain(U.accused);
    expect((await v.attempt(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.accused })).status).toBe(422);
  });

  it('answers ASSIGN for a supervisor, 422 with the allowed events for a clerk, 400 for an event that sends nothing', async () => {
    const id = (await v.intake()).body.id as string;
    const assign = await targets(id, 'ASSIGN', 'supervisor');
    expect(assign.status).toBe(200);
    expect(assign.body.units).toContain(U.body);

    const clerk = await targets(id, 'ASSIGN');
    expect(clerk.status).toBe(422);
    expect(clerk.body.error.code).toBe('EVENT_NOT_ALLOWED');
    expect(clerk.body.error.details.allowedEvents).toContain('TRANSFER');

    await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
    const accept = await targets(id, 'ACCEPT', 'handler', U.body);
    expect(accept.status).toBe(400);
    expect(accept.body.error.details.issues[0].path).toEqual(['event']);
    // Once transferred, the bureau sends it on no more by TRANSFER: the machine's state decides.
    expect((await targets(id, 'TRANSFER')).status).toBe(422);
  });

  it('is a case read: 404 outside the viewer’s units, 403 for an administrator, 401 without a token', async () => {
    const id = (await v.intake()).body.id as string;
    expect((await targets(id, 'TRANSFER', 'clerk', U.otherBody)).status).toBe(404);
    expect((await targets(id, 'TRANSFER', 'admin', U.county)).status).toBe(403);
    const anonymous = await v.s.app.inject({ method: 'GET', url: `/petitions/${id}/targets?event=TRANSFER` });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('GET /petitions/:id/history', () => {
  it('names the people of the trail who have accounts: actors and a 包案 leader, never the deadline workers', async () => {
    const id = (await v.intake()).body.id as string;
    await v.send(id, 'leader', U.county, { type: 'ASSIGN_LEADER', leader: 'leader-1' }, 'registered');
    const history = await v.call('auditor', U.county, 'GET', `/petitions/${id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.names).toEqual({ 'clerk-1': '周敏', 'leader-1': '刘洋' });
  });
});
