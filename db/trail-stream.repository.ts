/**
 * The reads of whole-trail verification, in key order with row-comparison
 * keyset cursors: `(case_id, seq) > ($1, $2)` on the trail's primary key and
 * `id > $1` on the cases' primary key, so every page starts an index scan
 * where the last one stopped (page k costs what page 1 costs).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { chainedRecords, type CaseEventRecord, type EventRow } from './case-event.repository';
import { caseRecordOf, type CaseRecord } from './case.repository';
import { caseUnitInScope } from './case-scope.sql';
import type { CasesTable, Database } from './schema';

/** A half-open range of case ids `[from, to)`; either end open when undefined. */
export interface CaseIdRange {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** A position in the trail: after entry `seq` of case `caseId`. */
export interface TrailCursor {
  readonly caseId: string;
  readonly seq: number;
  /** That entry's hash, when known: the next entry of the same case chains to it. */
  readonly hash?: string | undefined;
}

/** Before every entry of every case id at or after `from` (seq starts at 1). */
export function trailStart(from: string | undefined): TrailCursor {
  return { caseId: from ?? '00000000-0000-0000-0000-000000000000', seq: 0 };
}

/**
 * The next page of case rows in id order: after `afterId` (or from the range's start), within the range and scope.
 * A scoped page takes its ids from `case_units` first (in case id order on its primary key, or from the unit index
 * for a small scope, as the planner finds cheaper) and only then reads those case rows: a county's verification
 * reads that county's cases, not every case row in id order to test each against the scope.
 */
export async function listCaseRowsAfter(
  db: Kysely<Database>,
  range: CaseIdRange,
  afterId: string | undefined,
  limit: number,
  scopeUnit?: string,
): Promise<CaseRecord[]> {
  const lower = afterId !== undefined ? sql`> ${afterId}::uuid` : range.from !== undefined ? sql`>= ${range.from}::uuid` : undefined;
  const upper = range.to !== undefined ? sql`< ${range.to}::uuid` : undefined;
  if (scopeUnit === undefined) {
    let q = db.selectFrom('cases').selectAll('cases');
    if (lower !== undefined) q = q.where(sql<boolean>`cases.id ${lower}`);
    if (upper !== undefined) q = q.where(sql<boolean>`cases.id ${upper}`);
    const rows = await q.orderBy('cases.id').limit(limit).execute();
    return rows.map(caseRecordOf);
  }
  const { rows } = await sql<Selectable<CasesTable>>`
    select cases.* from cases where cases.id in (
      select cu.case_id from case_units cu
      where ${caseUnitInScope(sql.ref('cu.unit'), scopeUnit)}
        and ${lower === undefined ? sql`true` : sql`cu.case_id ${lower}`} and ${upper === undefined ? sql`true` : sql`cu.case_id ${upper}`}
      group by cu.case_id order by cu.case_id limit ${limit}
    ) order by cases.id`.execute(db);
  return rows.map(caseRecordOf);
}

/**
 * The next page of trail entries after `cursor`, up to case id `lastId`
 * inclusive (a range scan of the primary key), or, with `caseIds`, of those
 * cases only (a scoped check reads only the cases in its scope).
 */
export async function listTrailAfter(
  db: Kysely<Database>,
  cursor: TrailCursor,
  bound: { readonly lastId: string } | { readonly caseIds: readonly string[] },
  limit: number,
): Promise<CaseEventRecord[]> {
  const within = 'lastId' in bound ? sql`case_id <= ${bound.lastId}::uuid` : sql`case_id = any(${[...bound.caseIds]}::uuid[])`;
  // `at` is formatted by the server as the ISO text it was hashed as: parsing a Date per entry and formatting it
  // again costs the client more than the whole hash.
  const { rows } = await sql<Omit<EventRow, 'at'> & { at: string }>`
    select case_id, seq, type, fields, actor_id, actor_role, actor_unit, machine_version, encode(hash, 'hex') as hash, state_after,
      encode(snapshot_hash, 'hex') as snapshot_hash, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
    from case_events
    where (case_id, seq) > (${cursor.caseId}::uuid, ${cursor.seq}::int) and ${within}
    order by case_id, seq limit ${limit}`.execute(db);
  return chainedRecords(rows, cursor.hash === undefined ? undefined : { caseId: cursor.caseId, seq: cursor.seq, hash: cursor.hash });
}

/** The first trail entry after `cursor` and before case id `to`: an entry whose case row is missing, when the cases ran out. */
export async function findTrailAfter(db: Kysely<Database>, cursor: TrailCursor, to: string | undefined): Promise<TrailCursor | undefined> {
  const upper = to === undefined ? sql`true` : sql`case_id < ${to}::uuid`;
  const { rows } = await sql<{ case_id: string; seq: number }>`
    select case_id, seq from case_events
    where (case_id, seq) > (${cursor.caseId}::uuid, ${cursor.seq}::int) and ${upper}
    order by case_id, seq limit 1`.execute(db);
  const row = rows[0];
  return row === undefined ? undefined : { caseId: row.case_id, seq: row.seq };
}
