/**
 * The case scope has two forms, one home each: `caseInScope` (engine/access)
 * for a case in hand, and `caseInUnitScope` (db/case-scope.sql.ts) for SQL,
 * with its reading from the case row (`caseInUnitScopeByRow`, over
 * `scope_units` rebuilt from `case_units`) for list walks.
 * Against PostgreSQL, for every pair of registering and assignee unit over a
 * small tree (divisions, a bureau and departments), some cases also carrying a
 * unit they passed through earlier, and every scope unit, the SQL form and
 * every repository that lists cases must pick exactly the cases the
 * TypeScript form sees from the case's units.
 */
import { randomUUID } from 'node:crypto';
import { caseInUnitScope, caseInUnitScopeByRow } from '../../db/case-scope.sql';
import { listCases, listCasesPage, refreshScopeUnits } from '../../db/case.repository';
import { listIncidents } from '../../db/incident.repository';
import { listedCases, supervisionCounts } from '../../db/supervision.repository';
import { caseInScope } from '../../engine/access';
import { ACTIVE_STATES, FINAL_STATES } from '../../machines/petition.vocabulary';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * 河南省 > 周口市 > 扶沟县 > 曹里乡 > a village; 扶沟县信访局 and 教体局, 周口市教体局; 西华县 a sibling county,
 * 商水县's 邓城镇, and 湖北省 武汉市 elsewhere.
 */
const UNITS = [
  '410000',
  '411600',
  '411600-11',
  '411621',
  '411621-01',
  '411621-11',
  '411621206',
  '411621206201',
  '411622',
  '411623103',
  '420100',
] as const;
const ASSIGNEES = [null, ...UNITS];
const STATES = [...ACTIVE_STATES, ...FINAL_STATES];

interface Seeded {
  readonly id: string;
  readonly unit: string;
  readonly assigneeUnit: string | null;
  /** Every unit the case passed through: its own, its assignee's, and for some an earlier one. */
  readonly units: readonly string[];
  readonly state: string;
  readonly listed: boolean;
}

