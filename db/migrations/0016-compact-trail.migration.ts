import { sql, type Kysely } from 'kysely';

/**
 * A smaller trail, with the same hash chain:
 *
 * - the SHA-256 digests (`case_events.hash`, `case_events.snapshot_hash`,
 *   `cases.last_hash`) are kept as their 32 bytes instead of 64 hex
 *   characters; the hex form is what is hashed, shown and exported, and is
 *   formatted on read;
 * - `case_events.prev_hash` goes: an entry's previous hash is the hash of the
 *   case's entry before it (the zero hash before the first), which every read
 *   of a trail in order already has. Each hash still covers the previous one,
 *   so a changed, removed or reordered entry breaks the chain as before.
 *
 * The trail table is built anew rather than altered: a dropped column would
 * stay in every row as a null (and with it a null bitmap, 8 bytes a row), and
 * a new table can order its columns so that none needs alignment padding (the
 * fixed-width ones first) and hold each case's entries together, in key
 * order. Takes a few minutes for ten million entries: run it in a maintenance
 * window; `migrate --admin-url` grants the application role its rights on the
 * new table as after every migration.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table case_events rename to case_events_before_0016`.execute(db);
  await sql`alter table case_events_before_0016 rename constraint case_events_pk to case_events_before_0016_pk`.execute(db);
  await sql`
    create table case_events (
      case_id uuid not null references cases (id),
      seq integer not null,
      machine_version integer not null,
      at timestamptz not null,
      type text not null,
      fields jsonb not null,
      actor_id text not null,
      actor_role text not null,
      actor_unit text not null,
      hash bytea not null,
      state_after text,
      snapshot_hash bytea,
      constraint case_events_pk primary key (case_id, seq),
      constraint case_events_hash_length check (octet_length(hash) = 32 and octet_length(snapshot_hash) = 32))`.execute(db);
  await sql`
    insert into case_events (case_id, seq, machine_version, at, type, fields, actor_id, actor_role, actor_unit, hash, state_after, snapshot_hash)
    select case_id, seq, machine_version, at, type, fields, actor_id, actor_role, actor_unit, decode(hash, 'hex'), state_after,
      decode(snapshot_hash, 'hex')
    from case_events_before_0016 order by case_id, seq`.execute(db);
  await sql`drop table case_events_before_0016`.execute(db);
  // The trail is append-only: the database itself refuses changes, whoever connects (as since migration 0001).
  await sql`
    create trigger case_events_append_only before update or delete on case_events
    for each row execute function petitionflow_refuse_trail_change()`.execute(db);
  await sql`
    create trigger case_events_no_truncate before truncate on case_events
    for each statement execute function petitionflow_refuse_trail_change()`.execute(db);
  await sql`
    alter table cases
      alter column last_hash type bytea using decode(last_hash, 'hex'),
      add constraint cases_last_hash_length check (octet_length(last_hash) = 32)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases drop constraint cases_last_hash_length, alter column last_hash type text using encode(last_hash, 'hex')`.execute(
    db,
  );
  await sql`
    alter table case_events
      drop constraint case_events_hash_length,
      alter column hash type text using encode(hash, 'hex'),
      alter column snapshot_hash type text using encode(snapshot_hash, 'hex'),
      add column prev_hash text`.execute(db);
  // The append-only guard refuses updates: lift it for the backfill of the column it once held.
  await sql`alter table case_events disable trigger case_events_append_only`.execute(db);
  await sql`
    update case_events e set prev_hash = coalesce(p.hash, repeat('0', 64))
    from case_events e2 left join case_events p on p.case_id = e2.case_id and p.seq = e2.seq - 1
    where e2.case_id = e.case_id and e2.seq = e.seq`.execute(db);
  await sql`alter table case_events enable trigger case_events_append_only`.execute(db);
  await sql`alter table case_events alter column prev_hash set not null`.execute(db);
}
