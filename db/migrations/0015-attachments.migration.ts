import { sql, type Kysely } from 'kysely';

/**
 * Files filed with a case (scanned letters, evidence):
 *
 * - `attachments`: one row per file, written in the transaction of the trail
 *   entry that records its digest (`seq`). The file name lives here and never
 *   in the trail, as it may name a person; `personal` marks a file that roles
 *   seeing the case masked may not download.
 * - `attachment_contents`: the bytes, in a table of their own so lists never
 *   read them. The default store keeps files here; another store would leave
 *   it empty.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table attachments (
      id uuid primary key,
      case_id uuid not null references cases (id),
      seq integer not null,
      kind text not null,
      file_name text not null,
      media_type text not null,
      size integer not null check (size >= 0),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      personal boolean not null,
      uploaded_by_id text not null,
      uploaded_by_role text not null,
      uploaded_by_unit text not null,
      uploaded_at timestamptz not null)`.execute(db);
  await sql`create index attachments_case_idx on attachments (case_id, uploaded_at, id)`.execute(db);
  await sql`
    create table attachment_contents (
      attachment_id uuid primary key references attachments (id),
      bytes bytea not null)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table attachment_contents`.execute(db);
  await sql`drop table attachments`.execute(db);
}