let tdb: TestDatabase;
const seeded: Seeded[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('case_scope_sql');
  const at = new Date('2026-03-02T01:00:00.000Z');
  let n = 0;
  for (const unit of UNITS) {
    for (const assigneeUnit of ASSIGNEES) {
      // Spread the states and the listed flag over the pairs, so the board's filters meet every scope.
      const state = STATES[n % STATES.length] ?? 'received';
      // Every fourth case was assigned elsewhere before (a unit it was reassigned away from).
      const earlier = n % 4 === 0 ? [UNITS[(n * 7) % UNITS.length] ?? unit] : [];
      const units = [...new Set([unit, ...(assigneeUnit === null ? [] : [assigneeUnit]), ...earlier])];
      seeded.push({ id: randomUUID(), unit, assigneeUnit, units, state, listed: n % 3 === 0 });
      n += 1;
    }
  }
  await tdb.db
    .insertInto('cases')
    .values(
      seeded.map((c, i) => ({
        id: c.id,
        unit: c.unit,
        assignee_unit: c.assigneeUnit,
        state: c.state,
        channel: 'letter',
        listed: c.listed,
        version: 1,
        machine_version: 1,
        snapshot: '{}',
        last_hash: Buffer.alloc(32),
        created_at: new Date(at.getTime() + i * 1000),
        updated_at: new Date(at.getTime() + i * 1000),
      })),
    )
    .execute();
  await tdb.db
    .insertInto('case_units')
    .values(seeded.flatMap((c) => c.units.map((unit) => ({ case_id: c.id, unit }))))
    .execute();
  // Rows written in SQL: the column the transitions keep is rebuilt from them, for every case.
  expect(await refreshScopeUnits(tdb.db)).toBe(seeded.length);
  expect(await refreshScopeUnits(tdb.db)).toBe(0);
  await tdb.db
    .insertInto('case_events')
    .values(
      seeded.map((c) => ({
        case_id: c.id,
        seq: 1,
        type: 'INTAKE',
        fields: '{}',
        actor_id: 'clerk-1',
        actor_role: 'clerk',
        actor_unit: c.unit,
        at,
        machine_version: 1,
        hash: Buffer.alloc(32),
      })),
    )
    .execute();
  await tdb.db
    .insertInto('incidents')
    .values(
      seeded.map((c, i) => ({
        queue: 'deadlines',
        job_id: `job-${i}`,
        job_name: 'deadline',
        case_id: c.id,
        clock: null,
        generation: null,
        attempts: 8,
        error: 'test',
        status: 'open',
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
});
afterAll(async () => {
  await tdb.drop();
});

const sorted = (ids: Iterable<string>) => [...ids].sort();
const visibleFrom = (scope: string) => seeded.filter((c) => caseInScope(c, scope));
const isOpen = (c: Seeded) => !(FINAL_STATES as readonly string[]).includes(c.state);

describe.each(UNITS)('seen from %s', (scope) => {
  it('the SQL predicate picks exactly the cases caseInScope sees', async () => {
    const rows = await tdb.db.selectFrom('cases').select('id').where(caseInUnitScope(scope)).execute();
    const expected = visibleFrom(scope);
    expect(expected.length).toBeGreaterThan(0);
    expect(sorted(rows.map((r) => r.id))).toEqual(sorted(expected.map((c) => c.id)));
  });

  it('its reading from the case row picks the same cases', async () => {
    const rows = await tdb.db.selectFrom('cases').select('id').where(caseInUnitScopeByRow(scope)).execute();
    expect(sorted(rows.map((r) => r.id))).toEqual(sorted(visibleFrom(scope).map((c) => c.id)));
  });

  it('the case list, the verification pages and the incident list agree with it', async () => {
    const expected = sorted(visibleFrom(scope).map((c) => c.id));
    const listed = await listCases(tdb.db, { scopeUnit: scope, limit: 1000 });
    const pages = await listCasesPage(tdb.db, undefined, 1000, scope);
    const incidents = await listIncidents(tdb.db, { scopeUnit: scope, all: true, limit: 1000 });
    expect(sorted(listed.map((c) => c.id))).toEqual(expected);
    expect(sorted(pages.map((c) => c.id))).toEqual(expected);
    expect(sorted(incidents.map((i) => i.caseId ?? ''))).toEqual(expected);
  });

  it('the supervision board counts and lists the open cases it sees, final states left out', async () => {
    const open = visibleFrom(scope).filter(isOpen);
    const board = open.filter((c) => c.listed || c.state === 'escalated');
    const counts = await supervisionCounts(tdb.db, scope, new Date('2026-03-03T00:00:00.000Z'));
    expect(counts.reduce((sum, u) => sum + u.active, 0)).toBe(open.length);
    expect(counts.reduce((sum, u) => sum + u.listed, 0)).toBe(board.length);
    expect(sorted((await listedCases(tdb.db, scope, 1000)).map((c) => c.id))).toEqual(sorted(board.map((c) => c.id)));
  });
});

it('sees a case from a unit it was reassigned away from, and not from a sibling', () => {
  const c = seeded.find((s) => s.units.length === 3);
  expect(c).toBeDefined();
  const earlier = c?.units[2] ?? '';
  expect([c?.unit, c?.assigneeUnit]).not.toContain(earlier);
  expect(visibleFrom(earlier).map((s) => s.id)).toContain(c?.id);
});

it('sees a department’s case from its government and the city, not from the county bureau beside it', () => {
  const c = seeded.find((s) => s.units.length === 1 && s.units[0] === '411621-11');
  expect(c).toBeDefined();
  for (const scope of ['411621-11', '411621', '411600', '410000']) expect(visibleFrom(scope).map((s) => s.id)).toContain(c?.id);
  for (const scope of ['411621-01', '411600-11', '411622']) expect(visibleFrom(scope).map((s) => s.id)).not.toContain(c?.id);
});

it('sees a case from its assignee unit even when its own unit lies elsewhere', () => {
  const c = seeded.find((s) => s.unit === '420100' && s.assigneeUnit === '411621206201');
  expect(c).toBeDefined();
  expect(visibleFrom('411621').map((s) => s.id)).toContain(c?.id);
  expect(visibleFrom('411622').map((s) => s.id)).not.toContain(c?.id);
});
