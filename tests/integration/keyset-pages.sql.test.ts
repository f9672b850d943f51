/**
 * Keyset pages and the supervision board at the SQL level, on seeded rows:
 * every list paged a few rows at a time, with many rows sharing one sort
 * instant, gives exactly the whole list in order (no row lost or repeated at
 * a tie), and the board's per-unit counts (one aggregate per case over the
 * live deadlines) equal a naive count of the same rows made here in
 * TypeScript, for every scope and for instants before, at and after the
 * deadlines.
 */
import { randomUUID } from 'node:crypto';
import { listCheckpoints, type CheckpointSummary } from '../../db/audit-checkpoint.repository';
import { listCases, refreshOverdueFrom, refreshScopeUnits, type CaseRecord } from '../../db/case.repository';
import { listIncidents, type IncidentRecord } from '../../db/incident.repository';
import { listedCases, supervisionCounts, type UnitSupervisionCounts } from '../../db/supervision.repository';
import { listCaseRowsAfter } from '../../db/trail-stream.repository';
import { caseInScope } from '../../engine/access';
import { ACTIVE_STATES, FINAL_STATES } from '../../machines/petition.vocabulary';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const UNITS = ['411600', '411600-11', '411621', '411621-11', '411621206', '411622', '420100'] as const;
const SCOPES = ['410000', '411600', '411621', '411621206', '411622', '420100'] as const;
const STATES = [...ACTIVE_STATES, ...FINAL_STATES];
/** Rows share a sort instant in groups of this size. */
const TIE = 5;
const BASE = Date.parse('2026-03-02T01:00:00.000Z');

type Status = 'pending' | 'paused' | 'met' | 'breached' | 'cancelled';
interface SeededDeadline {
  readonly status: Status;
  /** Mostly duties (`escalate`); some petitioner windows (`notify`), which never make a case overdue. */
  readonly onBreach: 'escalate' | 'notify';
  readonly dueAt: Date;
  readonly remindersSent: number;
}
interface Seeded {
  readonly id: string;
  readonly unit: string;
  readonly units: readonly string[];
  readonly state: string;
  readonly listed: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deadlines: readonly SeededDeadline[];
}

const DEADLINE_STATUSES: readonly Status[] = ['pending', 'paused', 'met', 'breached', 'cancelled'];
/** Due instants around the board's clock `NOW`: past, exactly now, future. */
const NOW = new Date(BASE + 10 * 86_400_000);
const DUE = [new Date(NOW.getTime() - 3_600_000), NOW, new Date(NOW.getTime() + 3_600_000)];

let tdb: TestDatabase;
const seeded: Seeded[] = [];

/** Deadlines drawn so far: each next one takes the next status × due instant × reminder count in turn. */
let drawn = 0;

/** A case's deadlines: none, or one to three. */
function deadlinesFor(n: number): SeededDeadline[] {
  const count = n % 4;
  return Array.from({ length: count }, () => {
    const m = drawn++;
    return {
      status: DEADLINE_STATUSES[m % DEADLINE_STATUSES.length] ?? 'pending',
      onBreach: m % 7 === 3 ? 'notify' : 'escalate',
      dueAt: DUE[Math.floor(m / 5) % DUE.length] ?? NOW,
      remindersSent: Math.floor(m / 15) % 2,
    };
  });
}

