import { CompiledQuery, sql, type Expression, type Kysely, type Selectable, type Transaction } from 'kysely';
import { caseInUnitScope, caseInUnitScopeByRow, scopeUnitsOf } from './case-scope.sql';
import { hexOf } from './hash-bytes';
import { keysetAfter } from './keyset.sql';
import { caseOverdue, openCase, OVERDUE_FROM_SQL } from './open-case.sql';
import { deadlineRecordOfJson, type DeadlineJson, type DeadlineRecord } from './deadline.repository';
import type { CasesTable, Database } from './schema';
import { DUTY_BREACH_ACTION } from '../machines/petition.vocabulary';

type Executor = Kysely<Database> | Transaction<Database>;

/** A case as stored: the machine snapshot plus the columns reads filter on. */
export interface CaseRecord {
  readonly id: string;
  readonly unit: string;
  readonly assigneeUnit: string | null;
  readonly state: string;
  readonly channel: string;
  readonly listed: boolean;
  readonly version: number;
  readonly machineVersion: number;
  readonly snapshot: unknown;
  readonly lastHash: string;
  /** The readable number (`扶信〔2026〕123号`); null for cases recorded before numbering. */
  readonly number: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /**
   * The case's first trail entry (the intake): its fields and time. The stored snapshot leaves out what it holds
   * (machines/stored-form.ts); reads that restore the machine read it with the row. Absent on reads that do not.
   */
  readonly intakeEntry?: IntakeEntry | undefined;
}

/** The first trail entry's fields and time (ISO 8601 with milliseconds, as hashed). */
export interface IntakeEntry {
  readonly fields: Record<string, unknown>;
  readonly at: string;
}

type CaseRow = Selectable<CasesTable> & { intake_entry?: { fields: Record<string, unknown>; at: string } | null };

/**
 * The case's intake entry, read with its row by one probe of the trail's primary key. A scalar subquery, not a
 * join: a `for update` read locks the case row only (the application role may not lock trail rows).
 */
const INTAKE_ENTRY_SQL = `(select jsonb_build_object('fields', e.fields, 'at', e.at) from case_events e where e.case_id = cases.id and e.seq = 1)`;
export const intakeEntryColumn = sql<{ fields: Record<string, unknown>; at: string } | null>`${sql.raw(INTAKE_ENTRY_SQL)}`.as(
  'intake_entry',
);

/** A case row as the engine sees it. */
export function caseRecordOf(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    unit: row.unit,
    assigneeUnit: row.assignee_unit,
    state: row.state,
    channel: row.channel,
    listed: row.listed,
    version: row.version,
    machineVersion: row.machine_version,
    snapshot: row.snapshot,
    lastHash: hexOf(row.last_hash),
    number: row.number ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.intake_entry != null && {
      intakeEntry: { fields: row.intake_entry.fields, at: new Date(row.intake_entry.at).toISOString() },
    }),
  };
}

type CaseQuery = ReturnType<typeof baseQuery>;
function baseQuery(db: Executor) {
  return db.selectFrom('cases').selectAll('cases').select(intakeEntryColumn);
}

/** Restricts a case query to what `scopeUnit` may see (see {@link caseInUnitScope}). */
function scoped(q: CaseQuery, scopeUnit: string): CaseQuery {
  return q.where(caseInUnitScope(scopeUnit));
}

/**
 * A locked case with what a command needs of it besides the row: the units it
 * has passed through (`case_units`, for the in-memory scope check) and its
 * deadline rows, oldest first, as they are under the lock.
 */
export interface LockedCase extends ListedCase {
  readonly units: readonly string[];
}

/** The case's deadline rows as JSON, oldest first, read beside its row. */
const CASE_DEADLINES = `(select coalesce(json_agg(d order by d.started_at, d.id), '[]') from deadlines d where d.case_id = cases.id)`;

/** The case's units and deadline rows (as JSON), read beside its row. */
const CASE_PARTS = `array(select u.unit from case_units u where u.case_id = cases.id order by u.unit) as units,
  ${CASE_DEADLINES} as deadlines`;

