import { CompiledQuery, sql, type Kysely, type Selectable, type SqlBool, type Transaction } from 'kysely';
import type { Database, DeadlinesTable } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** Deadline statuses as the petition view shows them. */
export type DeadlineStatus = 'pending' | 'paused' | 'met' | 'breached' | 'cancelled';

/** One run of one clock of one case. */
export interface DeadlineRecord {
  readonly id: string;
  readonly caseId: string;
  readonly clock: string;
  readonly generation: number;
  readonly status: DeadlineStatus;
  readonly calendar: string;
  readonly duration: string;
  readonly onBreach: string;
  readonly startedAt: Date;
  readonly dueAt: Date;
  readonly reminders: readonly Date[];
  readonly pausedAt: Date | null;
  readonly extendedBy: string | null;
  /** How many reminders (in time order) have fired. */
  readonly remindersSent: number;
  /** When the deadline's one timer fires next; null unless pending (kept by a trigger). */
  readonly nextFireAt: Date | null;
  readonly updatedAt: Date;
}

type Row = Selectable<DeadlinesTable>;

/** A deadline row as the engine sees it. */
export function deadlineRecordOf(r: Row): DeadlineRecord {
  return {
    id: String(r.id),
    caseId: r.case_id,
    clock: r.clock,
    generation: r.generation,
    status: r.status as DeadlineStatus,
    calendar: r.calendar,
    duration: r.duration,
    onBreach: r.on_breach,
    startedAt: r.started_at,
    dueAt: r.due_at,
    reminders: r.reminders.map((t) => new Date(t)),
    pausedAt: r.paused_at,
    extendedBy: r.extended_by,
    remindersSent: r.reminders_sent,
    nextFireAt: r.next_fire_at,
    updatedAt: r.updated_at,
  };
}

/** A deadline row as `json_agg` gives it: timestamps as text, the id as a number. */
export type DeadlineJson = Omit<Row, 'id' | 'started_at' | 'due_at' | 'paused_at' | 'next_fire_at' | 'updated_at'> & {
  readonly id: string | number;
  readonly started_at: string;
  readonly due_at: string;
  readonly paused_at: string | null;
  readonly next_fire_at: string | null;
  readonly updated_at: string;
};

const dateOrNull = (t: string | null) => (t === null ? null : new Date(t));

/** A deadline row read as JSON (beside its case's row, engine's lock) as the engine sees it. */
export function deadlineRecordOfJson(r: DeadlineJson): DeadlineRecord {
  return deadlineRecordOf({
    ...r,
    id: String(r.id),
    started_at: new Date(r.started_at),
    due_at: new Date(r.due_at),
    paused_at: dateOrNull(r.paused_at),
    next_fire_at: dateOrNull(r.next_fire_at),
    updated_at: new Date(r.updated_at),
  });
}

/** A new deadline row (its clock just started). */
export type NewDeadline = Omit<DeadlineRecord, 'id' | 'pausedAt' | 'extendedBy' | 'status' | 'remindersSent' | 'nextFireAt'>;

/** The text of {@link listDeadlines}, built once: every command reads its case's deadlines under the lock. */
const LIST_DEADLINES_SQL = 'select * from deadlines where case_id = $1 order by started_at, id';

/** A case's deadlines, oldest first. */
export async function listDeadlines(db: Executor, caseId: string): Promise<DeadlineRecord[]> {
  const { rows } = await db.executeQuery<Row>(CompiledQuery.raw(LIST_DEADLINES_SQL, [caseId]));
  return rows.map(deadlineRecordOf);
}

/** Deadlines of many cases at once (one query for a list page). */
export async function listDeadlinesOf(db: Executor, caseIds: readonly string[]): Promise<Map<string, DeadlineRecord[]>> {
  const byCase = new Map<string, DeadlineRecord[]>();
  if (caseIds.length === 0) return byCase;
  const rows = await db.selectFrom('deadlines').selectAll().where('case_id', 'in', caseIds).orderBy('started_at').orderBy('id').execute();
  for (const row of rows) {
    const list = byCase.get(row.case_id) ?? [];
    list.push(deadlineRecordOf(row));
    byCase.set(row.case_id, list);
  }
  return byCase;
}

/** One deadline by its identity (case, clock, generation). */
export async function findDeadline(db: Executor, caseId: string, clock: string, generation: number): Promise<DeadlineRecord | undefined> {
  const row = await db
    .selectFrom('deadlines')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('clock', '=', clock)
    .where('generation', '=', generation)
    .executeTakeFirst();
  return row === undefined ? undefined : deadlineRecordOf(row);
}

/** One deadline by its row id (a timer's id names it). */
export async function findDeadlineById(db: Executor, id: string): Promise<DeadlineRecord | undefined> {
  const row = await db.selectFrom('deadlines').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : deadlineRecordOf(row);
}

/** Pending deadlines whose timer fires at or before `horizon`, soonest first (the sweeper's work list). */
export async function listFiringBefore(
  db: Executor,
  horizon: Date,
  limit: number,
  after?: { nextFireAt: Date; id: string },
): Promise<DeadlineRecord[]> {
  let q = db.selectFrom('deadlines').selectAll().where('status', '=', 'pending').where('next_fire_at', '<=', horizon);
  // A row comparison, so the page starts an index scan of (next_fire_at, id) where the last one stopped.
  if (after !== undefined) q = q.where(sql<SqlBool>`(next_fire_at, id) > (${after.nextFireAt}::timestamptz, ${after.id}::bigint)`);
  const rows = await q.orderBy('next_fire_at').orderBy('id').limit(limit).execute();
  return rows.map(deadlineRecordOf);
}
