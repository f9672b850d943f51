import type { Kysely, Selectable } from 'kysely';
import type { Database, VerifyRunsTable } from './schema';

/** A background verification as stored. */
export interface VerifyRunRecord {
  readonly id: string;
  readonly scopeUnit: string | null;
  readonly mode: string;
  readonly status: string;
  readonly requestedBy: string;
  readonly totalCases: number | null;
  readonly cases: number;
  readonly checked: number;
  readonly ok: boolean | null;
  readonly firstBroken: { caseId: string; seq: number; reason: string } | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly finishedAt: Date | null;
}

function runRecordOf(r: Selectable<VerifyRunsTable>): VerifyRunRecord {
  return {
    id: r.id,
    scopeUnit: r.scope_unit,
    mode: r.mode,
    status: r.status,
    requestedBy: r.requested_by,
    totalCases: r.total_cases,
    cases: r.cases,
    checked: r.checked,
    ok: r.ok,
    firstBroken: r.first_broken as VerifyRunRecord['firstBroken'],
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

/** Records a new run (status `running`). */
export async function insertRun(
  db: Kysely<Database>,
  run: { id: string; scopeUnit: string | null; mode: string; requestedBy: string; totalCases: number; at: Date },
): Promise<VerifyRunRecord> {
  const row = await db
    .insertInto('verify_runs')
    .values({
      id: run.id,
      scope_unit: run.scopeUnit,
      mode: run.mode,
      status: 'running',
      requested_by: run.requestedBy,
      total_cases: run.totalCases,
      ok: null,
      first_broken: null,
      error: null,
      created_at: run.at,
      updated_at: run.at,
      finished_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return runRecordOf(row);
}

/** Stores a running run's progress (it also shows the run is alive). */
export async function updateRunProgress(db: Kysely<Database>, id: string, progress: { cases: number; checked: number; at: Date }): Promise<void> {
  await db.updateTable('verify_runs').set({ cases: progress.cases, checked: progress.checked, updated_at: progress.at }).where('id', '=', id).where('status', '=', 'running').execute();
}

/** Ends a run: `done` with its result, or `failed` with the error that stopped it. */
export async function finishRun(
  db: Kysely<Database>,
  id: string,
  end: { status: 'done' | 'failed'; cases: number; checked: number; ok: boolean | null; firstBroken: unknown; error: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('verify_runs')
    .set({
      status: end.status,
      cases: end.cases,
      checked: end.checked,
      ok: end.ok,
      first_broken: end.firstBroken === null ? null : JSON.stringify(end.firstBroken),
      error: end.error,
      updated_at: end.at,
      finished_at: end.at,
    })
    .where('id', '=', id)
    .execute();
}

/** One run. */
export async function findRun(db: Kysely<Database>, id: string): Promise<VerifyRunRecord | undefined> {
  const row = await db.selectFrom('verify_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : runRecordOf(row);
}

/** Runs still marked `running` whose progress was stored after `since` (live ones, wherever they run). */
export async function countLiveRuns(db: Kysely<Database>, since: Date): Promise<number> {
  const row = await db
    .selectFrom('verify_runs')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'running')
    .where('updated_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
