import { sql, type Kysely } from 'kysely';

/** Cases, their hash-chained trail, deadlines, refusals and the unit tree. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('parent_code', 'text', (c) => c.references('units.code'))
    .execute();

  await db.schema
    .createTable('cases')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('assignee_unit', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('machine_version', 'integer', (c) => c.notNull())
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addColumn('last_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  // Listing newest first within a unit subtree (prefix match on the division code), optionally by state.
  await sql`create index cases_unit_created_idx on cases (unit text_pattern_ops, created_at desc, id desc)`.execute(db);
  await sql`create index cases_assignee_unit_idx on cases (assignee_unit text_pattern_ops) where assignee_unit is not null`.execute(db);
  await db.schema.createIndex('cases_created_idx').on('cases').columns(['created_at desc', 'id desc']).execute();
  await db.schema.createIndex('cases_state_created_idx').on('cases').columns(['state', 'created_at desc', 'id desc']).execute();

  await db.schema
    .createTable('case_events')
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('actor_unit', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('machine_version', 'integer', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_events_pk', ['case_id', 'seq'])
    .execute();
  // The trail is append-only: the database itself refuses changes, whoever connects.
  await sql`
    create function petitionflow_refuse_trail_change() returns trigger language plpgsql as $$
    begin
      raise exception 'case_events is append-only: % refused', tg_op using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger case_events_append_only before update or delete on case_events
    for each row execute function petitionflow_refuse_trail_change()`.execute(db);
  await sql`
    create trigger case_events_no_truncate before truncate on case_events
    for each statement execute function petitionflow_refuse_trail_change()`.execute(db);

  await db.schema
    .createTable('deadlines')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'paused', 'met', 'breached', 'cancelled')`))
    .addColumn('calendar', 'text', (c) => c.notNull())
    .addColumn('duration', 'text', (c) => c.notNull())
    .addColumn('on_breach', 'text', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz', (c) => c.notNull())
    .addColumn('reminders', 'jsonb', (c) => c.notNull())
    .addColumn('paused_at', 'timestamptz')
    .addColumn('extended_by', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('deadlines_case_clock_generation_key', ['case_id', 'clock', 'generation'])
    .execute();
  // The sweeper and the overdue filter look for live deadlines by due time.
  await sql`create index deadlines_live_due_idx on deadlines (due_at) where status in ('pending', 'paused')`.execute(db);

  await db.schema
    .createTable('refused_attempts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'uuid')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('actor_unit', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('state', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refused_attempts_case_idx').on('refused_attempts').columns(['case_id', 'at']).execute();
}

/** Drops everything `up` created, trail included: only for development databases. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refused_attempts').execute();
  await db.schema.dropTable('deadlines').execute();
  await db.schema.dropTable('case_events').execute();
  await sql`drop function petitionflow_refuse_trail_change()`.execute(db);
  await db.schema.dropTable('cases').execute();
  await db.schema.dropTable('units').execute();
}
