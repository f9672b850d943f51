import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

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
}

type EventRow = {
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
};

function toRecord(r: EventRow): CaseEventRecord {
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
  };
}

/** A case's whole trail in order. */
export async function listEvents(db: Executor, caseId: string): Promise<CaseEventRecord[]> {
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map(toRecord);
}

/** One trail entry. */
export async function findEvent(db: Executor, caseId: string, seq: number): Promise<CaseEventRecord | undefined> {
  const row = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).where('seq', '=', seq).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** The whole trails of the given cases, in (case, seq) order: one query for a page of cases. */
export async function listEventsOfCases(db: Executor, caseIds: readonly string[]): Promise<CaseEventRecord[]> {
  if (caseIds.length === 0) return [];
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', 'in', caseIds).orderBy('case_id').orderBy('seq').execute();
  return rows.map(toRecord);
}
