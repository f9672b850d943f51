import type { Kysely, Transaction } from 'kysely';
import { caseInUnitScope } from './case-scope.sql';
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

/** A page of the whole trail in (case, seq) order, for verification without loading it all. */
export async function listEventsPage(
  db: Executor,
  after: { caseId: string; seq: number } | undefined,
  limit: number,
  scopeUnit?: string,
): Promise<CaseEventRecord[]> {
  let q = db.selectFrom('case_events').selectAll('case_events');
  // The same scope as reads: the case's own unit or the unit it is assigned to.
  if (scopeUnit !== undefined) q = q.innerJoin('cases', 'cases.id', 'case_events.case_id').where(caseInUnitScope(scopeUnit));
  if (after !== undefined) {
    q = q.where((eb) =>
      eb.or([eb('case_events.case_id', '>', after.caseId), eb.and([eb('case_events.case_id', '=', after.caseId), eb('case_events.seq', '>', after.seq)])]),
    );
  }
  const rows = await q.orderBy('case_events.case_id').orderBy('case_events.seq').limit(limit).execute();
  return rows.map(toRecord);
}
