import { sql, type Kysely } from 'kysely';

/**
 * `cases.overdue_from`: when the case becomes overdue if nothing changes (the earliest due time of its pending
 * duties, the deadlines whose breach escalates; `-infinity` once one is breached; null with none), written by every
 * transition with the case row. A petitioner's window that lapses (its breach closes or notifies) no longer makes
 * a case overdue on the list and the board, as its view already said. `cases_open_created_idx` is rebuilt to carry
 * the column, so the overdue list walks the open cases newest first and tests "overdue" from the index tuple
 * instead of probing the deadlines' index once per open case.
 *
 * The backfill reads each live duty once and writes only the cases that have one, open or closed (seconds at a
 * million cases, 52k of them with one). Run `vacuum analyze cases` after it: the updated rows clear their pages'
 * visibility bits, and until autovacuum passes, the board's index-only scan of the open cases reads the table too
 * (229 ms against 39 for a city's board at a million cases, measured).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases add column overdue_from timestamptz`.execute(db);
  await sql`
    update cases c set overdue_from = x.overdue_from
    from (
      select d.case_id, min(case when d.status = 'breached' then '-infinity'::timestamptz else d.due_at end) as overdue_from
      from deadlines d where d.status in ('pending', 'breached') and d.on_breach = 'escalate' group by d.case_id
    ) x
    where c.id = x.case_id`.execute(db);
  await sql`drop index cases_open_created_idx`.execute(db);
  await sql`create index cases_open_created_idx on cases (created_at desc, id desc) include (unit, listed, state, overdue_from)
    where state not in ('closed', 'rejected')`.execute(db);
}

/** Drops the column; the index goes back to migration 0013's form. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_open_created_idx`.execute(db);
  await sql`alter table cases drop column overdue_from`.execute(db);
  await sql`create index cases_open_created_idx on cases (created_at desc, id desc) include (unit, listed, state)
    where state not in ('closed', 'rejected')`.execute(db);
}
