import type { Kysely, Transaction } from 'kysely';
import { caseInUnitScope } from './case-scope.sql';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** One unmasked read: who, which case (and person), when, why. */
export interface AccessLogEntry {
  readonly actor: { readonly id: string; readonly role: string; readonly unit: string };
  readonly caseId: string;
  readonly personId: string | null;
  readonly reason: string;
  readonly at: Date;
}

/** A stored access log row. */
export interface AccessLogRecord extends AccessLogEntry {
  readonly id: string;
}

/** Appends unmasked reads (the application may only insert and read this table). */
export async function appendAccessLog(db: Executor, entries: readonly AccessLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('access_log')
    .values(
      entries.map((e) => ({
        actor_id: e.actor.id,
        actor_role: e.actor.role,
        actor_unit: e.actor.unit,
        case_id: e.caseId,
        person_id: e.personId,
        reason: e.reason,
        at: e.at,
      })),
    )
    .execute();
}

/** Access log rows of cases within `scopeUnit`, newest first, after the row id `beforeId` (keyset paging). */
export async function listAccessLog(db: Executor, scopeUnit: string, limit: number, beforeId?: string): Promise<AccessLogRecord[]> {
  let q = db
    .selectFrom('access_log as a')
    .innerJoin('cases', 'cases.id', 'a.case_id')
    .select(['a.id', 'a.actor_id', 'a.actor_role', 'a.actor_unit', 'a.case_id', 'a.person_id', 'a.reason', 'a.at'])
    .where(caseInUnitScope(scopeUnit));
  if (beforeId !== undefined) q = q.where('a.id', '<', beforeId);
  const rows = await q.orderBy('a.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: String(r.id),
    actor: { id: r.actor_id, role: r.actor_role, unit: r.actor_unit },
    caseId: r.case_id ?? '',
    personId: r.person_id,
    reason: r.reason,
    at: r.at,
  }));
}
