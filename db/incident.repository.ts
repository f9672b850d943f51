import { sql, type Kysely, type Selectable } from 'kysely';
import { caseInUnitScope } from './case-scope.sql';
import { keysetAfter } from './keyset.sql';
import type { Database, IncidentsTable } from './schema';

/** A background job that exhausted its retries. */
export interface IncidentRecord {
  readonly id: string;
  readonly queue: string;
  readonly jobId: string;
  readonly jobName: string;
  readonly caseId: string | null;
  readonly clock: string | null;
  readonly generation: number | null;
  readonly attempts: number;
  /** The last error's message; messages name rules and systems, never people. */
  readonly error: string;
  readonly status: 'open' | 'retried' | 'resolved';
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

function toRecord(r: Selectable<IncidentsTable>): IncidentRecord {
  return {
    id: String(r.id),
    queue: r.queue,
    jobId: r.job_id,
    jobName: r.job_name,
    caseId: r.case_id,
    clock: r.clock,
    generation: r.generation,
    attempts: r.attempts,
    error: r.error,
    status: r.status as IncidentRecord['status'],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Records an incident. */
export async function recordIncident(
  db: Kysely<Database>,
  i: Omit<IncidentRecord, 'id' | 'status' | 'createdAt' | 'updatedAt'>,
  at: Date,
): Promise<IncidentRecord> {
  const row = await db
    .insertInto('incidents')
    .values({
      queue: i.queue,
      job_id: i.jobId,
      job_name: i.jobName,
      case_id: i.caseId,
      clock: i.clock,
      generation: i.generation,
      attempts: i.attempts,
      error: i.error.slice(0, 2000),
      status: 'open',
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

/** Incidents in a unit subtree (by their case's unit), newest first; `open` only unless `all`. */
export async function listIncidents(
  db: Kysely<Database>,
  q: {
    scopeUnit?: string | undefined;
    caseId?: string | undefined;
    all?: boolean;
    limit: number;
    /** Only incidents after this one in list order (the last of the previous page). */
    after?: { at: Date; id: string } | undefined;
  },
): Promise<IncidentRecord[]> {
  let query = db.selectFrom('incidents').selectAll('incidents');
  if (q.scopeUnit !== undefined) query = query.innerJoin('cases', 'cases.id', 'incidents.case_id').where(caseInUnitScope(q.scopeUnit));
  if (q.caseId !== undefined) query = query.where('incidents.case_id', '=', q.caseId);
  if (q.all !== true) query = query.where('incidents.status', '=', 'open');
  if (q.after !== undefined) {
    const { at, id } = q.after;
    query = query.where(keysetAfter(['incidents.created_at', 'incidents.id'], { at, id }, 'desc'));
  }
  const rows = await query.orderBy('incidents.created_at', 'desc').orderBy('incidents.id', 'desc').limit(q.limit).execute();
  return rows.map(toRecord);
}

/**
 * The newest `perCase` open incidents of each of `caseIds`, one query for a page of case views (a
 * lateral scan of `incidents_case_created_idx` per case), grouped by case.
 */
export async function listOpenIncidentsOf(
  db: Kysely<Database>,
  caseIds: readonly string[],
  perCase: number,
): Promise<Map<string, IncidentRecord[]>> {
  const byCase = new Map<string, IncidentRecord[]>();
  if (caseIds.length === 0) return byCase;
  const { rows } = await sql<Selectable<IncidentsTable>>`
    select i.* from unnest(${[...caseIds]}::uuid[]) as c(id)
    cross join lateral (
      select * from incidents where incidents.case_id = c.id and incidents.status = 'open'
      order by incidents.created_at desc, incidents.id desc limit ${perCase}
    ) i`.execute(db);
  for (const row of rows) {
    const record = toRecord(row);
    const list = byCase.get(record.caseId ?? '') ?? [];
    list.push(record);
    byCase.set(record.caseId ?? '', list);
  }
  return byCase;
}

/** One incident by id. */
export async function findIncident(db: Kysely<Database>, id: string): Promise<IncidentRecord | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** Moves an incident on (retried by a person, or resolved). */
export async function setIncidentStatus(db: Kysely<Database>, id: string, status: IncidentRecord['status'], at: Date): Promise<void> {
  await db.updateTable('incidents').set({ status, updated_at: at }).where('id', '=', id).execute();
}
