import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { durationMillis } from '../config/duration';
import type { ClockName, Policy } from '../config/policy.schema';
import * as cases from '../db/case.repository';
import { appendEvent, type CaseEventRecord } from '../db/case-event.repository';
import * as deadlines from '../db/deadline.repository';
import { recordRefusal } from '../db/refused-attempt.repository';
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
import { commandSchema, intakeSchema, systemFieldSchemas, type Intake } from '../machines/petition.schemas';
import { GENESIS_HASH, hashEvent } from './audit-hash';
import { clockChanges, type ClockChange } from './clock-changes';
import { toPetitionView, type PetitionView } from './case-view';
import { extendDue, planDeadline, reminderTimes } from './deadline-calculator';
import { AccessError, EventNotAllowedError, IdempotencyKeyReusedError, NotFoundError, PetitionError, ValidationError, VersionConflictError } from './errors';
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

/** One deadline row a command wrote, with its next fire time before the command (to retire the old timer). */
export interface TouchedDeadline {
  readonly row: deadlines.DeadlineRecord;
  readonly previousFireAt: Date | null;
}

/** What one committed command changed. */
export interface CommittedChange {
  readonly caseId: string;
  readonly event: CaseEventRecord;
  readonly state: string;
  readonly deadlines: readonly TouchedDeadline[];
}

/** What one `fireTimer` call did: a reminder or breach recorded, nothing yet due, or nothing to do. */
export type TimerOutcome = 'reminded' | 'breached' | 'early' | 'stale';

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

