import type { Kysely } from 'kysely';

/**
 * Verification at hashing speed. Each new trail entry records the state its
 * event led to and the digest of the snapshot it left (both hashed with the
 * entry; older entries keep null and their original hash), so a case row is
 * checked against its trail head without replaying the machine. And
 * `verify_runs` holds background verifications started through the API, with
 * their progress and result.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('case_events').addColumn('state_after', 'text').addColumn('snapshot_hash', 'text').execute();
  await db.schema
    .createTable('verify_runs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('scope_unit', 'text')
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('total_cases', 'integer')
    .addColumn('cases', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('checked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('ok', 'boolean')
    .addColumn('first_broken', 'jsonb')
    .addColumn('error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('finished_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('verify_runs_status_idx').on('verify_runs').columns(['status', 'created_at']).execute();
}

/** Drops the runs and the recorded outcomes (entries written since keep hashes that cover them: development only). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('verify_runs').execute();
  await db.schema.alterTable('case_events').dropColumn('state_after').dropColumn('snapshot_hash').execute();
}
