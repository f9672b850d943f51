import { sql, type Kysely } from 'kysely';

/**
 * Indexes for reads at province scale (a million cases, most of them closed):
 *
 * - `cases_open_created_idx`: the open cases newest first, for `?overdue=true`
 *   (only open cases can be overdue) and a keyset page `(created_at, id) < (…)`
 *   among them; `unit`, `listed` and `state` ride along so the supervision
 *   board reads its open cases from this index alone.
 * - `deadlines_live_case_idx`: the deadlines that can make a case overdue or
 *   at risk (pending or breached) by case, with what those tests read, for the
 *   board's one aggregate per case and the overdue test of a list.
 * - `cases_supervision_updated_idx`: the listed or escalated open cases
 *   oldest change first, where the board's keyset page starts.
 * - `incidents_case_created_idx`, `incidents_open_created_idx`: incidents
 *   newest first with their ids, so a keyset page `(created_at, id) < (…)`
 *   starts an index scan; by case for the batched incidents of a page of views.
 *
 * The final states are spelled as literals, as the queries that use the
 * partial indexes spell them (`machines/petition.vocabulary.ts` FINAL_STATES).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index cases_open_created_idx on cases (created_at desc, id desc) include (unit, listed, state)
    where state not in ('closed', 'rejected')`.execute(db);
  await sql`create index deadlines_live_case_idx on deadlines (case_id) include (status, due_at, reminders_sent)
    where status in ('pending', 'breached')`.execute(db);
  await sql`create index incidents_case_created_idx on incidents (case_id, created_at desc, id desc)`.execute(db);
  await sql`drop index incidents_case_idx`.execute(db);
  await sql`create index incidents_open_created_idx on incidents (created_at desc, id desc) where status = 'open'`.execute(db);
  await sql`drop index incidents_open_idx`.execute(db);
  await sql`create index cases_supervision_updated_idx on cases (updated_at, id)
    where (listed or state = 'escalated') and state not in ('closed', 'rejected')`.execute(db);
}

/** Drops the scale indexes. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index cases_supervision_updated_idx`.execute(db);
  await sql`create index incidents_open_idx on incidents (created_at desc) where status = 'open'`.execute(db);
  await sql`drop index incidents_open_created_idx`.execute(db);
  await db.schema.createIndex('incidents_case_idx').on('incidents').columns(['case_id']).execute();
  await sql`drop index incidents_case_created_idx`.execute(db);
  await sql`drop index deadlines_live_case_idx`.execute(db);
  await sql`drop index cases_open_created_idx`.execute(db);
}
