/**
 * Whole-trail verification as a background job for the API: a run is
 * recorded in `verify_runs`, verified by this process (in the thread pool on
 * PostgreSQL) while the caller polls its progress, and ends with the same
 * result `GET /audit/verify` gives. At most `maxLiveRuns` run at once across
 * every process (a live run stores its progress at least every few seconds),
 * so a large scope cannot be used to load the servers.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { countLiveRuns, findRun, finishRun, insertRun, updateRunProgress, type VerifyRunRecord } from '../db/verify-run.repository';
import { inSubtree } from '../machines/unit-tree';
import type { Actor } from '../machines/petition.roles';
import type { AuditService, AuditVerification, VerifyMode } from './audit.service';
import { NotFoundError, RateLimitedError } from './errors';

/** How often a running run stores its progress; a run silent for {@link STALE_MS} is reported interrupted. */
const PROGRESS_EVERY_MS = 1000;
const STALE_MS = 60_000;

/** A run as the API shows it. */
export interface VerifyRunView {
  readonly id: string;
  /** `running`, `done`, `failed`, or `interrupted` (its process stopped before it finished). */
  readonly status: 'running' | 'done' | 'failed' | 'interrupted';
  readonly mode: VerifyMode;
  /** The unit subtree verified. */
  readonly unit: string | null;
  readonly progress: { readonly cases: number; readonly totalCases: number; readonly checked: number };
  /** Set when the run is done: what `GET /audit/verify` answers. */
  readonly result?: AuditVerification;
  readonly error?: string;
  readonly createdAt: string;
  readonly finishedAt?: string;
}

/** Starting and reading background verifications. */
export interface VerifyRunService {
  /** Records a run of `scopeUnit` and starts it in the background; refused while too many runs are live. */
  start(actor: Actor, scopeUnit: string, mode: VerifyMode): Promise<VerifyRunView>;
  /** A run, if its scope lies within the actor's. */
  get(id: string, actor: Actor): Promise<VerifyRunView>;
  /** Resolves when every run this process started has ended (for orderly shutdown and tests). */
  idle(): Promise<void>;
}

function viewOf(run: VerifyRunRecord, now: Date): VerifyRunView {
  const stale = run.status === 'running' && now.getTime() - run.updatedAt.getTime() > STALE_MS;
  const status = stale ? 'interrupted' : (run.status as VerifyRunView['status']);
  const result: AuditVerification | undefined =
    run.status === 'done' && run.ok !== null
      ? { ok: run.ok, checked: run.checked, cases: run.cases, ...(run.firstBroken !== null && { firstBroken: run.firstBroken }) }
      : undefined;
  return {
    id: run.id,
    status,
    mode: run.mode as VerifyMode,
    unit: run.scopeUnit,
    progress: { cases: run.cases, totalCases: run.totalCases ?? 0, checked: run.checked },
    ...(result !== undefined && { result }),
    ...(run.error !== null && { error: run.error }),
    createdAt: run.createdAt.toISOString(),
    ...(run.finishedAt !== null && { finishedAt: run.finishedAt.toISOString() }),
  };
}

/** Creates the service; `now` is injectable for tests. */
export function createVerifyRunService(deps: { db: Kysely<Database>; audit: AuditService; maxLiveRuns?: number; now?: () => Date }): VerifyRunService {
  const now = deps.now ?? (() => new Date());
  const maxLive = deps.maxLiveRuns ?? 1;
  const inFlight = new Set<Promise<void>>();

  const execute = async (id: string, scopeUnit: string, mode: VerifyMode): Promise<void> => {
    let cases = 0;
    let checked = 0;
    let storedAt = Date.now();
    const onProgress = (c: number, e: number) => {
      cases += c;
      checked += e;
      if (Date.now() - storedAt < PROGRESS_EVERY_MS) return;
      storedAt = Date.now();
      void updateRunProgress(deps.db, id, { cases, checked, at: now() }).catch(() => undefined);
    };
    try {
      const r = await deps.audit.verifyAudit(scopeUnit, { mode, onProgress });
      await finishRun(deps.db, id, { status: 'done', cases: r.cases, checked: r.checked, ok: r.ok, firstBroken: r.firstBroken ?? null, error: null, at: now() });
    } catch (err) {
      // The message names no person: it is a database or thread failure.
      const error = err instanceof Error ? err.message : 'verification failed';
      await finishRun(deps.db, id, { status: 'failed', cases, checked, ok: null, firstBroken: null, error, at: now() }).catch(() => undefined);
    }
  };

  return {
    async start(actor, scopeUnit, mode) {
      if ((await countLiveRuns(deps.db, new Date(now().getTime() - STALE_MS))) >= maxLive) throw new RateLimitedError(Math.ceil(PROGRESS_EVERY_MS / 1000) * 5);
      const totalCases = await deps.audit.countInScope(scopeUnit);
      const run = await insertRun(deps.db, { id: randomUUID(), scopeUnit, mode, requestedBy: actor.id, totalCases, at: now() });
      const job = execute(run.id, scopeUnit, mode).finally(() => inFlight.delete(job));
      inFlight.add(job);
      return viewOf(run, now());
    },

    async get(id, actor) {
      const run = await findRun(deps.db, id);
      if (run === undefined || !inSubtree(run.scopeUnit ?? '', actor.unit)) throw new NotFoundError();
      return viewOf(run, now());
    },

    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
