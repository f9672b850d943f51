import type { Kysely } from 'kysely';
import type { Policy } from '../config/policy.schema';
import type { CaseEventRecord } from '../db/case-event.repository';
import type { DeadlineRecord } from '../db/deadline.repository';
import type { Database } from '../db/schema';
import type { UnitDirectory } from './unit-directory.service';
import type { WorkingCalendar } from './working-calendar';

/** What the engine needs from the outside world; tests pass a time-skipping `now`. */
export interface EngineDeps {
  readonly db: Kysely<Database>;
  /** The clocks, and `machineVersion`: the one place that says which version new cases start under (existing cases keep theirs). */
  readonly policy: Policy;
  readonly calendar: WorkingCalendar;
  readonly now?: () => Date;
  /** Called after each commit with the deadlines that changed (timers are armed or cancelled from it). */
  readonly onCommitted?: (change: CommittedChange) => void | Promise<void>;
  /** The unit tree (reach, kinds, names, review bodies); default: a directory of its own over `db`. */
  readonly units?: UnitDirectory;
  /**
   * The HMAC key of the person index (`resolvePeopleIndexKey`). Without it new
   * cases are numbered but linked to no person (engines of machine-only tests).
   */
  readonly peopleIndexKey?: Buffer;
}

/** The engine's dependencies once its defaults are filled in. */
export type ResolvedEngineDeps = EngineDeps & { readonly units: UnitDirectory };

/** One deadline row a command wrote, and the row as it was before (null if new), to retire its old timer. */
export interface TouchedDeadline {
  readonly row: DeadlineRecord;
  readonly previous: DeadlineRecord | null;
}

/** What one committed command changed. */
export interface CommittedChange {
  readonly caseId: string;
  readonly event: CaseEventRecord;
  readonly state: string;
  readonly deadlines: readonly TouchedDeadline[];
  /** Whether the event must be told to people at once (a reminder, a breach, a major or urgent intake, Art 25). */
  readonly notify: boolean;
}

/** A request's `Idempotency-Key` and a hash of the request it came with. */
export interface IdempotencyOptions {
  readonly key: string;
  readonly requestHash: string;
}

/** Options of one command. */
export interface DispatchOptions {
  /** Optimistic concurrency: refuse with VERSION_CONFLICT unless the case is at this version. */
  readonly expectedVersion?: number | undefined;
  /** A retried request with the same key gets the first response, never a second event. */
  readonly idempotency?: IdempotencyOptions | undefined;
}

/** The after-commit work of one change (arming timers, notifications); nothing when no one listens. */
export async function afterCommit(deps: Pick<EngineDeps, 'onCommitted'>, change: CommittedChange): Promise<void> {
  if (deps.onCommitted !== undefined) await deps.onCommitted(change);
}
