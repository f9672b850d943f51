import { sql, type Kysely } from 'kysely';
import { FINAL_STATES, type StateName } from '../machines/petition.vocabulary';
import { caseInUnitScope } from './case-scope.sql';
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
  /** With a breached deadline, or a pending one past due. */
  readonly overdue: number;
  /** Not overdue, but a reminder of a pending deadline has already fired. */
  readonly atRisk: number;
}

/**
 * Per-unit counts of open cases in a subtree (own unit of each case), for the
 * board of 挂牌督办. One grouped query over cases and their live deadlines.
 */
export async function supervisionCounts(db: Kysely<Database>, scopeUnit: string, now: Date): Promise<UnitSupervisionCounts[]> {
  // The states go in as literals, not parameters, as the partial index on open cases spells them.
  const { rows } = await sql<{ unit: string; active: number; listed: number; overdue: number; at_risk: number }>`
    with scoped as (
      select cases.id, cases.unit, (cases.listed or cases.state = ${sql.lit(ESCALATED)}) as listed,
        exists (select 1 from deadlines d where d.case_id = cases.id
                and (d.status = 'breached' or (d.status = 'pending' and d.due_at < ${now}))) as overdue,
        exists (select 1 from deadlines d where d.case_id = cases.id
                and d.status = 'pending' and d.reminders_sent > 0 and d.due_at >= ${now}) as at_risk
      from cases
      where cases.state not in (${sql.join(FINAL_STATES.map((state) => sql.lit(state)))}) and ${caseInUnitScope(scopeUnit)}
    )
    select unit, count(*)::int as active, count(*) filter (where listed)::int as listed,
      count(*) filter (where overdue)::int as overdue, count(*) filter (where at_risk and not overdue)::int as at_risk
    from scoped group by unit order by unit`.execute(db);
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
    .where((eb) => eb.or([eb('listed', '=', true), eb('state', '=', ESCALATED)]))
    .where('state', 'not in', FINAL_STATES)
    .where(caseInUnitScope(scopeUnit));
  if (after !== undefined) {
    query = query.where((eb) =>
      eb.or([eb('updated_at', '>', after.at), eb.and([eb('updated_at', '=', after.at), eb('id', '>', after.id)])]),
    );
  }
  const rows = await query.orderBy('updated_at').orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at }));
}
