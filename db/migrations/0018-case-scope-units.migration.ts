import { sql, type Kysely } from 'kysely';

/**
 * `cases.scope_units`: the units of the case's `case_units` rows on the case row itself (` 411621 411621206 `,
 * byte order, between spaces), written by the statement that adds them. The newest-first indexes carry it, so a
 * list page walks them and tests each case's scope from the index tuple instead of probing `case_units` once per
 * case. `case_units` stays the source: single-case reads and scoped scans still read it, and the column is rebuilt
 * from it here and by `refreshScopeUnits`.
 *
 * Writes every case row: a minute or two at a million cases. Run it in a maintenance window, then `vacuum analyze
 * cases` (until autovacuum has passed, index-only walks read the table too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases add column scope_units text not null default ''`.execute(db);
  await sql`
    update cases c set scope_units = x.scope_units
    from (select case_id, ' ' || string_agg(unit, ' ' order by unit collate "C") || ' ' as scope_units from case_units group by case_id) x
    where c.id = x.case_id`.execute(db);
  await sql`drop index cases_created_idx`.execute(db);
  await sql`create index cases_created_idx on cases (created_at desc, id desc) include (scope_units)`.execute(db);
  await sql`drop index cases_open_created_idx`.execute(db);
  await sql`create index cases_open_created_idx on cases (created_at desc, id desc) include (unit, listed, state, overdue_from, scope_units)
    where state not in ('closed', 'rejected')`.execute(db);
}

/** Drops the column; the indexes go back to the form of migrations 0001 and 0017. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_open_created_idx`.execute(db);
  await sql`drop index cases_created_idx`.execute(db);
  await sql`alter table cases drop column scope_units`.execute(db);
  await sql`create index cases_created_idx on cases (created_at desc, id desc)`.execute(db);
  await sql`create index cases_open_created_idx on cases (created_at desc, id desc) include (unit, listed, state, overdue_from)
    where state not in ('closed', 'rejected')`.execute(db);
}
