import { sql, type Kysely } from 'kysely';

/**
 * Binds stored idempotent responses to the whole actor (user id, role and
 * unit), not to the user id alone: ids such as `clerk-1` repeat across
 * counties, and a response stored for one must never answer another. Rows
 * stored before this migration cannot be bound to a role and unit, so they
 * are dropped (they are a 24-hour cache of first responses).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`delete from idempotency_keys`.execute(db);
  await db.schema.alterTable('idempotency_keys').dropConstraint('idempotency_keys_pk').execute();
  await db.schema
    .alterTable('idempotency_keys')
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('actor_unit', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('idempotency_keys')
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['actor_id', 'actor_role', 'actor_unit', 'key'])
    .execute();
}

/** Back to keys per user id; the stored responses are dropped for the same reason. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from idempotency_keys`.execute(db);
  await db.schema.alterTable('idempotency_keys').dropConstraint('idempotency_keys_pk').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('actor_role').dropColumn('actor_unit').execute();
  await db.schema.alterTable('idempotency_keys').addPrimaryKeyConstraint('idempotency_keys_pk', ['actor_id', 'key']).execute();
}