/** Creates the engine over a database, a policy and a working calendar. */
export function createPetitionEngine(deps: EngineDeps): PetitionEngine {
  const now = deps.now ?? (() => new Date());
  const system: Actor = { id: 'deadline-worker', role: 'system', unit: '000000' };

  async function notify(change: CommittedChange | undefined): Promise<void> {
    if (change === undefined || deps.onCommitted === undefined) return;
    await deps.onCommitted(change);
  }

  function specOf(clock: ClockName, durationOverride?: string) {
    const p = deps.policy.clocks[clock];
    return { ...p, duration: durationOverride ?? p.duration };
  }

  /** Applies the machine's clock changes to deadline rows; returns the rows that changed. */
  async function applyClockChanges(
    trx: Transaction<Database>,
    caseId: string,
    changes: readonly ClockChange[],
    at: Date,
    /** The case's deadline rows, read under the case lock; updated in place to what this command leaves. */
    existing: deadlines.DeadlineRecord[],
  ): Promise<TouchedDeadline[]> {
    if (changes.length === 0) return [];
    const find = (clock: string, generation: number) => existing.find((d) => d.clock === clock && d.generation === generation);
    const touched: TouchedDeadline[] = [];
    for (const ch of changes) {
      if (ch.kind === 'start') {
        const spec = specOf(ch.clock, ch.duration);
        const plan = planDeadline(at, spec, deps.calendar);
        const row = await deadlines.insertDeadline(trx, {
          caseId,
          clock: ch.clock,
          generation: ch.generation,
          calendar: spec.calendar,
          duration: spec.duration,
          onBreach: spec.onBreach,
          startedAt: at,
          dueAt: plan.dueAt,
          reminders: plan.reminders,
          updatedAt: at,
        });
        existing.push(row);
        touched.push({ row, previousFireAt: null });
        continue;
      }
      const row = find(ch.clock, ch.generation);
      // A clock the machine knows but with no row is a bug, not a user error: fail the whole command.
      if (row === undefined) throw new Error(`no deadline row for ${ch.clock} generation ${ch.generation}`);
      let updated: deadlines.DeadlineRecord;
      if (ch.kind === 'stop') {
        updated = await deadlines.updateDeadline(trx, row.id, { status: ch.status, pausedAt: null, updatedAt: at });
      } else if (ch.kind === 'pause') {
        updated = await deadlines.updateDeadline(trx, row.id, { status: 'paused', pausedAt: at, updatedAt: at });
      } else if (ch.kind === 'resume') {
        // Paused time does not count (Art 35, hearings): shift due and reminders by the span.
        const span = at.getTime() - (row.pausedAt ?? at).getTime();
        updated = await deadlines.updateDeadline(trx, row.id, {
          status: 'pending',
          pausedAt: null,
          dueAt: new Date(row.dueAt.getTime() + span),
          reminders: row.reminders.map((t) => new Date(t.getTime() + span)),
          updatedAt: at,
        });
      } else {
        const dueAt = extendDue(row.dueAt, ch.by, row.calendar as never, deps.calendar);
        const reminders = reminderTimes(row.startedAt, dueAt, deps.policy.clocks[ch.clock].reminders).filter((t) => t > at);
        // The reminder list is rebuilt from now on, so the count of those already sent starts again.
        updated = await deadlines.updateDeadline(trx, row.id, { dueAt, reminders, remindersSent: 0, extendedBy: ch.by, updatedAt: at });
      }
      existing.splice(existing.indexOf(row), 1, updated);
      touched.push({ row: updated, previousFireAt: row.nextFireAt });
    }
    return touched;
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

  /** Builds the event under the case lock; `undefined` means there is nothing to do. */
  type Build = (
    trx: Transaction<Database>,
    rec: cases.CaseRecord,
    snapshot: PetitionSnapshot,
    deadlineRows: readonly deadlines.DeadlineRecord[],
  ) => Promise<{ event: PetitionEvent; after?: (trx: Transaction<Database>, at: Date) => Promise<TouchedDeadline[]> } | undefined>;

  async function apply(
    caseId: string,
    build: Build,
    opts: DispatchOptions,
    viewer: Actor,
  ): Promise<{ view: PetitionView | undefined; change: CommittedChange } | { refused: PetitionError } | { replayed: PetitionView } | undefined> {
    const at = now();
    return deps.db.transaction().execute(async (trx) => {
      const rec = await cases.lockCase(trx, caseId);
      if (rec === undefined || (viewer.role !== 'system' && !cases.caseInScope(rec, viewer.unit))) throw new NotFoundError();
      if (opts.idempotency !== undefined) {
        // Read again under the case lock: a concurrent request with the same key may have committed while this one
        // waited for the lock, and its response is the answer (not a refusal or a version conflict of the retry).
        const stored = await findIdempotentResponse(trx, viewer.id, opts.idempotency.key);
        if (stored !== undefined) {
          if (stored.requestHash !== opts.idempotency.requestHash) throw new IdempotencyKeyReusedError();
          return { replayed: stored.response as PetitionView };
        }
      }
      if (opts.expectedVersion !== undefined && opts.expectedVersion !== rec.version) {
        throw new VersionConflictError(opts.expectedVersion, rec.version);
      }
      const snapshot = restore(rec.machineVersion, rec.snapshot as StoredSnapshot);
      // Read after the lock is held, in a statement of its own: under READ COMMITTED a statement that waited for
      // the lock still sees the data as of its start, and a concurrent command may just have changed these rows.
      const rows = await deadlines.listDeadlines(trx, caseId);
      const built = await build(trx, rec, snapshot, rows);
      if (built === undefined) return undefined;
      const { event } = built;
      const roleMay = roleMaySend(event.type, event.actor.role);
      if (!roleMay || !snapshot.can(event)) {
        const state = stateName(snapshot);
        // Every denial is kept (who, which unit, which event, why); the refusal commits, nothing else does.
        const refused = roleMay
          ? new EventNotAllowedError(event.type, state, allowedEvents(snapshot, event.actor.role, event.at))
          : new AccessError('FORBIDDEN', `a ${event.actor.role} never sends ${event.type}`);
        if (event.actor.role !== 'system') {
          await recordRefusal(trx, { caseId, actor: event.actor, eventType: event.type, state, code: refused.code, message: refused.message, at });
        }
        return { refused };
      }
      await checkCommandRules(trx, event, caseId);
      const next = step(rec.machineVersion, snapshot, event);
      const { type, actor, at: atIso, ...fields } = event;
      const seq = rec.version + 1;
      const record = {
        caseId,
        seq,
        type,
        fields,
        actor: { id: actor.id, role: actor.role, unit: actor.unit },
        at: atIso,
        machineVersion: rec.machineVersion,
        prevHash: rec.lastHash,
      };
      const stored: CaseEventRecord = { ...record, hash: hashEvent(record) };
      await appendEvent(trx, stored);
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
      await cases.updateCase(trx, caseId, rec.version, updated);
      const touched = await applyClockChanges(trx, caseId, clockChanges(snapshot.context.clocks, ctx.clocks), at, rows);
      if (built.after !== undefined) touched.push(...(await built.after(trx, at)));
      const state = updated.state;
      // Nobody reads the view of a timer's change: the worker only needs to know it committed.
      if (viewer.role === 'system') return { view: undefined, change: { caseId, event: stored, state, deadlines: touched } };
      const view = toPetitionView(updated, rows, viewer, at, next);
      if (opts.idempotency !== undefined) {
        await storeIdempotentResponse(trx, { actorId: viewer.id, ...opts.idempotency, status: 200, response: view, at });
      }
      return { view, change: { caseId, event: stored, state, deadlines: touched } };
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
    const result = await deps.db.transaction().execute(async (trx) => {
      await cases.insertCase(trx, rec);
      await appendEvent(trx, event);
      const touched = await applyClockChanges(trx, id, clockChanges({}, snapshot.context.clocks), at, []);
      const view = toPetitionView(
        rec,
        touched.map((t) => t.row),
        actor,
        at,
        snapshot,
      );
      if (idempotency !== undefined) await storeIdempotentResponse(trx, { actorId: actor.id, ...idempotency, status: 201, response: view, at });
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
        const result = await apply(caseId, async () => ({ event: { ...command, actor, at: now().toISOString() } as PetitionEvent }), opts, actor);
        if (result === undefined) throw new Error('unreachable: a command always builds an event');
        if ('refused' in result) throw result.refused;
        if ('replayed' in result) return result.replayed;
        await notify(result.change);
        if (result.view === undefined) throw new Error('unreachable: a person always gets a view');
        return result.view;
      });
    },

    async fireTimer(caseId, clock, generation) {
      const decided: { outcome: TimerOutcome } = { outcome: 'stale' };
      const result = await apply(
        caseId,
        async (_trx, _rec, snapshot, rows) => {
          // Read under the case lock: every change to a case's deadlines happens under it, so this decision is final.
          const row = rows.find((d) => d.clock === clock && d.generation === generation);
          if (row === undefined || row.status !== 'pending' || snapshot.context.clocks[clock]?.generation !== generation) return undefined;
          const at = now();
          const reminder = row.reminders[row.remindersSent];
          if (reminder !== undefined && reminder <= at) {
            decided.outcome = 'reminded';
            const fields = systemFieldSchemas.DEADLINE_REMINDER.parse({ clock, generation, reminder: reminder.toISOString() });
            return {
              event: { type: 'DEADLINE_REMINDER', ...fields, actor: system, at: at.toISOString() } as PetitionEvent,
              after: async (t, when) => [
                { row: await deadlines.updateDeadline(t, row.id, { remindersSent: row.remindersSent + 1, updatedAt: when }), previousFireAt: row.nextFireAt },
              ],
            };
          }
          if (row.dueAt > at) {
            decided.outcome = 'early';
            return undefined;
          }
          decided.outcome = 'breached';
          // The breach action armed with the deadline applies, even if the policy changed since.
          const fields = systemFieldSchemas.DEADLINE_BREACHED.parse({ clock, generation, onBreach: row.onBreach });
          return { event: { type: 'DEADLINE_BREACHED', ...fields, actor: system, at: at.toISOString() } as PetitionEvent };
        },
        {},
        system,
      );
      if (result === undefined) return decided.outcome === 'early' ? 'early' : 'stale';
      if ('refused' in result || 'replayed' in result) return 'stale';
      await notify(result.change);
      return decided.outcome;
    },
  };
}