/**
 * The lock and the reads of a command in one statement, its text built once.
 * Under READ COMMITTED a statement that waited for the lock returns the row as
 * the other command left it, but reads everything else as of its own start:
 * `seen_version` (the row as of that start) then differs from `version`, and
 * the parts are read again by {@link CASE_PARTS_SQL}. Every write of a case's
 * deadlines or units also writes its row with a new version (writeTransitions),
 * so equal versions mean the parts are current.
 *
 * It also has the rest of the command's transaction run on generic plans
 * (`set_config(…, true)` lasts until the transaction ends). The command's
 * write (writeTransitions) is prepared, but PostgreSQL estimates `unnest` of a
 * parameter at 10 rows and of the values it is given at their number (one):
 * its generic plan then looks dearer than a custom one, and the server would
 * plan the write afresh on every command, the largest part of its work. The
 * statements of a command find their rows by key, so a generic plan is the plan.
 */
const LOCK_CASE_SQL = `select cases.*, ${INTAKE_ENTRY_SQL} as intake_entry, ${CASE_PARTS}, (select seen.version from cases seen where seen.id = cases.id) as seen_version,
    set_config('plan_cache_mode', 'force_generic_plan', true) as plan_cache_mode
  from cases where cases.id = $1 for update of cases`;
/** The parts alone, in a statement of its own (which sees what committed before it began). */
const CASE_PARTS_SQL = `select ${CASE_PARTS} from cases where cases.id = $1`;

type CaseParts = { units: string[]; deadlines: DeadlineJson[] };

/**
 * Locks a case row for the rest of the transaction (serialises concurrent
 * commands on one case) and reads its units and deadlines: one round trip,
 * unless the lock waited for a command that changed the case.
 */
export async function lockCase(trx: Transaction<Database>, id: string): Promise<LockedCase | undefined> {
  const { rows } = await trx.executeQuery<CaseRow & CaseParts & { seen_version: number }>(CompiledQuery.raw(LOCK_CASE_SQL, [id]));
  const row = rows[0];
  if (row === undefined) return undefined;
  const parts =
    row.seen_version === row.version ? row : (await trx.executeQuery<CaseParts>(CompiledQuery.raw(CASE_PARTS_SQL, [id]))).rows[0];
  if (parts === undefined) throw new Error(`case ${id} vanished under its lock`);
  return { ...caseRecordOf(row), units: parts.units, deadlines: parts.deadlines.map(deadlineRecordOfJson) };
}

/** Reads one case within a unit subtree; a case outside it is reported as absent. */
export async function findCase(db: Executor, id: string, scopeUnit?: string): Promise<CaseRecord | undefined> {
  let q = baseQuery(db).where('cases.id', '=', id);
  if (scopeUnit !== undefined) q = scoped(q, scopeUnit);
  const row = await q.executeTakeFirst();
  return row === undefined ? undefined : caseRecordOf(row);
}

/** What an intake said, to find the case it opened: its machine version, registering unit, petitioner's name and summary. */
export interface IntakeMatch {
  readonly machineVersion: number;
  readonly unit: string;
  readonly petitionerName: string;
  readonly summary: string;
}

/**
 * The oldest case whose first trail entry (the INTAKE) matches, within a
 * unit's subtree. The trail is the stable record of what was taken in (the
 * snapshot's layout belongs to the machine version).
 */
export async function findCaseIdByIntake(db: Executor, m: IntakeMatch, scopeUnit: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('case_events as e')
    .innerJoin('cases', 'cases.id', 'e.case_id')
    .select(['cases.id'])
    .where('e.seq', '=', 1)
    .where('e.type', '=', 'INTAKE')
    .where('cases.machine_version', '=', m.machineVersion)
    .where('cases.unit', '=', m.unit)
    .where(sql<string>`e.fields->'matter'->>'summary'`, '=', m.summary)
    .where(sql<string>`e.fields->'petitioner'->>'name'`, '=', m.petitionerName)
    .where(caseInUnitScope(scopeUnit))
    .orderBy('cases.created_at')
    .executeTakeFirst();
  return row?.id;
}

