/**
 * Machine versions: a case recorded under version 1 is carried through the
 * version 2 change (联席会议, Art 24, LINK_CONFERENCE). It replays under v1,
 * continues under v1's rules with an engine of default settings, and its trail
 * entries carry version 1; new cases start under v2 and accept the conference.
 */
import { DEFAULT_POLICY } from '../../config/default-policy';
import { listEvents } from '../../db/case-event.repository';
import { findCase } from '../../db/case.repository';
import { createAuditService, type AuditService } from '../../engine/audit.service';
import { createCaseQueryService, type CaseQueryService } from '../../engine/case-query.service';
import { createPetitionEngine, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { PetitionContext } from '../../machines/petition.machine';
import { CURRENT_MACHINE_VERSION, type StoredSnapshot } from '../../machines/petition.registry';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here.
jest.setTimeout(60_000);

let tdb: TestDatabase;
let audit: AuditService;
let queries: CaseQueryService;
const clock = fakeClock();

/** An engine as a release configured it: v1 pinned (the release before v2), or the default (newest). */
function engine(machineVersion?: number): PetitionEngine {
  return createPetitionEngine({
    db: tdb.db,
    policy: machineVersion === undefined ? DEFAULT_POLICY : { ...DEFAULT_POLICY, machineVersion },
    calendar: createChinaCalendar(),
    now: clock.now,
  });
}

const clerk = actor('clerk');
const handler = actor('handler');
const supervisor = actor('supervisor');
const auditor = actor('auditor');
const conference = { type: 'LINK_CONFERENCE', conference: '县信访工作联席会议', departments: ['县教体局', '县人社局'] } as const;

beforeAll(async () => {
  tdb = await createTestDatabase('machineversions');
  audit = createAuditService(tdb.db);
  queries = createCaseQueryService(tdb.db, clock.now);
});
afterAll(async () => {
  await tdb?.drop();
});

async function storedContext(caseId: string): Promise<{ machineVersion: number; context: PetitionContext }> {
  const rec = await findCase(tdb.db, caseId);
  if (rec === undefined) throw new Error(`no case ${caseId}`);
  return { machineVersion: rec.machineVersion, context: (rec.snapshot as StoredSnapshot).context };
}

describe('machine versions', () => {
  let v1Case: string;
  let v2Case: string;

  it('records a case under v1 with an engine pinned to v1 (the release before the change)', async () => {
    expect(CURRENT_MACHINE_VERSION).toBe(2);
    const old = engine(1);
    const created = await old.intake(intakeBody({ matter: { category: 'benefits', summary: '原民办教师待遇' } }), clerk);
    v1Case = created.id;
    expect(created.machineVersion).toBe(1);
    clock.advance(3600_000);
    await old.dispatch(v1Case, { type: 'VERIFY', note: '已核实' }, clerk);
    clock.advance(3600_000);
    const assigned = await old.dispatch(v1Case, { type: 'ASSIGN', unit: '411621', handler: 'handler-1' }, clerk);
    expect(assigned).toMatchObject({ state: 'assigned', machineVersion: 1 });
    // v1 never offered the conference.
    expect((await queries.get(v1Case, supervisor)).allowedEvents).not.toContain('LINK_CONFERENCE');
    await expect(old.dispatch(v1Case, conference, supervisor)).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
  });

  it('starts new cases under v2 by default, which accept LINK_CONFERENCE from a supervisor', async () => {
    const current = engine();
    const created = await current.intake(intakeBody({ matter: { category: 'benefits', summary: '多部门共管事项' } }), clerk);
    v2Case = created.id;
    expect(created.machineVersion).toBe(2);
    clock.advance(3600_000);
    await current.dispatch(v2Case, { type: 'VERIFY' }, clerk);
    expect((await queries.get(v2Case, supervisor)).allowedEvents).toContain('LINK_CONFERENCE');
    // Only a supervisor links a case to a conference.
    await expect(current.dispatch(v2Case, conference, handler)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    clock.advance(3600_000);
    const linked = await current.dispatch(v2Case, conference, supervisor);
    expect(linked).toMatchObject({ state: 'verified', version: 3, machineVersion: 2 });
    const { machineVersion, context } = await storedContext(v2Case);
    expect(machineVersion).toBe(2);
    expect(context.conference).toEqual({ name: conference.conference, departments: conference.departments, at: clock.now().toISOString() });
  });

  it('keeps dispatching to the v1 case with v1 rules under an engine of default settings', async () => {
    const current = engine();
    clock.advance(3600_000);
    // The upgrade changes nothing for the old case: LINK_CONFERENCE is still not an event it knows.
    await expect(current.dispatch(v1Case, conference, supervisor)).rejects.toMatchObject({
      code: 'EVENT_NOT_ALLOWED',
      details: { state: 'assigned' },
    });
    expect((await queries.get(v1Case, supervisor)).allowedEvents).not.toContain('LINK_CONFERENCE');
    // Everything v1 knew still works, through to the end of the case.
    const steps = [
      [handler, { type: 'START_MEDIATION', level: 'township' }],
      [actor('mediator'), { type: 'MEDIATION_AGREED', agreement: '按政策落实待遇' }],
      [clerk, { type: 'DELIVER', method: 'in-person' }],
      [clerk, { type: 'RATE_SATISFACTION', body: 'satisfied', bureau: 'satisfied' }],
      [clerk, { type: 'REQUEST_REVIEW', reason: '申请复查' }],
      [supervisor, { type: 'ASSIGN_LEADER', leader: '县委副书记' }],
      [supervisor, { type: 'RESOLVE', outcome: 'support', opinion: '复查维持' }],
    ] as const;
    for (const [who, command] of steps) {
      clock.advance(3600_000);
      const view = await current.dispatch(v1Case, command, who);
      expect({ type: command.type, machineVersion: view.machineVersion }).toEqual({ type: command.type, machineVersion: 1 });
    }
    await expect(current.dispatch(v1Case, conference, supervisor)).rejects.toMatchObject({ code: 'EVENT_NOT_ALLOWED' });
    const { machineVersion, context } = await storedContext(v1Case);
    expect(machineVersion).toBe(1);
    expect(context.conference ?? null).toBeNull();
    expect(context.leader).toBe('县委副书记');
  });

  it('carries machine version 1 on every trail entry of the v1 case, and 2 on the v2 case', async () => {
    const v1Trail = await listEvents(tdb.db, v1Case);
    expect(v1Trail.length).toBe(10);
    expect(new Set(v1Trail.map((e) => e.machineVersion))).toEqual(new Set([1]));
    expect(v1Trail.map((e) => e.type)).not.toContain('LINK_CONFERENCE');
    const history = await queries.history(v1Case, auditor);
    expect(history.every((e) => e.machineVersion === 1)).toBe(true);

    const v2Trail = await listEvents(tdb.db, v2Case);
    expect(v2Trail.map((e) => [e.type, e.machineVersion])).toEqual([
      ['INTAKE', 2],
      ['VERIFY', 2],
      ['LINK_CONFERENCE', 2],
    ]);
  });

  it('replays the v1 case under v1 and the v2 case under v2, each matching what is stored', async () => {
    const old = await audit.replay(v1Case);
    expect(old).toMatchObject({ machineVersion: 1, matchesStored: true, state: 'resolved' });
    expect(old.steps.map((s) => [s.type, s.state, s.accepted])).toEqual([
      ['INTAKE', 'received', true],
      ['VERIFY', 'verified', true],
      ['ASSIGN', 'assigned', true],
      ['START_MEDIATION', 'mediated', true],
      ['MEDIATION_AGREED', 'resolved', true],
      ['DELIVER', 'resolved', true],
      ['RATE_SATISFACTION', 'resolved', true],
      ['REQUEST_REVIEW', 'escalated', true],
      ['ASSIGN_LEADER', 'escalated', true],
      ['RESOLVE', 'resolved', true],
    ]);
    const current = await audit.replay(v2Case);
    expect(current).toMatchObject({ machineVersion: 2, matchesStored: true, state: 'verified' });
    expect(current.steps.map((s) => [s.type, s.accepted])).toEqual([
      ['INTAKE', true],
      ['VERIFY', true],
      ['LINK_CONFERENCE', true],
    ]);
  });

  it('verifies the whole trail: both versions are known and every chain is intact', async () => {
    const v = await audit.verifyAudit();
    expect(v).toMatchObject({ ok: true, cases: 2, checked: 13 });
  });
});
