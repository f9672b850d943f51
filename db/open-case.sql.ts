import { sql, type Expression, type SqlBool } from 'kysely';
import { FINAL_STATES } from '../machines/petition.vocabulary';

/**
 * The SQL of "open case" and "overdue", in the form the partial indexes of
 * migration 0013 are built on, so every read that tests them can use them.
 */

/**
 * The case (the `cases` table under its own name) is still open. The final
 * states go in as literals, not parameters: the planner only uses the partial
 * index on open cases (`cases_open_created_idx`) when it can see its predicate.
 */
export function openCase(): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref('cases.state')} not in (${sql.join(FINAL_STATES.map((state) => sql.lit(state)))})`;
}

/** The deadline statuses that can make a case overdue or at risk, as `deadlines_live_case_idx` is built on. */
export const LIVE_DEADLINE = sql<SqlBool>`d.status in ('pending', 'breached')`;

/** Deadline `d` (one of {@link LIVE_DEADLINE}) is breached, or pending and past due at `now`. */
export function deadlineOverdue(now: Date): Expression<SqlBool> {
  return sql<SqlBool>`(d.status = 'breached' or d.due_at < ${now})`;
}

/** Deadline `d` (one of {@link LIVE_DEADLINE}) is pending, not yet due, and a reminder of it has fired. */
export function deadlineAtRisk(now: Date): Expression<SqlBool> {
  return sql<SqlBool>`(d.status = 'pending' and d.reminders_sent > 0 and d.due_at >= ${now})`;
}

/**
 * `cases.overdue_from`: when the case becomes overdue if nothing changes. It is the earliest due time of its
 * pending deadlines, or PostgreSQL's `-infinity` once one of them is breached (a breached deadline stays overdue,
 * even if an extension has moved its due time on); null when it has no live deadline. Every transition writes it
 * with the case row ({@link overdueFromOf}).
 */
export type OverdueFrom = Date | typeof ALREADY_OVERDUE | null;

/** The {@link OverdueFrom} of a case with a breached live deadline: before any instant. */
export const ALREADY_OVERDUE = '-infinity';

/**
 * The {@link OverdueFrom} of a case whose deadline rows are `deadlines`: the rule {@link caseOverdue} reads back,
 * in TypeScript for the transition that writes it. {@link OVERDUE_FROM_SQL} is the same rule in SQL.
 */
export function overdueFromOf(deadlines: readonly { readonly status: string; readonly dueAt: Date }[]): OverdueFrom {
  let earliest: Date | null = null;
  for (const d of deadlines) {
    if (d.status === 'breached') return ALREADY_OVERDUE;
    if (d.status === 'pending' && (earliest === null || d.dueAt < earliest)) earliest = d.dueAt;
  }
  return earliest;
}

/**
 * {@link overdueFromOf} in SQL, for the case `cases.id`: how {@link refreshOverdueFrom} rebuilds the column from the
 * deadline rows (a data set written in SQL; the check that the transitions kept it).
 */
export const OVERDUE_FROM_SQL = sql<Date | number | null>`(select min(case when d.status = 'breached' then '-infinity'::timestamptz
  else d.due_at end) from deadlines d where d.case_id = cases.id and ${LIVE_DEADLINE})`;

/**
 * The case (under its own name) is overdue at `now`: it has a breached deadline, or a pending one past due. Read
 * from `cases.overdue_from`, which `cases_open_created_idx` carries: a walk over the open cases tests it from the
 * index tuple, where an `exists` over the deadlines would probe their index for every open case walked.
 */
export function caseOverdue(now: Date): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref('cases.overdue_from')} < ${now}`;
}
