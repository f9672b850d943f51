import type { Transaction } from 'kysely';
import { lockCase, type CaseRecord } from '../db/case.repository';
import { listDeadlines } from '../db/deadline.repository';
import { recordRefusal } from '../db/refused-attempt.repository';
import type { Database } from '../db/schema';
import { writeTransitions } from '../db/transition.repository';
import { allowedEvents, eventPermission, type EventPermission } from '../machines/event-permission';
import type { PetitionEvent } from '../machines/petition.machine';
import { caseUnitsOf, restore, stateName, type PetitionSnapshot, type StoredSnapshot } from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import { toPetitionView, type PetitionView } from './case-view';
import type { ParsedCommand } from './command-input';
import { checkCommandRules } from './command-rules';
import type { CommittedChange, DispatchOptions, ResolvedEngineDeps } from './engine.types';
import { caseInScope, caseWithUnitNow, reachRefusal, withArticle } from './access';
import { AccessError, EventNotAllowedError, NotFoundError, VersionConflictError, type PetitionError } from './errors';
import { storedResponse, storeResponse } from './idempotency';
import type { UnitTree } from './unit-directory.service';
import { planStep, rowsAfter, touchedBy } from './step-planner';

/** How one command ended: committed (with its view and change), refused (the refusal committed), or a replayed response. */
export type CommandResult = { view: PetitionView; change: CommittedChange } | { refused: PetitionError } | { replayed: PetitionView };

/**
 * Records a refused event (who, which unit, which event, why) and returns its
 * error: FORBIDDEN for a role that never sends it, EVENT_NOT_ALLOWED with the
 * events the role may send now otherwise. The refusal commits, nothing else does.
 */
async function refuse(
  trx: Transaction<Database>,
  rec: CaseRecord,
  snapshot: PetitionSnapshot,
  event: PetitionEvent,
  permission: Exclude<EventPermission, 'allowed'>,
  at: Date,
): Promise<PetitionError> {
  const { actor } = event;
  const refused =
    permission === 'FORBIDDEN'
      ? new AccessError('FORBIDDEN', `${withArticle(actor.role)} never sends ${event.type}`)
      : new EventNotAllowedError(event.type, stateName(snapshot), allowedEvents(snapshot, actor.role, event.at));
  return recordRefused(trx, rec, snapshot, event, refused, at);
}

/** Keeps a refusal in `refused_attempts` (it commits; nothing else of the command does) and returns it. */
async function recordRefused(
  trx: Transaction<Database>,
  rec: CaseRecord,
  snapshot: PetitionSnapshot,
  event: PetitionEvent,
  refused: PetitionError,
  at: Date,
): Promise<PetitionError> {
  const { actor } = event;
  const state = stateName(snapshot);
  await recordRefusal(trx, { caseId: rec.id, actor, eventType: event.type, state, code: refused.code, message: refused.message, at });
  return refused;
}

/**
 * Checks and plans one person's command on a locked case: its version, the
 * permission (machines/event-permission.ts), the engine's own rules; then the
 * pure step, its one write and the view the sender gets back.
 */
async function stepCase(
  trx: Transaction<Database>,
  deps: ResolvedEngineDeps,
  tree: UnitTree,
  rec: CaseRecord,
  event: PetitionEvent,
  at: Date,
  opts: DispatchOptions,
): Promise<CommandResult> {
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== rec.version) throw new VersionConflictError(opts.expectedVersion, rec.version);
  const snapshot = restore(rec.machineVersion, rec.snapshot as StoredSnapshot);
  const permission = eventPermission(snapshot, event);
  if (permission !== 'allowed') return { refused: await refuse(trx, rec, snapshot, event, permission, at) };
  if (!caseWithUnitNow(caseUnitsOf(rec.machineVersion, snapshot), event.actor.unit)) {
    // Visible because it passed through the actor's units, but no longer with them: nothing to send now.
    return { refused: await recordRefused(trx, rec, snapshot, event, new EventNotAllowedError(event.type, stateName(snapshot), []), at) };
  }
  const outOfReach = reachRefusal(event, event.actor, tree);
  if (outOfReach !== undefined) return { refused: await recordRefused(trx, rec, snapshot, event, outOfReach, at) };
  await checkCommandRules(trx, deps.policy, rec.machineVersion, event, rec.id);
  // Read after the lock is held, in a statement of its own: under READ COMMITTED a statement that waited for
  // the lock still sees the data as of its start, and a concurrent command may just have changed these rows.
  const rows = await listDeadlines(trx, rec.id);
  const planned = planStep(deps, rec, snapshot, rows, event, at);
  const touched = touchedBy(planned, await writeTransitions(trx, [planned.write]));
  const updated = planned.write.case;
  const view = toPetitionView(updated, rowsAfter(planned, touched), event.actor, at, planned.next);
  await storeResponse(trx, event.actor, opts.idempotency, 200, view, at);
  return { view, change: { caseId: rec.id, event: planned.write.event, state: updated.state, deadlines: touched } };
}

/** Applies one person's command to one case in one transaction: lock, idempotent replay, checks, step, write. */
export async function applyCommand(deps: ResolvedEngineDeps, now: () => Date, caseId: string, command: ParsedCommand, actor: Actor, opts: DispatchOptions): Promise<CommandResult> {
  // Read before the transaction: the embedded database has one connection, which the transaction holds.
  const tree = await deps.units.tree();
  return deps.db.transaction().execute(async (trx) => {
    const locked = await lockCase(trx, caseId);
    if (locked === undefined || !caseInScope(locked, actor.unit)) throw new NotFoundError();
    const { units: _units, ...rec } = locked;
    const at = now();
    // Read again under the case lock: a concurrent request with the same key may have committed while this one
    // waited for the lock, and its response is the answer (not a refusal or a version conflict of the retry).
    const replayOf = { kind: 'command', eventType: command.type, scopeChecked: true } as const;
    const replayed = opts.idempotency === undefined ? undefined : await storedResponse(trx, actor, opts.idempotency, replayOf);
    if (replayed !== undefined) return { replayed };
    return stepCase(trx, deps, tree, rec, { ...command, actor, at: at.toISOString() } as PetitionEvent, at, opts);
  });
}
