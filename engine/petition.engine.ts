import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { durationMillis } from '../config/duration';
import type { ClockName, Policy } from '../config/policy.schema';
import * as cases from '../db/case.repository';
import type { CaseEventRecord } from '../db/case-event.repository';
import * as deadlines from '../db/deadline.repository';
import { recordRefusal } from '../db/refused-attempt.repository';
import { lockCasesOfDeadlines, writeTransitions, type TransitionWrite } from '../db/transition.repository';
import { isAssignableUnit } from '../db/unit.repository';
import { findIdempotentResponse, storeIdempotentResponse } from '../db/idempotency.repository';
import { roleMaySend } from '../machines/petition.permissions';
import type { Database } from '../db/schema';
import type { PetitionContext, PetitionEvent } from '../machines/petition.machine';
import {
  allowedEvents,
  CURRENT_MACHINE_VERSION,
  restore,
  startCase,
  stateName,
  step,
  toStored,
  type PetitionSnapshot,
  type StoredSnapshot,
} from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import { commandSchema, intakeSchema, type Intake } from '../machines/petition.schemas';
import { caseInScope, withArticle } from './access';
import { GENESIS_HASH, hashEvent } from './audit-hash';
import { clockChanges } from './clock-changes';
import { toPetitionView, type PetitionView } from './case-view';
import { planDeadlineChanges } from './deadline-changes';
import { AccessError, EventNotAllowedError, IdempotencyKeyReusedError, NotFoundError, PetitionError, ValidationError, VersionConflictError } from './errors';
import { decideTimer, type TimerOutcome } from './timer-decision';
import type { WorkingCalendar } from './working-calendar';

/** The type of the first trail entry of every case: the petition as recorded (Art 19). */
export const INTAKE_EVENT = 'INTAKE';

/** What the engine needs from the outside world; tests pass a time-skipping `now`. */
export interface EngineDeps {
  readonly db: Kysely<Database>;
  readonly policy: Policy;
  readonly calendar: WorkingCalendar;
  readonly now?: () => Date;
  /** Called after each commit with the deadlines that changed (timers are armed or cancelled from it). */
  readonly onCommitted?: (change: CommittedChange) => void | Promise<void>;
  /** The machine version new cases start under (default: the newest); existing cases keep theirs. */
  readonly machineVersion?: number;
}

/** One deadline row a command wrote, and the row as it was before (null if new), to retire its old timer. */
export interface TouchedDeadline {
  readonly row: deadlines.DeadlineRecord;
  readonly previous: deadlines.DeadlineRecord | null;
}

/** What one committed command changed. */
export interface CommittedChange {
  readonly caseId: string;
  readonly event: CaseEventRecord;
  readonly state: string;
  readonly deadlines: readonly TouchedDeadline[];
}

export type { TimerOutcome };

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

/** The engine's one write path. */
export interface PetitionEngine {
  /** Records a new petition (登记) and starts its acceptance clock. */
  intake(body: unknown, actor: Actor, opts?: { idempotency?: IdempotencyOptions | undefined }): Promise<PetitionView>;
  /** Applies one command to one case: validate, lock, pure transition, one transaction (ARCHITECTURE.md). */
  dispatch(caseId: string, body: unknown, actor: Actor, opts?: DispatchOptions): Promise<PetitionView>;
  /**
   * The deadline workers' entry: fires what is due now on one deadline (case,
   * clock, generation), one event per call: the next unsent reminder, else the
   * breach. Safe to call any number of times; only a due, live deadline changes.
   */
  fireTimer(caseId: string, clock: ClockName, generation: number): Promise<TimerOutcome>;
  /**
   * Fires many deadline timers (by deadline row id) in as few transactions
   * as possible: one round, plus one more for each further timer of a case
   * already stepped. Each id gets its outcome. A failure fails the call: the
   * failing round writes nothing, rounds before it stay committed (and their
   * timers, fired again, are no-ops).
   */
  fireTimers(deadlineIds: readonly string[]): Promise<Map<string, TimerOutcome>>;
}

function validationError(message: string, error: z.ZodError): ValidationError {
  return new ValidationError(
    message,
    error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
  );
}