beforeAll(async () => {
  tdb = await createTestDatabase('keyset_pages');
  for (let n = 0; n < 240; n++) {
    const unit = UNITS[n % UNITS.length] ?? '411621';
    const passed = n % 6 === 0 ? [UNITS[(n * 5 + 3) % UNITS.length] ?? unit] : [];
    seeded.push({
      id: randomUUID(),
      unit,
      units: [...new Set([unit, ...passed])],
      state: STATES[n % STATES.length] ?? 'received',
      listed: n % 4 === 0,
      createdAt: new Date(BASE + Math.floor(n / TIE) * 1000),
      updatedAt: new Date(BASE + Math.floor(n / (TIE * 2)) * 1000),
      deadlines: deadlinesFor(n),
    });
  }
  await tdb.db
    .insertInto('cases')
    .values(
      seeded.map((c) => ({
        id: c.id,
        unit: c.unit,
        assignee_unit: null,
        state: c.state,
        channel: 'letter',
        listed: c.listed,
        version: 1,
        machine_version: 3,
        snapshot: '{}',
        last_hash: Buffer.alloc(32),
        created_at: c.createdAt,
        updated_at: c.updatedAt,
      })),
    )
    .execute();
  await tdb.db
    .insertInto('case_units')
    .values(seeded.flatMap((c) => c.units.map((unit) => ({ case_id: c.id, unit }))))
    .execute();
  expect(await refreshScopeUnits(tdb.db)).toBe(seeded.length);
  const deadlineRows = seeded.flatMap((c) =>
    c.deadlines.map((d, k) => ({
      case_id: c.id,
      clock: 'handling',
      generation: k + 1,
      status: d.status,
      calendar: 'calendar-days',
      duration: 'P60D',
      on_breach: d.onBreach,
      started_at: c.createdAt,
      due_at: d.dueAt,
      reminders: '[]',
      reminders_sent: d.remindersSent,
      updated_at: c.createdAt,
    })),
  );
  await tdb.db.insertInto('deadlines').values(deadlineRows).execute();
  // Rows written in SQL: the column the transitions keep is rebuilt from them, for every case with a live deadline.
  const live = seeded.filter((c) =>
    c.deadlines.some((d) => d.onBreach === 'escalate' && (d.status === 'pending' || d.status === 'breached')),
  );
  expect(await refreshOverdueFrom(tdb.db)).toBe(live.length);
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
        status: i % 3 === 0 ? 'resolved' : 'open',
        created_at: c.createdAt,
        updated_at: c.createdAt,
      })),
    )
    .execute();
  // Checkpoints cannot be changed once written; the owner seeds them with shared instants.
  await tdb.ownerDb
    .insertInto('audit_checkpoints')
    .values(
      Array.from({ length: 23 }, (_, i) => ({
        id: randomUUID(),
        created_at: new Date(BASE + Math.floor(i / TIE) * 1000),
        cases: i,
        root: 'r',
        public_key: 'k',
        signature: 's',
        leaves: '[]',
      })),
    )
    .execute();
});
afterAll(async () => {
  await tdb.drop();
});

/** Newest first, ties by id descending: the order of every newest-first list. */
const newestFirst = <T extends { at: Date; id: string }>(a: T, b: T) =>
  b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const visibleFrom = (scope: string) => seeded.filter((c) => caseInScope({ units: c.units }, scope));
const isOpen = (c: Seeded) => !(FINAL_STATES as readonly string[]).includes(c.state);
/** A duty breached, or pending and past due at `now` (a petitioner's window lapses instead). */
const overdueAt = (d: SeededDeadline, now: Date) =>
  d.onBreach === 'escalate' && (d.status === 'breached' || (d.status === 'pending' && d.dueAt < now));
const overdue = (d: SeededDeadline) => overdueAt(d, NOW);
const atRisk = (d: SeededDeadline) => d.status === 'pending' && d.remindersSent > 0 && d.dueAt >= NOW;

/** Every page of a keyset-paged list, `size` rows at a time, each page continuing from the last row of the one before. */
async function allPages<T>(size: number, page: (after: T | undefined) => Promise<readonly T[]>): Promise<T[]> {
  const all: T[] = [];
  let after: T | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const rows = await page(after);
    all.push(...rows);
    if (rows.length < size) return all;
    after = rows[rows.length - 1];
  }
  throw new Error('pages never ended');
}

