import type { Policy } from '../config/policy.schema';
import type { WorkingCalendar } from './working-calendar';
import type { Actor } from '../machines/petition.roles';
import { applyCommand, type CommandOptions, type FilingOptions } from './case-command';
import { createCase, newCaseVersion } from './case-intake';
import type { PetitionView } from './case-view';
import { parseEnvelope, type CommandEnvelope } from './command-input';
import { afterCommit, type DispatchOptions, type EngineDeps, type IdempotencyOptions } from './engine.types';
import { idempotent } from './idempotency';
import { fireTimers } from './timer-firing';
import { createUnitDirectory } from './unit-directory.service';
import type { TimerOutcome } from './timer-decision';

export type { CommittedChange, DispatchOptions, EngineDeps, IdempotencyOptions, TouchedDeadline } from './engine.types';
export type { TimerOutcome };

/**
 * The engine's one write path. Its parts are modules of their own:
 * command-input (parsing, storable text), case-intake and case-command (one
 * transaction per command), command-rules, step-planner (transition, trail
 * entry, case and deadline rows), idempotency, and timer-firing (batches of
 * deadline timers).
 */
export interface PetitionEngine {
  /** Records a new petition (登记) under the version new cases start under, and starts its first clock. */
  intake(body: unknown, actor: Actor, opts?: { idempotency?: IdempotencyOptions | undefined }): Promise<PetitionView>;
  /** Applies one command to one case: validate, lock, check, pure transition, one transaction. */
  dispatch(caseId: string, body: unknown, actor: Actor, opts?: DispatchOptions): Promise<PetitionView>;
  /**
   * Records a filing (an event the API never takes as a command: an attachment's digest) through the same
   * path as a command, with the same permission and scope checks; `filing.write` runs in its transaction.
   */
  file(caseId: string, body: { readonly type: string }, actor: Actor, filing: FilingOptions): Promise<PetitionView>;
  /**
   * The deadline workers' entry: fires many deadline timers (by deadline row
   * id) in as few transactions as possible: one round, plus one more for each
   * further timer of a case already stepped. Each id gets its outcome (the next
   * unsent reminder, else the breach; only a due, live deadline changes). A
   * failure fails the call: the failing round writes nothing, rounds before it
   * stay committed (and their timers, fired again, are no-ops).
   */
  fireTimers(deadlineIds: readonly string[]): Promise<Map<string, TimerOutcome>>;
  /** The machine version new cases start under (the API describes that version's intake first). */
  readonly newCaseVersion: number;
  /** The policy the engine runs (clock lengths, reminders): reads that word or time its clocks take them from here. */
  readonly policy: Policy;
  /** The working-day calendar the engine's clocks count on. */
  readonly calendar: WorkingCalendar;
}

/** Creates the engine over a database, a policy and a working calendar. */
export function createPetitionEngine(given: EngineDeps): PetitionEngine {
  const deps = { ...given, units: given.units ?? createUnitDirectory(given.db) };
  const now = deps.now ?? (() => new Date());
  /** One command (or filing) on one case, then the after-commit work of what it changed. */
  async function command(caseId: string, envelope: CommandEnvelope, actor: Actor, opts: CommandOptions): Promise<PetitionView> {
    const result = await applyCommand(deps, now, caseId, envelope, actor, opts);
    if ('refused' in result) throw result.refused;
    if ('replayed' in result) return result.replayed;
    await afterCommit(deps, result.change);
    return result.view;
  }
  return {
    async intake(body, actor, opts = {}) {
      return idempotent(deps.db, actor, opts.idempotency, { kind: 'intake' }, () => createCase(deps, now, body, actor, opts.idempotency));
    },

    async dispatch(caseId, body, actor, opts = {}) {
      // The fields are validated under the case's own machine version, once the case is read.
      const envelope = parseEnvelope(body);
      return idempotent(deps.db, actor, opts.idempotency, { kind: 'command', eventType: envelope.type }, () =>
        command(caseId, envelope, actor, opts),
      );
    },

    file: (caseId, body, actor, filing) => command(caseId, parseEnvelope(body), actor, { filing }),

    fireTimers: (deadlineIds) => fireTimers(deps, now, deadlineIds),
    newCaseVersion: newCaseVersion(deps),
    policy: deps.policy,
    calendar: deps.calendar,
  };
}
