import { sql, type Kysely } from 'kysely';

/**
 * One person, one file (一人一档): people, their cases, readable case numbers
 * and the access log of unmasked reads.
 *
 * - `persons`: one row per person. ID numbers and phones are kept in plain
 *   columns only to be shown (masked per role) and are never indexed: the
 *   indexes hold HMAC-SHA256 digests under a key kept outside the database
 *   (`id_hash`, `person_phones.phone_hash`). Names are found through their
 *   character unigrams and bigrams (`name_grams`, GIN), which work for 2- and
 *   3-character Chinese names on any locale and on the embedded database.
 * - `case_persons`: who petitioned in which case, as petitioner or as a group
 *   representative; `confirmed_by` is set when a clerk linked the case by hand.
 * - `case_summaries`: the registering unit and the bigrams of each case's
 *   request summary, for similar-request proposals (`unit_grams`, GIN: the
 *   same bigrams qualified by the unit, since similar requests are looked for
 *   within one unit).
 * - `cases.number` and `case_number_counters`: `扶信〔2026〕123号`, one counter
 *   row per registering unit and year, bumped under its row lock at intake
 *   (the unit's short name, `units.short_name`, comes from migration 0006).
 * - `access_log`: who read which case's identifiers unmasked, when and why.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table cases add column number text`.execute(db);
  await sql`create unique index cases_number_key on cases (number) where number is not null`.execute(db);
  await sql`
    create table case_number_counters (
      unit text not null, year integer not null, last integer not null,
      constraint case_number_counters_pk primary key (unit, year))`.execute(db);
  await sql`
    create table persons (
      id uuid primary key,
      id_hash bytea,
      id_number text,
      phone text,
      name text not null,
      name_key text not null,
      address text not null,
      address_key text not null,
      name_grams text[] not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint persons_id_hash_key unique (id_hash))`.execute(db);
  await sql`create index persons_name_grams_idx on persons using gin (name_grams)`.execute(db);
  await sql`create index persons_weak_key_idx on persons (name_key, address_key)`.execute(db);
  await sql`
    create table person_phones (
      phone_hash bytea not null,
      person_id uuid not null references persons (id),
      constraint person_phones_pk primary key (phone_hash, person_id))`.execute(db);
  await sql`
    create table case_persons (
      case_id uuid not null references cases (id),
      person_id uuid not null references persons (id),
      role text not null check (role in ('petitioner', 'representative')),
      confirmed_by text,
      confirmed_at timestamptz,
      constraint case_persons_pk primary key (case_id, role, person_id))`.execute(db);
  await sql`create index case_persons_person_idx on case_persons (person_id, case_id)`.execute(db);
  await sql`
    create table case_summaries (
      case_id uuid primary key references cases (id),
      unit text not null,
      grams text[] not null,
      unit_grams text[] not null)`.execute(db);
  // Similar requests are looked for within one unit: grams qualified by the unit keep each posting list to that unit's cases.
  await sql`create index case_summaries_unit_grams_idx on case_summaries using gin (unit_grams)`.execute(db);
  await sql`
    create table if not exists access_log (
      id bigserial primary key,
      actor_id text not null,
      actor_role text not null,
      actor_unit text not null,
      case_id uuid,
      person_id uuid,
      reason text not null,
      at timestamptz not null)`.execute(db);
  await sql`create index if not exists access_log_case_idx on access_log (case_id)`.execute(db);
}

/** Drops what `up` added. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table access_log`.execute(db);
  await sql`drop table case_summaries`.execute(db);
  await sql`drop table case_persons`.execute(db);
  await sql`drop table person_phones`.execute(db);
  await sql`drop table persons`.execute(db);
  await sql`drop table case_number_counters`.execute(db);
  await sql`drop index cases_number_key`.execute(db);
  await sql`alter table cases drop column number`.execute(db);
}
