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
 * Case `caseId` has a breached deadline, or a pending one past due at `now`
 * (read from `deadlines_live_case_idx`), tested row by row: `offset 0` keeps
 * the planner from hashing every overdue deadline of the province first.
 */
export function liveDeadlineOverdue(caseId: Expression<string>, now: Date): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from deadlines d where d.case_id = ${caseId} and ${LIVE_DEADLINE} and ${deadlineOverdue(now)} offset 0)`;
}
