/**
 * The version 3 upgrade: a bureau held on version 2 by its policy records
 * cases under v2; the policy then lets new cases start under v3 (the
 * default). The v2 cases continue and replay under v2's rules, the new case
 * runs under v3, and the whole trail verifies. A major or urgent intake is
 * reported up the line at once (Art 25).
 */
import { DEFAULT_POLICY } from '../../config/default-policy';
import type { Policy } from '../../config/policy.schema';
import { listEvents } from '../../db/case-event.repository';
import { createAuditService } from '../../engine/audit.service';
import { createNotificationSource } from '../../engine/notification-source.service';
import { createPetitionEngine, type CommittedChange, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { createUnitDirectory, type UnitDirectory } from '../../engine/unit-directory.service';
import { createUnitService } from '../../engine/unit.service';
import { TEST_TREE, U, v3Intake } from '../support/v3-http-fixtures';

jest.setTimeout(60_000);

let tdb: TestDatabase;
let units: UnitDirectory;
const clock = fakeClock();
const committed: CommittedChange[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('v3_upgrade');
  units = createUnitDirectory(tdb.db);
  await createUnitService(tdb.db, units).importUnits(TEST_TREE);
});
afterAll(async () => {
  await tdb?.drop();
});

/** An engine under `policy`, over the suites' unit tree, keeping every committed change. */
function engine(policy: Policy): PetitionEngine {
  return createPetitionEngine({
    db: tdb.db,
    policy,
    calendar: createChinaCalendar(),
    now: clock.now,
    units,
    onCommitted: (change) => {
      committed.push(change);
    },
  });
}

const held: Policy = { ...DEFAULT_POLICY, machineVersion: 2 };
const clerk = actor('clerk', U.bureau);
const supervisor = actor('supervisor', U.bureau);
const handler = actor('handler', U.bureau);

describe('upgrading a bureau from version 2 to version 3', () => {
  const v2Cases: string[] = [];
  let v3Case = '';

  it('records cases under v2 while the policy holds the bureau there', async () => {
    const before = engine(held);
    expect(before.newCaseVersion).toBe(2);
    for (const summary of ['原民办教师待遇', '拖欠工资']) {
      const created = await before.intake(intakeBody({ unit: U.bureau, matter: { category: 'benefits', summary } }), clerk);
      expect(created).toMatchObject({ machineVersion: 2, state: 'received' });
      v2Cases.push(created.id);
      clock.advance(3600_000);
    }
    await before.dispatch(v2Cases[0] as string, { type: 'VERIFY' }, clerk);
  });

  it('starts new cases under v3 once the policy leaves the default, and continues the v2 cases under v2', async () => {
    const after = engine(DEFAULT_POLICY);
    expect(after.newCaseVersion).toBe(3);
    const created = await after.intake(v3Intake(), clerk);
    v3Case = created.id;
    expect(created).toMatchObject({ machineVersion: 3, state: 'registered' });
    // A v2 command to the new case is no command of its version.
    await expect(after.dispatch(v3Case, { type: 'VERIFY' }, clerk)).rejects.toMatchObject({ code: 'VALIDATION' });

    clock.advance(3600_000);
    const [first, second] = v2Cases as [string, string];
    const assigned = await after.dispatch(first, { type: 'ASSIGN', unit: U.bureau, handler: 'handler-1' }, clerk);
    expect(assigned).toMatchObject({ machineVersion: 2, state: 'assigned' });
    await after.dispatch(first, { type: 'RESOLVE', outcome: 'support', opinion: '依政策支持' }, handler);
    await after.dispatch(second, { type: 'REJECT', reason: '不属于信访事项', route: 'other' }, clerk);
    // A v3 command to a v2 case is no command of its version either.
    await expect(after.dispatch(second, { type: 'TRANSFER', toUnit: U.body }, clerk)).rejects.toMatchObject({ code: 'VALIDATION' });
    await after.dispatch(v3Case, { type: 'TRANSFER', toUnit: U.body }, clerk);
    for (const id of v2Cases) {
      expect(new Set((await listEvents(tdb.db, id)).map((e) => e.machineVersion))).toEqual(new Set([2]));
    }
  });

  it('replays each case under its own version, and the whole trail verifies', async () => {
    const audit = createAuditService(tdb.db);
    expect(await audit.replay(v2Cases[0] as string)).toMatchObject({ machineVersion: 2, matchesStored: true, state: 'resolved' });
    expect(await audit.replay(v2Cases[1] as string)).toMatchObject({ machineVersion: 2, matchesStored: true, state: 'rejected' });
    expect(await audit.replay(v3Case)).toMatchObject({ machineVersion: 3, matchesStored: true, state: 'transferred' });
    expect(await audit.verifyAudit()).toMatchObject({ ok: true, cases: 3 });
  });

  it('reports a major or urgent intake at once to the bureau’s supervisors and the level above (Art 25)', async () => {
    committed.length = 0;
    const created = await engine(DEFAULT_POLICY).intake(v3Intake({ flags: { majorUrgent: true } }), supervisor);
    expect(committed.map((c) => [c.event.type, c.notify])).toEqual([['INTAKE', true]]);
    const subject = await createNotificationSource(tdb.db, units).subjectOf(created.id, 1);
    expect(subject?.recipients).toEqual([
      { role: 'supervisor', unit: U.bureau },
      { role: 'supervisor', unit: U.city },
    ]);
    const plain = await engine(DEFAULT_POLICY).intake(v3Intake(), clerk);
    expect(committed.at(-1)).toMatchObject({ caseId: plain.id, notify: false });
  });
});
