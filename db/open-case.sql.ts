import { sql, type Expression, type SqlBool } from 'kysely';
import { DUTY_BREACH_ACTION, FINAL_STATES } from '../machines/petition.vocabulary';

/**
 * The SQL of "open case", "overdue" and "at risk", in the form the partial
 * indexes of migrations 0013 and 0017 are built on, so every read that tests
 * them can use them; and the rule of `cases.overdue_from`, which "overdue" reads.
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

/** Deadline `d` (one of {@link LIVE_DEADLINE}) is pending, not yet due, and a reminder of it has fired. */
export function deadlineAtRisk(now: Date): Expression<SqlBool> {
  return sql<SqlBool>`(d.status = 'pending' and d.reminders_sent > 0 and d.due_at >= ${now})`;
}

/**
 * `cases.overdue_from`: when the case becomes overdue if nothing changes. It is the earliest due time of its
 * pending duties (deadlines whose breach escalates, {@link DUTY_BREACH_ACTION}), or PostgreSQL's `-infinity` once
 * one of them is breached (a breached duty stays overdue, even if an extension has moved its due time on); null
 * when it has none. A petitioner's window or an objection door that passes its end has lapsed, as the case's view
 * says (engine/deadline-urgency.ts): it makes no case overdue. Every transition writes it with the case row
 * ({@link overdueFromOf}).
 */
export type OverdueFrom = Date | typeof ALREADY_OVERDUE | null;

/** The {@link OverdueFrom} of a case with a breached duty: before any instant. */
export const ALREADY_OVERDUE = '-infinity';

/** What {@link overdueFromOf} reads of a deadline row. */
export interface OverdueSource {
  readonly status: string;
  readonly dueAt: Date;
  readonly onBreach: string;
}

/**
 * The {@link OverdueFrom} of a case whose deadline rows are `deadlines`: the rule {@link caseOverdue} reads back,
 * in TypeScript for the transition that writes it. {@link OVERDUE_FROM_SQL} is the same rule in SQL.
 */
export function overdueFromOf(deadlines: readonly OverdueSource[]): OverdueFrom {
  let earliest: Date | null = null;
  for (const d of deadlines) {
    if (d.onBreach !== DUTY_BREACH_ACTION) continue;
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
  else d.due_at end) from deadlines d where d.case_id = cases.id and ${LIVE_DEADLINE} and d.on_breach = ${sql.lit(DUTY_BREACH_ACTION)})`;

/**
 * The case (under its own name) is overdue at `now`: a duty of it is breached, or pending and past due. Read from
 * `cases.overdue_from`, which `cases_open_created_idx` carries: a walk over the open cases (a list page, the
 * supervision board) tests it from the index tuple, where an `exists` over the deadlines would probe their index
 * for every open case walked.
 */
export function caseOverdue(now: Date): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref('cases.overdue_from')} < ${now}`;
}
