/**
 * Large data sets built fast from a few engine-made cases: each copy gets a
 * new id, and every hash of its trail, every recorded outcome and its
 * snapshot are recomputed for that id, so the copies verify exactly as
 * engine-made cases do. The rows nothing hashes (the units a case passed
 * through, its deadlines, its statistics facts) are copied in SQL from the
 * template's, with the copy's creation time and live deadlines moved as the
 * caller plans.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { Kysely } from 'kysely';
import { listEvents, type CaseEventRecord } from '../db/case-event.repository';
import type { Database } from '../db/schema';
import { canonical, hashEvent, GENESIS_HASH } from '../engine/audit-hash';
import { storedFormOf } from '../engine/case-snapshot';
import { foldTrail } from '../engine/trail-check';
import { adapterFor } from '../machines/petition.registry';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A template case: its trail and, after each entry, the canonical JSON of the stored snapshot. */
export interface Template {
  readonly id: string;
  readonly events: readonly CaseEventRecord[];
  readonly snapshots: readonly string[];
}

/** Reads an engine-made case as a template. */
export async function templateOf(db: Kysely<Database>, id: string): Promise<Template> {
  const events = await listEvents(db, id);
  const snapshots = events.map((_, k) => {
    const { snapshot } = foldTrail(events.slice(0, k + 1));
    if (snapshot === undefined) throw new Error('a template trail does not replay');
    return canonical(storedFormOf(adapterFor(events[0]?.machineVersion ?? 0), snapshot));
  });
  return { id, events, snapshots };
}

/** What one copy is: which template, when it was created, and how its pending deadlines move. */
export interface CopyPlan {
  readonly template: Template;
  /** The copy's `created_at` (and `updated_at`); the template's when undefined. */
  readonly createdAt?: Date | undefined;
  /** The copy's pending deadlines fall due at this instant; the template's when undefined. */
  readonly pendingDueAt?: Date | undefined;
  /** Reminders already sent of its pending deadlines; the template's when undefined. */
  readonly remindersSent?: number | undefined;
}

/**
 * Copies per round trip. Each insert reads its template rows through `lateral jsonb_populate_record(…)`:
 * `(jsonb_populate_record(…)).*` in a select list would build the record once per column.
 */
const CHUNK = 1000;

/** The hash-bearing rows of one chunk of copies, as column arrays for `unnest`. */
function chunkRows(plans: readonly CopyPlan[]) {
  const ev = {
    caseId: [] as string[],
    seq: [] as number[],
    from: [] as string[],
    hash: [] as string[],
    snap: [] as string[],
  };
  const cs = {
    id: [] as string[],
    from: [] as string[],
    hash: [] as string[],
    snapshot: [] as string[],
    created: [] as (string | null)[],
    due: [] as (string | null)[],
    sent: [] as (number | null)[],
  };
  for (const plan of plans) {
    const t = plan.template;
    const caseId = randomUUID();
    let prevHash = GENESIS_HASH;
    let snapshot = '';
    for (const [k, e] of t.events.entries()) {
      snapshot = (t.snapshots[k] ?? '').replaceAll(t.id, caseId);
      const after = { state: e.after?.state ?? '', snapshot: sha256(snapshot) };
      const hash = hashEvent({ ...e, caseId, prevHash, after });
      ev.caseId.push(caseId);
      ev.seq.push(e.seq);
      ev.from.push(t.id);
      ev.hash.push(hash);
      ev.snap.push(after.snapshot);
      prevHash = hash;
    }
    cs.id.push(caseId);
    cs.from.push(t.id);
    cs.hash.push(prevHash);
    cs.snapshot.push(snapshot);
    cs.created.push(plan.createdAt?.toISOString() ?? null);
    cs.due.push(plan.pendingDueAt?.toISOString() ?? null);
    cs.sent.push(plan.remindersSent ?? null);
  }
  return { ev, cs };
}

/** A table's columns in order, read once from the catalogue (the copies follow the schema as it is). */
const columnCache = new Map<string, readonly string[]>();
async function columnsOf(pool: Pool, table: string): Promise<readonly string[]> {
  const cached = columnCache.get(table);
  if (cached !== undefined) return cached;
  const { rows } = await pool.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
    [table],
  );
  const columns = rows.map((r) => r.column_name);
  columnCache.set(table, columns);
  return columns;
}