/** Reads many cases within a unit subtree in one query, by id; cases outside it are absent from the map. */
export async function findCases(db: Executor, ids: readonly string[], scopeUnit: string): Promise<Map<string, CaseRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await scoped(baseQuery(db), scopeUnit).where('cases.id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, caseRecordOf(row)]));
}

/** Filters of the case list. */
export interface CaseListQuery {
  readonly scopeUnit: string;
  readonly unit?: string | undefined;
  readonly state?: string | undefined;
  /** Only cases with a live deadline past due, or a breached one, while still active. */
  readonly overdueAt?: Date | undefined;
  /** Only cases still open (not closed or rejected). */
  readonly open?: boolean | undefined;
  readonly limit: number;
  readonly after?: { createdAt: Date; id: string } | undefined;
}

/** How many cases `scopeUnit` may see (the same scope as {@link findCase}). */
export async function countCases(db: Executor, scopeUnit: string): Promise<number> {
  const row = await scoped(baseQuery(db), scopeUnit)
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The filters of the case list (scope, unit, state, overdue), on any query of `cases`. */
function filtered(db: Executor, q: Omit<CaseListQuery, 'limit' | 'after'>): CaseQuery {
  let query = scoped(baseQuery(db), q.scopeUnit);
  if (q.unit !== undefined) query = scoped(query, q.unit);
  if (q.state !== undefined) query = query.where('cases.state', '=', q.state);
  if (q.open === true) query = query.where(openCase());
  if (q.overdueAt !== undefined) query = query.where(openCase()).where(caseOverdue(q.overdueAt));
  return query;
}

/** A case with its deadline rows (oldest first), read in the same statement as its row (a list page, the command lock). */
export interface ListedCase extends CaseRecord {
  readonly deadlines: readonly DeadlineRecord[];
}

/**
 * Lists cases newest first with keyset pagination on (created_at, id). The page's ids are found first by a
 * walk of an index of (created_at, id) (or the open cases' index) that reads no case row: each case is tested
 * from the index tuple, for scope by `scope_units` and, on the overdue list, by `overdue_from`, until `limit` are
 * found. A page costs the same at any depth and any size of the database. Only the page's rows are then read,
 * each with its intake entry and deadlines: the page's views need nothing else from the database.
 */
export async function listCases(db: Executor, q: CaseListQuery): Promise<ListedCase[]> {
  let ids = db.selectFrom('cases').select(['cases.id', 'cases.created_at']).where(caseInUnitScopeByRow(q.scopeUnit));
  if (q.unit !== undefined) ids = ids.where(caseInUnitScopeByRow(q.unit));
  if (q.state !== undefined) ids = ids.where('cases.state', '=', q.state);
  if (q.open === true || q.overdueAt !== undefined) ids = ids.where(openCase());
  if (q.overdueAt !== undefined) ids = ids.where(caseOverdue(q.overdueAt));
  if (q.after !== undefined)
    ids = ids.where(keysetAfter(['cases.created_at', 'cases.id'], { at: q.after.createdAt, id: q.after.id }, 'desc'));
  const page = ids.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(q.limit);
  const rows = await db
    .selectFrom(page.as('p'))
    .innerJoin('cases', 'cases.id', 'p.id')
    .selectAll('cases')
    .select(intakeEntryColumn)
    .select(sql<DeadlineJson[]>`${sql.raw(CASE_DEADLINES)}`.as('deadlines'))
    .orderBy('p.created_at', 'desc')
    .orderBy('p.id', 'desc')
    .execute();
  return rows.map((row) => ({ ...caseRecordOf(row), deadlines: row.deadlines.map(deadlineRecordOfJson) }));
}

/** The sort key of the urgency order: a case's nearest live due time (overdue first); none sorts last. */
export interface UrgencyKey {
  readonly nextDue: Date | null;
  readonly id: string;
}

/** Far past any due time: the sort key of a case without a live deadline (PostgreSQL's `infinity`). */
const NO_DUE = sql<Date>`'infinity'::timestamptz`;

/**
 * Lists cases most urgent first: by the nearest due time of a live
 * (pending, paused, or breached duty) deadline of an open case, then id; cases
 * with none come last. Keyset pagination on that pair, computed per case by
 * a lateral subquery over the deadlines index.
 */
export async function listCasesByUrgency(
  db: Executor,
  q: Omit<CaseListQuery, 'after'> & { readonly after?: UrgencyKey | undefined },
): Promise<(CaseRecord & UrgencyKey)[]> {
  const nextDue = sql<Date>`coalesce(next.due_at, ${NO_DUE})`;
  let query = filtered(db, q)
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('deadlines')
          .select((eb) => eb.fn.min('deadlines.due_at').as('due_at'))
          .whereRef('deadlines.case_id', '=', 'cases.id')
          // A breached window or door (its breach closes or notifies) has lapsed; only a breached duty stays urgent.
          .where((eb) =>
            eb.or([
              eb('deadlines.status', 'in', ['pending', 'paused']),
              eb.and([eb('deadlines.status', '=', 'breached'), eb('deadlines.on_breach', '=', DUTY_BREACH_ACTION)]),
            ]),
          )
          .where(openCase())
          .as('next'),
      (join) => join.onTrue(),
    )
    .select(sql<Date | null>`next.due_at`.as('next_due'));
  if (q.after !== undefined) {
    const { nextDue: due, id } = q.after;
    query = query.where(sql<boolean>`(${nextDue}, cases.id) > (${due === null ? NO_DUE : due}, ${id})`);
  }
  const rows = await query.orderBy(nextDue).orderBy('cases.id').limit(q.limit).execute();
  return rows.map((r) => ({ ...caseRecordOf(r), nextDue: r.next_due === null ? null : new Date(r.next_due) }));
}

