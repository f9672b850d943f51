import type { Kysely, Transaction } from 'kysely';
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

/** A `case_events` row as the driver returns it. */
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
  prev_hash: string;
  hash: string;
  state_after: string | null;
  snapshot_hash: string | null;
};

/** A stored trail row as the engine sees it. */
export function eventRecordOf(r: EventRow): CaseEventRecord {
  return {
    caseId: r.case_id,
    seq: r.seq,
    type: r.type,
    fields: r.fields as Record<string, unknown>,
    actor: { id: r.actor_id, role: r.actor_role, unit: r.actor_unit },
    at: new Date(r.at).toISOString(),
    machineVersion: r.machine_version,
    prevHash: r.prev_hash,
    hash: r.hash,
    ...(r.state_after !== null && r.snapshot_hash !== null && { after: { state: r.state_after, snapshot: r.snapshot_hash } }),
  };
}

/** A case's whole trail in order. */
export async function listEvents(db: Executor, caseId: string): Promise<CaseEventRecord[]> {
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map(eventRecordOf);
}

/** One trail entry. */
export async function findEvent(db: Executor, caseId: string, seq: number): Promise<CaseEventRecord | undefined> {
  const row = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('seq', '=', seq).executeTakeFirst();
  return row === undefined ? undefined : eventRecordOf(row);
}

/** The whole trails of the given cases, in (case, seq) order: one query for a page of cases. */
export async function listEventsOfCases(db: Executor, caseIds: readonly string[]): Promise<CaseEventRecord[]> {
  if (caseIds.length === 0) return [];
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', 'in', caseIds).orderBy('case_id').orderBy('seq').execute();
  return rows.map(eventRecordOf);
}
