import { sql, type Kysely } from 'kysely';

/** The listed-supervision flag (挂牌督办) as a column for the board, and idempotency keys for retried requests. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('listed', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await sql`update cases set listed = coalesce((snapshot -> 'context' ->> 'listed')::boolean, false)`.execute(db);
  // The board lists escalated or listed cases until they close (挂牌销号).
  await sql`create index cases_supervision_idx on cases (unit text_pattern_ops) where (listed or state = 'escalated') and state not in ('closed', 'rejected')`.execute(
    db,
  );

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('response', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['actor_id', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
}

/** Drops the idempotency keys and the listed column. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await sql`drop index cases_supervision_idx`.execute(db);
  await db.schema.alterTable('cases').dropColumn('listed').execute();
}