/**
 * The longest duration a command may set a clock to: far beyond any statutory
 * clock, and well inside the dates PostgreSQL and JavaScript can hold (a
 * `dueIn` of P300000Y used to end in a 500).
 */
const MAX_COMMAND_DURATION = 'P10Y';

/** The largest PostgreSQL bigint: a larger deadline id names no row (and would fail the whole query). */
const MAX_BIGINT = 9223372036854775807n;

/** An unpaired UTF-16 surrogate: JSON carries it as `\ud800`, which PostgreSQL's jsonb refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) PostgreSQL cannot store in jsonb: a NUL character or a lone surrogate. */
function unstorableTextPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  const bad = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);
  if (typeof value === 'string') return bad(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (typeof k === 'string' && bad(k)) return [...path, k];
    const found = unstorableTextPath(v, [...path, k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Refuses text PostgreSQL cannot store as a 400 (not a 500 whose log would carry the text). */
function assertStorable(message: string, value: unknown): void {
  const path = unstorableTextPath(value);
  if (path === undefined) return;
  throw new ValidationError(message, [{ path, message: 'text may not contain NUL characters or unpaired surrogates' }]);
}

function parseCommand(body: unknown) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the event must be a JSON object', [{ path: [], message: 'expected an object' }]);
  }
  const { expectedVersion: _ignored, ...rest } = body as Record<string, unknown>;
  const parsed = commandSchema.safeParse(rest);
  if (!parsed.success) throw validationError('invalid event', parsed.error);
  assertStorable('invalid event', parsed.data);
  return parsed.data as unknown as Omit<PetitionEvent, 'actor' | 'at'>;
}

/** One event planned on one locked case: the rows it writes and what the case becomes. */
interface PlannedStep {
  readonly write: TransitionWrite;
  readonly next: PetitionSnapshot;
  /** The case's deadline rows as read under the lock (to tell new rows and old fire times apart). */
  readonly rowsBefore: readonly deadlines.DeadlineRecord[];
}

/** The rows one step wrote (its case's rows as stored), each with the row as it was before the step. */
function touchedBy(planned: PlannedStep, stored: readonly deadlines.DeadlineRecord[]): TouchedDeadline[] {
  const before = new Map(planned.rowsBefore.map((r) => [r.id, r]));
  return stored.map((row) => ({ row, previous: before.get(row.id) ?? null }));
}

/** The case's deadline rows after a step: those read under the lock, replaced or joined by the stored ones. */
function rowsAfter(planned: PlannedStep, touched: readonly TouchedDeadline[]): deadlines.DeadlineRecord[] {
  const byId = new Map(planned.rowsBefore.map((r) => [r.id, r]));
  for (const t of touched) byId.set(t.row.id, t.row);
  return [...byId.values()];
}

/** Creates the engine over a database, a policy and a working calendar. */
export function createPetitionEngine(deps: EngineDeps): PetitionEngine {
  const now = deps.now ?? (() => new Date());
  const system: Actor = { id: 'deadline-worker', role: 'system', unit: '000000' };

  async function notify(change: CommittedChange | undefined): Promise<void> {
    if (change === undefined || deps.onCommitted === undefined) return;
    await deps.onCommitted(change);
  }

  /** Rules that need the policy or other cases, checked before the transition. */
  async function checkCommandRules(trx: Transaction<Database>, event: PetitionEvent, caseId: string): Promise<void> {
    if (event.type === 'REQUEST_EXTENSION') {
      const max = deps.policy.clocks.handling.maxExtension ?? MAX_COMMAND_DURATION;
      if (durationMillis(event.duration) > durationMillis(max)) {
        throw new ValidationError('extension too long', [{ path: ['duration'], message: `at most ${max} (Art 32)` }]);
      }
    }
    if (
      (event.type === 'ESCALATE' || event.type === 'REASSIGN') &&
      event.dueIn !== undefined &&
      durationMillis(event.dueIn) > durationMillis(MAX_COMMAND_DURATION)
    ) {
      throw new ValidationError('deadline too far', [{ path: ['dueIn'], message: `at most ${MAX_COMMAND_DURATION}` }]);
    }
    if ((event.type === 'ASSIGN' || event.type === 'REASSIGN') && !(await isAssignableUnit(trx, event.unit))) {
      throw new ValidationError('unknown unit', [{ path: ['unit'], message: 'not a unit of the loaded unit tree' }]);
    }
    if (event.type === 'MERGE') {
      const target = event.intoCaseId === caseId ? undefined : await cases.findCase(trx, event.intoCaseId);
      if (target === undefined || target.state === 'closed' || target.state === 'rejected') {
        throw new ValidationError('cannot merge', [{ path: ['intoCaseId'], message: 'must be another case still in progress' }]);
      }
    }
  }

  /**
   * The pure part of every event, human or timer: the machine's transition,
   * the hash-chained trail entry, the case row and the deadline rows it
   * leaves. Nothing is written here; {@link writeTransitions} writes a batch.
   */
  function planStep(
    rec: cases.CaseRecord,
    snapshot: PetitionSnapshot,
    rows: readonly deadlines.DeadlineRecord[],
    event: PetitionEvent,
    at: Date,
    remindersSent: readonly string[] = [],
  ): PlannedStep {
    const next = step(rec.machineVersion, snapshot, event);
    const { type, actor, at: atIso, ...fields } = event;
    const seq = rec.version + 1;
    const record = {
      caseId: rec.id,
      seq,
      type,
      fields,
      actor: { id: actor.id, role: actor.role, unit: actor.unit },
      at: atIso,
      machineVersion: rec.machineVersion,
      prevHash: rec.lastHash,
    };
    const stored: CaseEventRecord = { ...record, hash: hashEvent(record) };
    const ctx: PetitionContext = next.context;
    const updated: cases.CaseRecord = {
      ...rec,
      state: stateName(next),
      assigneeUnit: ctx.assignee?.unit ?? null,
      listed: ctx.listed,
      version: seq,
      snapshot: toStored(next),
      lastHash: stored.hash,
      updatedAt: at,
    };
    const { added, changed } = planDeadlineChanges(rec.id, rows, clockChanges(snapshot.context.clocks, ctx.clocks), at, deps, remindersSent);
    return { next, rowsBefore: rows, write: { case: updated, fromVersion: rec.version, event: stored, newDeadlines: added, changedDeadlines: changed } };
  }

  /** Applies one person's command to one case: lock, checks, pure transition, one write, the view. */
  async function applyCommand(
    caseId: string,
    command: Omit<PetitionEvent, 'actor' | 'at'>,
    opts: DispatchOptions,
    actor: Actor,
  ): Promise<{ view: PetitionView; change: CommittedChange } | { refused: PetitionError } | { replayed: PetitionView }> {
    return deps.db.transaction().execute(async (trx) => {
      const rec = await cases.lockCase(trx, caseId);
      if (rec === undefined || !caseInScope(rec, actor.unit)) throw new NotFoundError();
      const at = now();
      if (opts.idempotency !== undefined) {
        // Read again under the case lock: a concurrent request with the same key may have committed while this one
        // waited for the lock, and its response is the answer (not a refusal or a version conflict of the retry).
        const stored = await findIdempotentResponse(trx, actor.id, opts.idempotency.key);
        if (stored !== undefined) {
          if (stored.requestHash !== opts.idempotency.requestHash) throw new IdempotencyKeyReusedError();
          return { replayed: stored.response as PetitionView };
        }
      }
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== rec.version) {
        throw new VersionConflictError(opts.expectedVersion, rec.version);
      }
      const snapshot = restore(rec.machineVersion, rec.snapshot as StoredSnapshot);
      const event = { ...command, actor, at: at.toISOString() } as PetitionEvent;
      const roleMay = roleMaySend(event.type, actor.role);
      if (!roleMay || !snapshot.can(event)) {
        const state = stateName(snapshot);
        // Every denial is kept (who, which unit, which event, why); the refusal commits, nothing else does.
        const refused = roleMay
          ? new EventNotAllowedError(event.type, state, allowedEvents(snapshot, actor.role, event.at))
          : new AccessError('FORBIDDEN', `${withArticle(actor.role)} never sends ${event.type}`);
        await recordRefusal(trx, { caseId, actor, eventType: event.type, state, code: refused.code, message: refused.message, at });
        return { refused };
      }
      await checkCommandRules(trx, event, caseId);
      // Read after the lock is held, in a statement of its own: under READ COMMITTED a statement that waited for
      // the lock still sees the data as of its start, and a concurrent command may just have changed these rows.
      const rows = await deadlines.listDeadlines(trx, caseId);
      const planned = planStep(rec, snapshot, rows, event, at);
      const touched = touchedBy(planned, await writeTransitions(trx, [planned.write]));
      const updated = planned.write.case;
      const view = toPetitionView(updated, rowsAfter(planned, touched), actor, at, planned.next);
      if (opts.idempotency !== undefined) {
        await storeIdempotentResponse(trx, { actorId: actor.id, ...opts.idempotency, status: 200, response: view, at });
      }
      return { view, change: { caseId, event: planned.write.event, state: updated.state, deadlines: touched } };
    });
  }

  /**
   * One transaction over many timers: locks their cases (one statement), reads
   * their deadline rows (one statement), decides and plans each, and writes
   * every event in one statement. A second timer of a case already stepped in
   * this round is deferred to the next round, so each step starts from the
   * case as the previous one left it.
   */
  async function fireRound(
    deadlineIds: readonly string[],
    outcomes: Map<string, TimerOutcome>,
  ): Promise<{ changes: CommittedChange[]; deferred: string[] }> {
    return deps.db.transaction().execute(async (trx) => {
      const locked = await lockCasesOfDeadlines(trx, deadlineIds);
      const at = now();
      const rowsByCase = await deadlines.listDeadlinesOf(
        trx,
        locked.map((r) => r.id),
      );
      const recs = new Map(locked.map((r) => [r.id, r]));
      const rowById = new Map([...rowsByCase.values()].flat().map((r) => [r.id, r]));
      const stepped = new Set<string>();
      const deferred: string[] = [];
      const steps: { id: string; planned: PlannedStep; outcome: TimerOutcome }[] = [];
      for (const id of deadlineIds) {
        const row = rowById.get(id);
        const rec = row === undefined ? undefined : recs.get(row.caseId);
        if (row === undefined || rec === undefined) {
          outcomes.set(id, 'stale');
          continue;
        }
        if (stepped.has(rec.id)) {
          deferred.push(id);
          continue;
        }
        const snapshot = restore(rec.machineVersion, rec.snapshot as StoredSnapshot);
        const decided = decideTimer(row, snapshot, at, system);
        // A timer event the machine does not take in this state (the case moved on) is a no-op, not a refusal.
        if (typeof decided === 'string' || !snapshot.can(decided.event)) {
          outcomes.set(id, typeof decided === 'string' ? decided : 'stale');
          continue;
        }
        stepped.add(rec.id);
        steps.push({ id, outcome: decided.outcome, planned: planStep(rec, snapshot, rowsByCase.get(rec.id) ?? [], decided.event, at, decided.remindersSent) });
      }
      const storedByCase = new Map<string, deadlines.DeadlineRecord[]>();
      for (const row of await writeTransitions(
        trx,
        steps.map((s) => s.planned.write),
      )) {
        storedByCase.set(row.caseId, [...(storedByCase.get(row.caseId) ?? []), row]);
      }
      const changes = steps.map(({ id, planned, outcome }) => {
        outcomes.set(id, outcome);
        const { case: updated, event } = planned.write;
        // Nobody reads the view of a timer's change: the worker only needs to know it committed.
        return { caseId: updated.id, event, state: updated.state, deadlines: touchedBy(planned, storedByCase.get(updated.id) ?? []) };
      });
      return { changes, deferred };
    });
  }

  /** Records a new case: snapshot, first trail entry and first deadline in one transaction. */
  async function createCase(intake: Intake, actor: Actor, idempotency: IdempotencyOptions | undefined): Promise<PetitionView> {
    const machineVersion = deps.machineVersion ?? CURRENT_MACHINE_VERSION;
    const at = now();
    const id = randomUUID();
    const snapshot = startCase(machineVersion, { id, intake, at: at.toISOString() });
    const record = {
      caseId: id,
      seq: 1,
      type: INTAKE_EVENT,
      fields: intake as unknown as Record<string, unknown>,
      actor: { id: actor.id, role: actor.role, unit: actor.unit },
      at: at.toISOString(),
      machineVersion,
      prevHash: GENESIS_HASH,
    };
    const event: CaseEventRecord = { ...record, hash: hashEvent(record) };
    const rec: cases.CaseRecord = {
      id,
      unit: intake.unit,
      assigneeUnit: null,
      state: stateName(snapshot),
      channel: intake.channel,
      listed: false,
      version: 1,
      machineVersion,
      snapshot: toStored(snapshot),
      lastHash: event.hash,
      createdAt: at,
      updatedAt: at,
    };
    const { added } = planDeadlineChanges(id, [], clockChanges({}, snapshot.context.clocks), at, deps);
    const result = await deps.db.transaction().execute(async (trx) => {
      const stored = await writeTransitions(trx, [{ case: rec, fromVersion: null, event, newDeadlines: added, changedDeadlines: [] }]);
      const view = toPetitionView(rec, stored, actor, at, snapshot);
      if (idempotency !== undefined) await storeIdempotentResponse(trx, { actorId: actor.id, ...idempotency, status: 201, response: view, at });
      const touched = stored.map((row) => ({ row, previous: null }));
      return { view, change: { caseId: id, event, state: rec.state, deadlines: touched } };
    });
    await notify(result.change);
    return result.view;
  }

  /** Answers a retried request from its first response; runs it (storing the response) otherwise. */
  async function idempotent(actor: Actor, idem: IdempotencyOptions | undefined, run: () => Promise<PetitionView>): Promise<PetitionView> {
    if (idem === undefined) return run();
    const replay = async (): Promise<PetitionView | undefined> => {
      const stored = await findIdempotentResponse(deps.db, actor.id, idem.key);
      if (stored === undefined) return undefined;
      if (stored.requestHash !== idem.requestHash) throw new IdempotencyKeyReusedError();
      return stored.response as PetitionView;
    };
    const first = await replay();
    if (first !== undefined) return first;
    try {
      return await run();
    } catch (err) {
      // A concurrent request with the same key committed first: its response is the answer.
      if ((err as { code?: unknown }).code === '23505') {
        const again = await replay();
        if (again !== undefined) return again;
      }
      throw err;
    }
  }

  async function fireTimers(deadlineIds: readonly string[]): Promise<Map<string, TimerOutcome>> {
    const outcomes = new Map<string, TimerOutcome>();
    // Deadline ids are bigint keys; anything else names no deadline.
    let pending = [...new Set(deadlineIds)].filter((id) => {
      if (/^[1-9][0-9]{0,18}$/.test(id) && BigInt(id) <= MAX_BIGINT) return true;
      outcomes.set(id, 'stale');
      return false;
    });
    while (pending.length > 0) {
      const { changes, deferred } = await fireRound(pending, outcomes);
      // The cases are distinct, so their after-commit work (timers, notifications) may overlap.
      await Promise.all(changes.map(notify));
      pending = deferred;
    }
    return outcomes;
  }

  return {
    async intake(body, actor, opts = {}) {
      const parsed = intakeSchema.safeParse(body);
      if (!parsed.success) throw validationError('invalid petition', parsed.error);
      assertStorable('invalid petition', parsed.data);
      return idempotent(actor, opts.idempotency, () => createCase(parsed.data, actor, opts.idempotency));
    },

    async dispatch(caseId, body, actor, opts = {}) {
      const command = parseCommand(body);
      return idempotent(actor, opts.idempotency, async () => {
        const result = await applyCommand(caseId, command, opts, actor);
        if ('refused' in result) throw result.refused;
        if ('replayed' in result) return result.replayed;
        await notify(result.change);
        return result.view;
      });
    },

    fireTimers,

    async fireTimer(caseId, clock, generation) {
      const row = await deadlines.findDeadline(deps.db, caseId, clock, generation);
      if (row === undefined) return 'stale';
      return (await fireTimers([row.id])).get(row.id) ?? 'stale';
    },
  };
}