/**
 * The open cases `scopeUnit` may see, at most `limit`, the nearest live due
 * time first: the candidates of a to-do list, which the machine's permission
 * tables then sift case by case.
 */
export async function listOpenCases(db: Executor, scopeUnit: string, limit: number): Promise<CaseRecord[]> {
  return listCasesByUrgency(db, { scopeUnit, limit, open: true });
}

/** A page of case rows in id order after `afterId`, optionally within a unit subtree, for whole-trail checks. */
export async function listCasesPage(db: Executor, afterId: string | undefined, limit: number, scopeUnit?: string): Promise<CaseRecord[]> {
  let q = baseQuery(db);
  if (scopeUnit !== undefined) q = scoped(q, scopeUnit);
  if (afterId !== undefined) q = q.where('cases.id', '>', afterId);
  const rows = await q.orderBy('cases.id').limit(limit).execute();
  return rows.map(caseRecordOf);
}

/**
 * Sets `column` to `rebuilt` (an expression over the case row `cases`) on the given cases (every case when none are
 * given) where it differs, and returns how many rows it changed.
 */
async function refreshColumn(
  db: Executor,
  column: 'overdue_from' | 'scope_units',
  rebuilt: Expression<unknown>,
  caseIds?: readonly string[],
) {
  const only = caseIds === undefined ? sql`true` : sql`cases.id = any(${caseIds}::uuid[])`;
  const result = await sql`update cases set ${sql.ref(column)} = ${rebuilt}
    where ${only} and ${sql.ref(column)} is distinct from ${rebuilt}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Rebuilds `cases.overdue_from` from the deadline rows of the given cases (every case when none are given) and
 * returns how many rows it changed. The transitions keep the column; this is for data written in SQL (a seeded
 * or copied data set) and for the check that the transitions kept it.
 */
export async function refreshOverdueFrom(db: Executor, caseIds?: readonly string[]): Promise<number> {
  return refreshColumn(db, 'overdue_from', OVERDUE_FROM_SQL, caseIds);
}

/**
 * Rebuilds `cases.scope_units` from `case_units` for the given cases (every case when none are given) and returns
 * how many rows it changed. The transitions keep the column; this is for `case_units` written or corrected in SQL,
 * and for the check that the transitions kept it.
 */
export async function refreshScopeUnits(db: Executor, caseIds?: readonly string[]): Promise<number> {
  return refreshColumn(db, 'scope_units', scopeUnitsOf(sql`select unit from case_units where case_units.case_id = cases.id`), caseIds);
}
