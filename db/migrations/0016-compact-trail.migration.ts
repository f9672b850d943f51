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
 * Rewrites both tables (a few minutes for ten million entries): run it in a
 * maintenance window. Row triggers (the trail's append-only guard) do not fire
 * on a column type change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table case_events
      drop column prev_hash,
      alter column hash type bytea using decode(hash, 'hex'),
      alter column snapshot_hash type bytea using decode(snapshot_hash, 'hex'),
      add constraint case_events_hash_length check (octet_length(hash) = 32 and octet_length(snapshot_hash) = 32)`.execute(db);
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
