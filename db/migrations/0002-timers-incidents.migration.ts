import { sql, type Kysely } from 'kysely';

/**
 * Timer bookkeeping on deadlines (one armed job per live deadline: its next
 * fire time) and the incidents of jobs that exhausted their retries.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('deadlines')
    .addColumn('reminders_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_fire_at', 'timestamptz')
    .execute();
  // The next fire time follows from the row itself, so the database keeps it: the first unsent reminder, else the due time.
  await sql`
    create function petitionflow_deadline_next_fire() returns trigger language plpgsql as $$
    begin
      new.next_fire_at := case when new.status = 'pending'
        then coalesce((new.reminders ->> new.reminders_sent)::timestamptz, new.due_at) end;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger deadlines_next_fire before insert or update on deadlines
    for each row execute function petitionflow_deadline_next_fire()`.execute(db);
  await sql`update deadlines set reminders_sent = 0`.execute(db);
  // The sweeper looks for pending deadlines whose next timer falls within its horizon.
  await sql`create index deadlines_next_fire_idx on deadlines (next_fire_at) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('job_name', 'text', (c) => c.notNull())
    .addColumn('case_id', 'uuid')
    .addColumn('clock', 'text')
    .addColumn('generation', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'retried', 'resolved')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('incidents_case_idx').on('incidents').columns(['case_id']).execute();
  await sql`create index incidents_open_idx on incidents (created_at desc) where status = 'open'`.execute(db);
}

/** Removes the incidents table and the timer columns. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('incidents').execute();
  await sql`drop index deadlines_next_fire_idx`.execute(db);
  await sql`drop trigger deadlines_next_fire on deadlines`.execute(db);
  await sql`drop function petitionflow_deadline_next_fire()`.execute(db);
  await db.schema.alterTable('deadlines').dropColumn('next_fire_at').dropColumn('reminders_sent').execute();
}