/**
 * `insert into <table> (…) select …` of the template rows `t` joined to the copies `c` (the `from` clause), each
 * column the template's unless `overrides` gives its expression; `id` columns a sequence fills are left out.
 */
async function copyStatement(pool: Pool, table: string, from: string, overrides: Record<string, string>, skip: readonly string[] = []) {
  const columns = (await columnsOf(pool, table)).filter((c) => !skip.includes(c));
  return `insert into ${table} (${columns.join(', ')}) select ${columns.map((c) => overrides[c] ?? `t.${c}`).join(', ')} from ${from}`;
}

/** Inserts one chunk of copies: cases, trails, then the units, deadlines and facts of their templates. */
async function insertChunk(pool: Pool, plans: readonly CopyPlan[]): Promise<number> {
  const { ev, cs } = chunkRows(plans);
  const copies = `unnest($1::uuid[], $2::uuid[]) as c(id, from_id)`;
  const pending = (expr: string, otherwise: string) =>
    `case when t.status = 'pending' then coalesce(${expr}, ${otherwise}) else ${otherwise} end`;
  const statements: [string, unknown[]][] = [
    [
      await copyStatement(
        pool,
        'cases',
        `unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[]) as c(id, from_id, hash, snapshot, created, due)
         join cases t on t.id = c.from_id`,
        {
          id: 'c.id',
          // Case numbers are unique per unit and year: a copy has none (verification skips a missing number).
          number: 'null',
          last_hash: `decode(c.hash, 'hex')`,
          snapshot: 'c.snapshot::jsonb',
          created_at: 'coalesce(c.created, t.created_at)',
          updated_at: 'coalesce(c.created, t.updated_at)',
          // As the deadlines below move: every pending one to the copy's due time; a breached one keeps it overdue.
          overdue_from: `case when t.overdue_from > '-infinity' then coalesce(c.due, t.overdue_from) else t.overdue_from end`,
        },
      ),
      [cs.id, cs.from, cs.hash, cs.snapshot, cs.created, cs.due],
    ],
    [
      await copyStatement(
        pool,
        'case_events',
        `unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::text[]) as c(case_id, seq, from_id, hash, snap)
         join case_events t on t.case_id = c.from_id and t.seq = c.seq`,
        { case_id: 'c.case_id', hash: `decode(c.hash, 'hex')`, snapshot_hash: `decode(c.snap, 'hex')` },
      ),
      [ev.caseId, ev.seq, ev.from, ev.hash, ev.snap],
    ],
    [
      await copyStatement(pool, 'case_units', `${copies} join case_units t on t.case_id = c.from_id`, { case_id: 'c.id' }),
      [cs.id, cs.from],
    ],
    [
      await copyStatement(
        pool,
        'deadlines',
        `unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::int[]) as c(id, from_id, due, sent) join deadlines t on t.case_id = c.from_id`,
        {
          case_id: 'c.id',
          due_at: pending('c.due', 't.due_at'),
          next_fire_at: pending('c.due', 't.next_fire_at'),
          reminders_sent: pending('c.sent', 't.reminders_sent'),
        },
        ['id'],
      ),
      [cs.id, cs.from, cs.due, cs.sent],
    ],
    [
      await copyStatement(pool, 'case_facts', `${copies} join case_facts t on t.case_id = c.from_id`, { case_id: 'c.id' }),
      [cs.id, cs.from],
    ],
  ];
  for (const [text, params] of statements) await pool.query(text, params);
  return ev.caseId.length;
}

/** Copies in flight at once: the next chunk's hashes are computed while the database writes the last. */
const IN_FLIGHT = 3;

/** Inserts `n` copies, the i-th as `plan(i)` says; returns the trail entries written. */
export async function copyCases(
  pool: Pool,
  n: number,
  plan: (i: number) => CopyPlan,
  progress: (done: number) => void = () => undefined,
): Promise<number> {
  let events = 0;
  let next = 0;
  let chunks = 0;
  // Chunks are planned in order (plan(i) may draw from a seeded sequence), then written by a few writers at once.
  const writer = async () => {
    while (next < n) {
      const start = next;
      next = Math.min(n, start + CHUNK);
      const plans = Array.from({ length: next - start }, (_, k) => plan(start + k));
      const written = await insertChunk(pool, plans);
      events += written;
      if (++chunks % 20 === 1) progress(Math.min(n, chunks * CHUNK));
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, writer));
  return events;
}
