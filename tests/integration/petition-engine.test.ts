import { DEFAULT_POLICY } from '../../config/default-policy';
import { createAuditService } from '../../engine/audit.service';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { fireTimer } from '../support/fire-timer';

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

describe('timers through the same dispatch path', () => {
  it('fires reminders then the breach (督办) as the system, once each, and ignores stale generations', async () => {
    const e = engine();
    const created = await e.intake(intakeBody(), actor('clerk'));
    const acceptance = created.deadlines[0];
    expect(acceptance?.reminders).toHaveLength(3);
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 1)).toBe('early');
    clock.set(acceptance?.reminders[0] ?? '');
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 1)).toBe('reminded');
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 1)).toBe('early');
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 2)).toBe('stale');
    expect(await fireTimer(e, tdb.db, created.id, 'handling', 1)).toBe('stale');
    clock.set(acceptance?.dueAt ?? '');
    // Two reminders are overdue as well: each fires once, in order, before the breach.
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 1)).toBe('reminded');
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 1)).toBe('reminded');
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 1)).toBe('breached');
    // A second delivery of the same breach has no second effect.
    expect(await fireTimer(e, tdb.db, created.id, 'acceptance', 1)).toBe('stale');
    const rows = await tdb.db
      .selectFrom('case_events')
      .select(['type', 'actor_role'])
      .where('case_id', '=', created.id)
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => `${r.type}/${r.actor_role}`)).toEqual([
      'INTAKE/clerk',
      'DEADLINE_REMINDER/system',
      'DEADLINE_REMINDER/system',
      'DEADLINE_REMINDER/system',
      'DEADLINE_BREACHED/system',
    ]);
    const deadline = await tdb.db
      .selectFrom('deadlines')
      .select(['clock', 'status', 'reminders_sent', 'next_fire_at'])
      .where('case_id', '=', created.id)
      .execute();
    expect(deadline).toEqual([{ clock: 'acceptance', status: 'breached', reminders_sent: 3, next_fire_at: null }]);
    const reassigned = await e.dispatch(created.id, { type: 'REASSIGN', unit: '411621', dueIn: 'P7D' }, actor('supervisor', '411600'));
    expect(reassigned.state).toBe('assigned');
    expect(reassigned.listed).toBe(true);
    expect(reassigned.deadlines.map((d) => `${d.clock}:${d.status}`)).toEqual(
      expect.arrayContaining(['acceptance:breached', 'handling:pending', 'objection:pending', 'supervision:pending']),
    );
    expect(await createAuditService(tdb.db).replay(created.id)).toMatchObject({ matchesStored: true });
  });

  it('pauses and resumes a clock, shifting its due time by the paused span (Art 35 hearings)', async () => {
    const e = engine();
    const created = await e.intake(intakeBody(), actor('clerk'));
    const due0 = new Date(created.deadlines[0]?.dueAt ?? '').getTime();
    await e.dispatch(created.id, { type: 'REQUEST_INFO', note: '请补充联系方式' }, actor('clerk'));
    clock.advance(3 * 86400_000);
    const resumed = await e.dispatch(created.id, { type: 'PROVIDE_INFO', note: '已补充' }, actor('clerk'));
    const d = resumed.deadlines[0];
    expect(d?.status).toBe('pending');
    expect(new Date(d?.dueAt ?? '').getTime() - due0).toBe(3 * 86400_000);
  });
});
