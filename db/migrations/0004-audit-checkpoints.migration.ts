import { sql, type Kysely } from 'kysely';

/** Signed checkpoints of the trail: append-only like the trail itself. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('cases', 'integer', (c) => c.notNull())
    .addColumn('root', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    // [caseId, version, headHash] per case in case id order: what the root covers, so the checkpoint verifies alone.
    .addColumn('leaves', 'jsonb', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_checkpoints_created_idx').on('audit_checkpoints').columns(['created_at desc', 'id desc']).execute();
  await sql`
    create function petitionflow_refuse_checkpoint_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_checkpoints is append-only: % refused', tg_op using errcode = 'P0001';
    end $$`.execute(db);
  await sql`
    create trigger audit_checkpoints_append_only before update or delete on audit_checkpoints
    for each row execute function petitionflow_refuse_checkpoint_change()`.execute(db);
  await sql`
    create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
    for each statement execute function petitionflow_refuse_checkpoint_change()`.execute(db);
}

/** Drops the checkpoints table: only for development databases (copies written out stay valid). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_checkpoints').execute();
  await sql`drop function petitionflow_refuse_checkpoint_change()`.execute(db);
}
