/**
 * The two PostgreSQL roles of a production database: the owner, which runs
 * the migrations and owns every table, and the application role, which the
 * server and workers connect as and which holds only what they need. The
 * application role cannot ALTER, drop or disable triggers on any table (only
 * an owner can), cannot UPDATE, DELETE or TRUNCATE the audit trail or its
 * checkpoints, and may UPDATE only the case columns a transition writes (not
 * `unit`, `channel` or `id`). The embedded PGlite database has a single user,
 * so none of this applies there.
 */
import { sql, type Kysely } from 'kysely';
import { CASE_FACT_COLUMNS } from './case-facts.sql';

/** PostgreSQL role names petitionflow accepts: plain lower-case identifiers, so they never need quoting rules. */
export const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Every table the application reads: the schema plus the migration bookkeeping it checks at start-up. */
const READ = [
  'units',
  'cases',
  'case_units',
  'case_events',
  'deadlines',
  'refused_attempts',
  'incidents',
  'idempotency_keys',
  'audit_checkpoints',
  'case_facts',
  'users',
  'sessions',
  'verify_runs',
  'persons',
  'person_phones',
  'case_persons',
  'case_summaries',
  'case_number_counters',
  'access_log',
  'attachments',
  'attachment_contents',
  'petitionflow_migrations',
  'petitionflow_migrations_lock',
];
/** Tables the application appends to; the trail and the checkpoints only ever this. */
const INSERT = [
  'units',
  'cases',
  'case_units',
  'case_events',
  'deadlines',
  'refused_attempts',
  'incidents',
  'idempotency_keys',
  'audit_checkpoints',
  'verify_runs',
  'case_facts',
  'users',
  'sessions',
  'persons',
  'person_phones',
  'case_persons',
  'case_summaries',
  'case_number_counters',
  'access_log',
  'attachments',
  'attachment_contents',
];
/** Column-level UPDATE rights: exactly the columns the application's statements set. */
const UPDATE: Record<string, readonly string[]> = {
  units: ['name', 'level', 'parent_code', 'kind', 'review_body', 'short_name'],
  cases: ['state', 'assignee_unit', 'listed', 'version', 'snapshot', 'last_hash', 'updated_at', 'overdue_from', 'scope_units'],
  deadlines: ['status', 'due_at', 'reminders', 'reminders_sent', 'paused_at', 'extended_by', 'next_fire_at', 'updated_at'],
  incidents: ['status', 'updated_at'],
  // Every fact but the key: each transition rewrites its case's whole row.
  case_facts: CASE_FACT_COLUMNS,
  // Never `id` or `created_at`: a sign-in name is for good, and the trail names actors by it.
  users: ['display_name', 'role', 'unit', 'password_hash', 'disabled', 'failed_attempts', 'locked_until', 'updated_at'],
  sessions: ['last_seen_at', 'revoked_at'],
  verify_runs: ['status', 'total_cases', 'cases', 'checked', 'ok', 'first_broken', 'error', 'updated_at', 'finished_at'],
  // A person's latest contact details; a clerk's confirmation of a weak match moves the case's link.
  persons: ['id_number', 'phone', 'address', 'address_key', 'updated_at'],
  case_persons: ['person_id', 'confirmed_by', 'confirmed_at'],
  // The per-unit-and-year counter behind readable case numbers.
  case_number_counters: ['last'],
};
/** Expired idempotency keys and long-dead sessions are forgotten; nothing else is ever deleted. */
const DELETE = ['idempotency_keys', 'sessions'];

/** What {@link setUpAppRole} needs to know about the application role. */
export interface AppRoleOptions {
  /** The role name (see {@link ROLE_NAME}). */
  readonly role: string;
  /** Sets (or changes) the role's password; omit to leave it as it is (e.g. trust or certificate authentication). */
  readonly password?: string | undefined;
}

/**
 * Creates the application role when missing (LOGIN, no other attributes) and
 * sets its privileges on the current database from scratch: everything is
 * revoked, then exactly the grants above are given. Run it as the owner after
 * every migration so new tables are covered. Serialised by an advisory lock
 * because roles are cluster-wide and two databases may set up at once.
 */
export async function setUpAppRole(owner: Kysely<unknown>, options: AppRoleOptions): Promise<void> {
  const { role } = options;
  if (!ROLE_NAME.test(role)) throw new Error(`application role ${JSON.stringify(role)}: use lower-case letters, digits and _`);
  const id = sql.id(role);
  await owner.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('petitionflow roles'))`.execute(trx);
    const exists = await sql<{ one: number }>`select 1 as one from pg_roles where rolname = ${role}`.execute(trx);
    if (exists.rows.length === 0) await sql`create role ${id} login`.execute(trx);
    // Role attributes cannot be bound parameters; the literal is escaped by quote_literal in the server.
    if (options.password !== undefined) {
      const literal = await sql<{ q: string }>`select quote_literal(${options.password}) as q`.execute(trx);
      await sql`alter role ${id} password ${sql.raw(literal.rows[0]?.q ?? "''")}`.execute(trx);
    }
    await sql`revoke all on all tables in schema public from ${id}`.execute(trx);
    await sql`revoke all on all sequences in schema public from ${id}`.execute(trx);
    await sql`revoke create on schema public from ${id}`.execute(trx);
    await sql`grant usage on schema public to ${id}`.execute(trx);
    await sql`grant select on ${sql.join(READ.map((t) => sql.table(t)))} to ${id}`.execute(trx);
    await sql`grant insert on ${sql.join(INSERT.map((t) => sql.table(t)))} to ${id}`.execute(trx);
    for (const [table, columns] of Object.entries(UPDATE)) {
      await sql`grant update (${sql.join(columns.map((c) => sql.id(c)))}) on ${sql.table(table)} to ${id}`.execute(trx);
    }
    await sql`grant delete on ${sql.join(DELETE.map((t) => sql.table(t)))} to ${id}`.execute(trx);
    await sql`grant usage, select on all sequences in schema public to ${id}`.execute(trx);
  });
}
