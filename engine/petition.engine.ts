import type { Actor } from '../machines/petition.roles';
import { applyCommand } from './case-command';
import { createCase } from './case-intake';
import type { PetitionView } from './case-view';
import { parseCommand, parseIntake } from './command-input';
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
  /** Records a new petition (登记) and starts its acceptance clock. */
  intake(body: unknown, actor: Actor, opts?: { idempotency?: IdempotencyOptions | undefined }): Promise<PetitionView>;
  /** Applies one command to one case: validate, lock, check, pure transition, one transaction. */
  dispatch(caseId: string, body: unknown, actor: Actor, opts?: DispatchOptions): Promise<PetitionView>;
  /**
   * The deadline workers' entry: fires many deadline timers (by deadline row
   * id) in as few transactions as possible: one round, plus one more for each
   * further timer of a case already stepped. Each id gets its outcome (the next
   * unsent reminder, else the breach; only a due, live deadline changes). A
   * failure fails the call: the failing round writes nothing, rounds before it
   * stay committed (and their timers, fired again, are no-ops).
   */
  fireTimers(deadlineIds: readonly string[]): Promise<Map<string, TimerOutcome>>;
}

/** Creates the engine over a database, a policy and a working calendar. */
export function createPetitionEngine(given: EngineDeps): PetitionEngine {
  const deps = { ...given, units: given.units ?? createUnitDirectory(given.db) };
  const now = deps.now ?? (() => new Date());
  return {
    async intake(body, actor, opts = {}) {
      const intake = parseIntake(body);
      return idempotent(deps.db, actor, opts.idempotency, { kind: 'intake' }, () => createCase(deps, now, intake, actor, opts.idempotency));
    },

    async dispatch(caseId, body, actor, opts = {}) {
      const command = parseCommand(body);
      return idempotent(deps.db, actor, opts.idempotency, { kind: 'command', eventType: command.type }, async () => {
        const result = await applyCommand(deps, now, caseId, command, actor, opts);
        if ('refused' in result) throw result.refused;
        if ('replayed' in result) return result.replayed;
        await afterCommit(deps, result.change);
        return result.view;
      });
    },

    fireTimers: (deadlineIds) => fireTimers(deps, now, deadlineIds),
  };
}
