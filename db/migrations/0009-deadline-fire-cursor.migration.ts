import { sql, type Kysely } from 'kysely';

/**
 * The sweeper pages pending deadlines by `(next_fire_at, id) > ($1, $2)`: a
 * row comparison only starts an index scan where the index holds both
 * columns. Thousands of timers due at the same instant (after an outage, or
 * a bulk import) then cost one page each, not a rescan of every tie.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index deadlines_fire_cursor_idx on deadlines (next_fire_at, id) where status = 'pending'`.execute(db);
  await sql`drop index deadlines_next_fire_idx`.execute(db);
}

/** Back to the index on the fire time alone. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`create index deadlines_next_fire_idx on deadlines (next_fire_at) where status = 'pending'`.execute(db);
  await sql`drop index deadlines_fire_cursor_idx`.execute(db);
}
