import { sql, type Kysely, type Transaction } from 'kysely';
import { GENESIS_HASH } from './hash-bytes';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/**
 * The outcome an entry records: the state the event led to and the SHA-256 of
 * the stored snapshot it left (canonical JSON). Hashed with the entry, so the
 * chain vouches for the case row's state and snapshot without a machine replay.
 */
export interface TrailOutcome {
  readonly state: string;
  readonly snapshot: string;
}

/** One entry of a case's audit trail. */
export interface CaseEventRecord {
  readonly caseId: string;
  readonly seq: number;
  readonly type: string;
  readonly fields: Record<string, unknown>;
  readonly actor: { readonly id: string; readonly role: string; readonly unit: string };
  /** ISO 8601 with milliseconds, exactly as hashed. */
  readonly at: string;
  readonly machineVersion: number;
  readonly prevHash: string;
  readonly hash: string;
  /** The state and snapshot digest the event led to (absent on entries older than migration 0008). */
  readonly after?: TrailOutcome | undefined;
}

/** A `case_events` row as the trail's reads select it: digests as hex text (see {@link eventColumns}). */
export type EventRow = {
  case_id: string;
  seq: number;
  type: string;
  fields: unknown;
  actor_id: string;
  actor_role: string;
  actor_unit: string;
  at: Date;
  machine_version: number;
  hash: string;
  state_after: string | null;
  snapshot_hash: string | null;
};

/** A stored trail row as the engine sees it; `prevHash` is the hash of the case's entry before it (no column holds it). */
function eventRecordOf(r: Omit<EventRow, 'at'> & { at: Date | string }, prevHash: string): CaseEventRecord {
  return {
    caseId: r.case_id,
    seq: r.seq,
    type: r.type,
    fields: r.fields as Record<string, unknown>,
    actor: { id: r.actor_id, role: r.actor_role, unit: r.actor_unit },
    at: typeof r.at === 'string' ? r.at : r.at.toISOString(),
    machineVersion: r.machine_version,
    prevHash,
    hash: r.hash,
    ...(r.state_after !== null && r.snapshot_hash !== null && { after: { state: r.state_after, snapshot: r.snapshot_hash } }),
  };
}

/**
 * Records of rows read in (case, seq) order, each chained to the row before it of the same case; the first row of a
 * case chains to `before` when given (the entry preceding the read, for a page that starts mid-trail), else to the
 * zero hash when it is the case's first entry. A row whose predecessor was not read (a gap) chains to the zero hash,
 * which its own hash then fails to match: a missing entry breaks the chain, as it did when the column was stored.
 */
export function chainedRecords<R extends Omit<EventRow, 'at'> & { at: Date | string }>(
  rows: readonly R[],
  before?: { readonly caseId: string; readonly seq: number; readonly hash: string },
): CaseEventRecord[] {
  let prev = before === undefined ? undefined : { case_id: before.caseId, seq: before.seq, hash: before.hash };
  return rows.map((r) => {
    const prevHash = prev !== undefined && prev.case_id === r.case_id && prev.seq === r.seq - 1 ? prev.hash : GENESIS_HASH;
    prev = r;
    return eventRecordOf(r, prevHash);
  });
}

/** The trail's columns as its reads select them: every digest as hex text. */
const eventColumns = [
  'case_id',
  'seq',
  'type',
  'fields',
  'actor_id',
  'actor_role',
  'actor_unit',
  'at',
  'machine_version',
  'state_after',
  sql<string>`encode(hash, 'hex')`.as('hash'),
  sql<string | null>`encode(snapshot_hash, 'hex')`.as('snapshot_hash'),
] as const;

/** A case's whole trail in order. */
export async function listEvents(db: Executor, caseId: string): Promise<CaseEventRecord[]> {
  const rows = await db.selectFrom('case_events').select(eventColumns).where('case_id', '=', caseId).orderBy('seq').execute();
  return chainedRecords(rows);
}

/** One trail entry, chained to the entry before it. */
export async function findEvent(db: Executor, caseId: string, seq: number): Promise<CaseEventRecord | undefined> {
  const rows = await db
    .selectFrom('case_events')
    .select(eventColumns)
    .where('case_id', '=', caseId)
    .where('seq', 'in', [seq - 1, seq])
    .orderBy('seq')
    .execute();
  return chainedRecords(rows).find((e) => e.seq === seq);
}

/** The whole trails of the given cases, in (case, seq) order: one query for a page of cases. */
export async function listEventsOfCases(db: Executor, caseIds: readonly string[]): Promise<CaseEventRecord[]> {
  if (caseIds.length === 0) return [];
  const rows = await db
    .selectFrom('case_events')
    .select(eventColumns)
    .where('case_id', 'in', caseIds)
    .orderBy('case_id')
    .orderBy('seq')
    .execute();
  return chainedRecords(rows);
}