describe.each(SCOPES)('seen from %s', (scope) => {
  it.each([1, 3, TIE, 7])('the case list in pages of %i is the whole list in order, ties included', async (size) => {
    const expected = visibleFrom(scope)
      .map((c) => ({ at: c.createdAt, id: c.id }))
      .sort(newestFirst);
    expect(expected.length).toBeGreaterThan(TIE);
    const pages = await allPages<CaseRecord>(size, (after) =>
      listCases(tdb.db, { scopeUnit: scope, limit: size, after: after && { createdAt: after.createdAt, id: after.id } }),
    );
    expect(pages.map((c) => c.id)).toEqual(expected.map((c) => c.id));
  });

  it('the overdue list in pages of 2 is every open case with a deadline overdue, in order', async () => {
    const expected = visibleFrom(scope)
      .filter((c) => isOpen(c) && c.deadlines.some(overdue))
      .map((c) => ({ at: c.createdAt, id: c.id }))
      .sort(newestFirst);
    const pages = await allPages<CaseRecord>(2, (after) =>
      listCases(tdb.db, { scopeUnit: scope, overdueAt: NOW, limit: 2, after: after && { createdAt: after.createdAt, id: after.id } }),
    );
    expect(pages.map((c) => c.id)).toEqual(expected.map((c) => c.id));
  });

  it('the board lists in pages of 3 are every listed or escalated open case, oldest change first', async () => {
    const expected = visibleFrom(scope)
      .filter((c) => isOpen(c) && (c.listed || c.state === 'escalated'))
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || (a.id < b.id ? -1 : 1));
    const pages = await allPages<{ id: string; updatedAt: Date }>(3, (after) =>
      listedCases(tdb.db, scope, 3, after && { at: after.updatedAt, id: after.id }),
    );
    expect(pages.map((c) => c.id)).toEqual(expected.map((c) => c.id));
  });

  it('the incident list in pages of 4 is every open incident in scope, newest first', async () => {
    // Incident ids are given in seeding order, so among incidents of one instant the later-seeded comes first.
    const expected = visibleFrom(scope)
      .map((c) => ({ caseId: c.id, at: c.createdAt, index: seeded.indexOf(c) }))
      .filter((c) => c.index % 3 !== 0)
      .sort((a, b) => b.at.getTime() - a.at.getTime() || b.index - a.index);
    const pages = await allPages<IncidentRecord>(4, (after) =>
      listIncidents(tdb.db, { scopeUnit: scope, limit: 4, after: after && { at: after.createdAt, id: after.id } }),
    );
    expect(pages.map((i) => i.caseId)).toEqual(expected.map((c) => c.caseId));
  });

  it('a scoped verification reads, page by page, exactly the cases in scope in id order', async () => {
    const expected = visibleFrom(scope)
      .map((c) => c.id)
      .sort();
    const pages = await allPages<CaseRecord>(4, (after) => listCaseRowsAfter(tdb.db, {}, after?.id, 4, scope));
    expect(pages.map((c) => c.id)).toEqual(expected);
  });

  it.each(DUE.map((d) => [d.toISOString(), d] as const))('the board counts at %s equal a naive count', async (_, now) => {
    const byUnit = new Map<string, UnitSupervisionCounts>();
    for (const c of visibleFrom(scope).filter(isOpen)) {
      const dOverdue = c.deadlines.some((d) => overdueAt(d, now));
      const dAtRisk = c.deadlines.some((d) => d.status === 'pending' && d.remindersSent > 0 && d.dueAt >= now);
      const line = byUnit.get(c.unit) ?? { unit: c.unit, active: 0, listed: 0, overdue: 0, atRisk: 0 };
      byUnit.set(c.unit, {
        unit: c.unit,
        active: line.active + 1,
        listed: line.listed + (c.listed || c.state === 'escalated' ? 1 : 0),
        overdue: line.overdue + (dOverdue ? 1 : 0),
        atRisk: line.atRisk + (dAtRisk && !dOverdue ? 1 : 0),
      });
    }
    const expected = [...byUnit.values()].sort((a, b) => (a.unit < b.unit ? -1 : 1));
    const counts = await supervisionCounts(tdb.db, scope, now);
    expect(counts).toEqual(expected);
    expect(expected.some((u) => u.overdue > 0) || scope === '411621206').toBe(true);
  });
});

it('the seeded deadlines meet every status with past, present and future due instants, with and without reminders, duties and windows', () => {
  const all = seeded.flatMap((c) => c.deadlines);
  for (const status of DEADLINE_STATUSES)
    for (const due of DUE)
      for (const sent of [0, 1]) expect(all.some((d) => d.status === status && d.dueAt === due && d.remindersSent === sent)).toBe(true);
  expect(seeded.filter(isOpen).some((c) => c.deadlines.some(overdue))).toBe(true);
  expect(seeded.filter(isOpen).some((c) => c.deadlines.some(atRisk) && !c.deadlines.some(overdue))).toBe(true);
  // A lapsed petitioner window (breached or past due) on an open case with no overdue duty: not overdue.
  const lapsed = (d: SeededDeadline) => d.onBreach === 'notify' && (d.status === 'breached' || (d.status === 'pending' && d.dueAt < NOW));
  expect(seeded.filter(isOpen).some((c) => c.deadlines.some(lapsed) && !c.deadlines.some(overdue))).toBe(true);
});

it('the checkpoints in pages of 2 are every checkpoint, newest first, ties included', async () => {
  const all = await listCheckpoints(tdb.db, 1000);
  expect(all).toHaveLength(23);
  const expected = all.map((c) => ({ at: c.createdAt, id: c.id })).sort(newestFirst);
  const pages = await allPages<CheckpointSummary>(2, (after) => listCheckpoints(tdb.db, 2, after));
  expect(pages.map((c) => c.id)).toEqual(expected.map((c) => c.id));
});
