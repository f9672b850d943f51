import { sql, type Kysely } from 'kysely';

/**
 * One row of facts per case, kept in step with the case by the same statement
 * that writes each transition: what the statistics count (registering unit,
 * time, channel, class, category, flags, how the intake and handling clocks
 * ended, the answer, its delivery, the ratings, the closure, supervision).
 * The figures are aggregates over these columns, never over snapshots.
 * Rows for cases recorded before this migration are rebuilt from their
 * trails by `petitionflow migrate` (see engine/statistics/facts-rebuild.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_facts')
    .addColumn('case_id', 'uuid', (c) => c.primaryKey().references('cases.id'))
    .addColumn('machine_version', 'integer', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('body_unit', 'text')
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('class', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('head_count', 'integer', (c) => c.notNull())
    .addColumn('flag_group', 'boolean', (c) => c.notNull())
    .addColumn('flag_skip_level', 'boolean', (c) => c.notNull())
    .addColumn('flag_law_related', 'boolean', (c) => c.notNull())
    .addColumn('flag_major_urgent', 'boolean', (c) => c.notNull())
    .addColumn('flag_repeat', 'boolean', (c) => c.notNull())
    .addColumn('flag_first', 'boolean', (c) => c.notNull())
    .addColumn('acceptance', 'text')
    .addColumn('acceptance_at', 'timestamptz')
    .addColumn('handling', 'text')
    .addColumn('handling_at', 'timestamptz')
    .addColumn('answered_at', 'timestamptz')
    .addColumn('outcome', 'text')
    .addColumn('delivered_at', 'timestamptz')
    .addColumn('rating_body', 'text')
    .addColumn('rating_bureau', 'text')
    .addColumn('closure', 'text')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('transferred', 'boolean', (c) => c.notNull())
    .addColumn('assigned', 'boolean', (c) => c.notNull())
    .addColumn('supervised', 'boolean', (c) => c.notNull())
    .addColumn('review_stage', 'text', (c) => c.notNull())
    .execute();
  // Every figure is "in a unit's subtree (a code prefix) and a period": one index per period column.
  await sql`create index case_facts_registered_idx on case_facts (unit text_pattern_ops, registered_at)`.execute(db);
  await sql`create index case_facts_acceptance_idx on case_facts (unit text_pattern_ops, acceptance_at) where acceptance_at is not null`.execute(
    db,
  );
  await sql`create index case_facts_handling_idx on case_facts (unit text_pattern_ops, handling_at) where handling_at is not null`.execute(
    db,
  );
}

/** Drops the facts; the trail keeps everything they were derived from. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_facts').execute();
}
