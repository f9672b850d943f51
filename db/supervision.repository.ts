import { sql, type Kysely, type Transaction } from 'kysely';
import { type StateName } from '../machines/petition.vocabulary';
import { caseInUnitScope } from './case-scope.sql';
import { keysetAfter } from './keyset.sql';
import { caseOverdue, deadlineAtRisk, LIVE_DEADLINE, openCase } from './open-case.sql';
import type { Database } from './schema';

/** An escalated case is on the board until it closes, listed or not. */
const ESCALATED: StateName = 'escalated';

/** One unit's line on the listed-supervision board. */
export interface UnitSupervisionCounts {
  readonly unit: string;
  /** Cases still open. */
  readonly active: number;
  /** Escalated or listed (挂牌) and not yet closed (销号). */
  readonly listed: number;
  /** With a breached duty, or a pending one past due (`cases.overdue_from`; a lapsed petitioner window is not overdue). */
  readonly overdue: number;
  /** Not overdue, but a reminder of a pending deadline has already fired. */
  readonly atRisk: number;
}

/**
 * Per-unit counts of open cases in a subtree (own unit of each case), for the
 * board of 挂牌督办. The open cases come from the partial index on open cases
 * (`cases_open_created_idx`, which carries unit, listed, state and
 * `overdue_from`, so "overdue" is read from the index), and each one's
 * deadlines are read once for "at risk", by one aggregate per case over the
 * live deadlines index (`deadlines_live_case_idx`): at a million cases, two
 * EXISTS per case re-read the deadlines and the whole cases table was scanned.
 */
export async function supervisionCounts(db: Kysely<Database>, scopeUnit: string, now: Date): Promise<UnitSupervisionCounts[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('max_parallel_workers_per_gather', '0', true), set_config('plan_cache_mode', 'force_custom_plan', true)`.execute(
      trx,
    );
    return countsOf(trx, scopeUnit, now);
  });
}

/**
 * The counts' one statement, run by its transaction with two settings of its own:
 * - Planned for its values every time. The statement is prepared once it repeats, and after five runs PostgreSQL
 *   gave it the generic plan, which it priced near the custom one: at a million cases 150 ms against 70.
 * - Without parallel workers: the planner gives a city's board two of them to share the scan, and on two cores
 *   the statement took 85 ms with them against 43 ms alone (starting the workers and merging their rows cost more
 *   than the share of work they take). Boards are read by many supervisors at once, each on a connection of its
 *   own, and workers would take the cores their reads run on. The province's whole board is the price: 530 ms
 *   alone against 370 ms with workers, measured alike.
 */
async function countsOf(db: Transaction<Database>, scopeUnit: string, now: Date): Promise<UnitSupervisionCounts[]> {
  const { rows } = await sql<{ unit: string; active: number; listed: number; overdue: number; at_risk: number }>`
    select cases.unit, count(*)::int as active,
      count(*) filter (where cases.listed or cases.state = ${sql.lit(ESCALATED)})::int as listed,
      count(*) filter (where ${caseOverdue(now)})::int as overdue,
      count(*) filter (where live.at_risk and not coalesce(${caseOverdue(now)}, false))::int as at_risk
    from cases
    cross join lateral (
      select coalesce(bool_or(${deadlineAtRisk(now)}), false) as at_risk
      from deadlines d where d.case_id = cases.id and ${LIVE_DEADLINE}
    ) live
    where ${openCase()} and ${caseInUnitScope(scopeUnit)}
    group by cases.unit order by cases.unit`.execute(db);
  return rows.map((r) => ({ unit: r.unit, active: r.active, listed: r.listed, overdue: r.overdue, atRisk: r.at_risk }));
}

/**
 * The listed or escalated open cases in a subtree, oldest change first (ties by id), with the change
 * time that orders them; `after` continues from the last case of the previous page.
 */
export async function listedCases(
  db: Kysely<Database>,
  scopeUnit: string,
  limit: number,
  after?: { at: Date; id: string },
): Promise<{ id: string; updatedAt: Date }[]> {
  let query = db
    .selectFrom('cases')
    .select(['id', 'updated_at'])
    // As `cases_supervision_updated_idx` spells its predicate, so the planner can use it.
    .where(sql<boolean>`(cases.listed or cases.state = ${sql.lit(ESCALATED)})`)
    .where(openCase())
    .where(caseInUnitScope(scopeUnit));
  if (after !== undefined) query = query.where(keysetAfter(['updated_at', 'id'], after, 'asc'));
  const rows = await query.orderBy('updated_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at }));
}
