import { DEFAULT_POLICY } from '../../config/default-policy';
import { createAuditService } from '../../engine/audit.service';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
const clock = fakeClock();

beforeAll(async () => {
  tdb = await createTestDatabase('engine');
});
afterAll(async () => {
  await tdb.drop();
});

function engine() {
  return createPetitionEngine({ db: tdb.db, policy: DEFAULT_POLICY, calendar: createChinaCalendar(), now: clock.now });
}

describe('petition engine', () => {
  it('runs a case from intake to resolution, writing the trail and deadlines in step', async () => {
    const e = engine();
    const created = await e.intake(intakeBody(), actor('clerk'));
    expect(created.state).toBe('received');
    expect(created.deadlines).toEqual([expect.objectContaining({ clock: 'acceptance', status: 'pending' })]);
    clock.advance(3600_000);
    const verified = await e.dispatch(created.id, { type: 'VERIFY' }, actor('clerk'), { expectedVersion: 1 });
    expect(verified.state).toBe('verified');
    expect(verified.version).toBe(2);
    expect(verified.deadlines.map((d) => [d.clock, d.status])).toEqual([
      ['acceptance', 'met'],
      ['handling', 'pending'],
    ]);
    const assigned = await e.dispatch(created.id, { type: 'ASSIGN', unit: '411621' }, actor('clerk'));
    expect(assigned.state).toBe('assigned');
    await expect(e.dispatch(created.id, { type: 'DELIVER', method: 'post' }, actor('clerk'))).rejects.toMatchObject({
      code: 'EVENT_NOT_ALLOWED',
    });
    await expect(e.dispatch(created.id, { type: 'VERIFY' }, actor('clerk'), { expectedVersion: 1 })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
    const resolved = await e.dispatch(created.id, { type: 'RESOLVE', outcome: 'support', opinion: '支持' }, actor('handler'));
    expect(resolved.state).toBe('resolved');
    const audit = createAuditService(tdb.db);
    const replay = await audit.replay(created.id);
    expect(replay.matchesStored).toBe(true);
    expect(replay.steps.map((s) => s.type)).toEqual(['INTAKE', 'VERIFY', 'ASSIGN', 'RESOLVE']);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true, checked: 4 });
  });
});
