import type { Kysely } from 'kysely';
import * as cases from '../db/case.repository';
import { listEvents } from '../db/case-event.repository';
import type { Database } from '../db/schema';
import { adapterFor } from '../machines/petition.registry';
import { matchesStored } from './case-snapshot';
import { NotFoundError } from './errors';
import { foldTrail, type ReplayStep, type VerifyMode } from './trail-check';
import { verifyRange } from './trail-verifier';
import { verifyInPool } from './verify-pool';

export { foldTrail, type ReplayStep, type VerifyMode };

/** Cases in a unit subtree, or all of them. */
async function countCasesInScope(db: Kysely<Database>, scopeUnit: string | undefined): Promise<number> {
  if (scopeUnit !== undefined) return cases.countCases(db, scopeUnit);
  const row = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A case rebuilt from its trail alone. */
export interface ReplayResult {
  /** The case id (named `id` as in the petition view). */
  readonly id: string;
  readonly machineVersion: number;
  readonly steps: ReplayStep[];
  readonly state: string;
  /** Whether the rebuilt snapshot equals the stored one. */
  readonly matchesStored: boolean;
}

/**
 * The whole-trail check: every chain in scope, and every case row against
 * the case its trail rebuilds (head, scope and state columns, snapshot).
 */
export interface AuditVerification {
  readonly ok: boolean;
  readonly checked: number;
  readonly cases: number;
  readonly firstBroken?: { readonly caseId: string; readonly seq: number; readonly reason: string };
}

/** Below this many cases in scope a verification runs in-process: starting threads would cost more than it saves. */
const POOL_FROM_CASES = 20_000;

/** How one verification runs. */
export interface VerifyOptions {
  /** `fast` (default): chain, head and recorded outcomes; `replay`: every case through its machine version too. */
  readonly mode?: VerifyMode | undefined;
  /** Cases and entries checked since the last call, after every page. */
  readonly onProgress?: ((cases: number, checked: number) => void) | undefined;
  /** Force (true) or forbid (false) the thread pool; by default it is used for large scopes on PostgreSQL. */
  readonly pool?: boolean | undefined;
}

/** What the audit service may use beyond the database. */
export interface AuditServiceOptions {
  /** The PostgreSQL URL the verification threads connect with; without it (PGlite) verification runs in-process. */
  readonly connectionString?: string | undefined;
  /** Threads of the verification pool (default: available parallelism). */
  readonly threads?: number | undefined;
}

/** Replay and verification over the stored trail. */
export interface AuditService {
  replay(caseId: string, scopeUnit?: string, until?: Date): Promise<ReplayResult>;
  verifyAudit(scopeUnit?: string, options?: VerifyOptions): Promise<AuditVerification>;
  /** How many cases a verification of `scopeUnit` walks (its progress total). */
  countInScope(scopeUnit?: string): Promise<number>;
}

/** Creates the audit service. */
export function createAuditService(db: Kysely<Database>, options: AuditServiceOptions = {}): AuditService {
  return {
    async replay(caseId, scopeUnit, until) {
      const rec = await cases.findCase(db, caseId, scopeUnit);
      if (rec === undefined) throw new NotFoundError();
      const events = await listEvents(db, caseId);
      const { steps, snapshot } = foldTrail(events, until);
      const adapter = adapterFor(rec.machineVersion);
      const complete = until === undefined || steps.length === events.length;
      return {
        id: caseId,
        machineVersion: rec.machineVersion,
        steps,
        state: snapshot === undefined ? 'unknown' : adapter.stateName(snapshot),
        matchesStored:
          complete && snapshot !== undefined && steps.every((s) => s.accepted) && matchesStored(adapter, snapshot, rec.snapshot),
      };
    },

    async verifyAudit(scopeUnit, opts = {}) {
      const mode = opts.mode ?? 'fast';
      const { connectionString } = options;
      const pooled = connectionString !== undefined && (opts.pool ?? (await countCasesInScope(db, scopeUnit)) >= POOL_FROM_CASES);
      const result =
        pooled && connectionString !== undefined
          ? await verifyInPool({ connectionString, scopeUnit, mode, threads: options.threads, onProgress: opts.onProgress })
          : await verifyRange(db, { range: {}, scopeUnit, mode, onProgress: opts.onProgress });
      const base = { ok: result.firstBroken === undefined, checked: result.checked, cases: result.cases };
      return result.firstBroken === undefined ? base : { ...base, firstBroken: result.firstBroken };
    },

    countInScope: (scopeUnit) => countCasesInScope(db, scopeUnit),
  };
}
