import type { Transaction } from 'kysely';
import type { CaseEventRecord } from '../db/case-event.repository';
import { lockCase, type CaseRecord, type LockedCase } from '../db/case.repository';
import type { DeadlineRecord } from '../db/deadline.repository';
import { recordRefusal } from '../db/refused-attempt.repository';
import type { Database } from '../db/schema';
import { writeTransitions } from '../db/transition.repository';
import type { CaseEvent, CaseSnapshot, MachineAdapter, Sender } from '../machines/machine-adapter';
import { adapterFor } from '../machines/petition.registry';
import { restoreCase } from './case-snapshot';
import type { Actor } from '../machines/petition.roles';
import { caseInScope, caseWithUnitNow, withArticle } from './access';
import { toPetitionView, type PetitionView } from './case-view';
import { parseCommandFor, parseFilingFor, type CommandEnvelope, type ParsedCommand } from './command-input';
import { checkCommandRules, claimRefusal } from './command-rules';
import type { CommittedChange, DispatchOptions, ResolvedEngineDeps } from './engine.types';
import { AccessError, EventNotAllowedError, NotFoundError, VersionConflictError, type PetitionError } from './errors';
import { storedResponse, storeResponse } from './idempotency';
import { planStep, rowsAfter, touchedBy } from './step-planner';
import { loadDirectory, type UnitDirectory } from './unit-directory';
import type { UnitTree } from './unit-directory.service';

/**
 * What makes a command a filing (an event recorded through a route of its own, such as an attachment's
 * digest): it is parsed as a filing, never as a command, and `write` runs in the transaction that records
 * it, so the row it writes and the trail entry commit or fail together.
 */
export interface FilingOptions {
  readonly write: (trx: Transaction<Database>, event: CaseEventRecord) => Promise<void>;
}

/** A command's options as the engine's entries pass them: the caller's, and the filing part of a filing. */
export type CommandOptions = DispatchOptions & { readonly filing?: FilingOptions | undefined };

/** How one command ended: committed (with its view and change), refused (the refusal committed), or a replayed response. */
export type CommandResult = { view: PetitionView; change: CommittedChange } | { refused: PetitionError } | { replayed: PetitionView };

/** One command on one locked case: its version's adapter, the snapshot, the sender with its relations, the unit tree. */
interface CommandCase {
  readonly rec: CaseRecord;
  readonly adapter: MachineAdapter;
  readonly snapshot: CaseSnapshot;
  readonly sender: Sender;
  readonly units: UnitDirectory;
  readonly tree: UnitTree;
  /** The units the case is recorded as having passed through (`case_units`), read with the lock. */
  readonly passed: readonly string[];
  /** Its deadline rows, read with the lock. */
  readonly deadlines: readonly DeadlineRecord[];
}

/** Keeps a refusal in `refused_attempts` (it commits; nothing else of the command does) and returns it. */
async function recordRefused(
  trx: Transaction<Database>,
  c: CommandCase,
  eventType: string,
  refused: PetitionError,
  at: Date,
): Promise<PetitionError> {
  const state = c.adapter.stateName(c.snapshot);
  await recordRefusal(trx, { caseId: c.rec.id, actor: c.sender.actor, eventType, state, code: refused.code, message: refused.message, at });
  return refused;
}

/**
 * The refusal of an event, if any: the case's own verdict first (FORBIDDEN for
 * a role that never sends it, EVENT_NOT_ALLOWED with the events the sender may
 * send now), then what its claims meet (reach, the accused unit).
 */
function refusalOf(c: CommandCase, event: CaseEvent): PetitionError | undefined {
  const verdict = c.adapter.verdict(c.snapshot, event, c.sender);
  const state = c.adapter.stateName(c.snapshot);
  const allowedEvents = () => c.adapter.allowedEvents(c.snapshot, c.sender, event.at);
  if (verdict === 'FORBIDDEN') return new AccessError('FORBIDDEN', `${withArticle(c.sender.actor.role)} never sends ${event.type}`);
  if (verdict === 'EVENT_NOT_ALLOWED') return new EventNotAllowedError(event.type, state, allowedEvents());
  // v1/v2 have no relations: a unit the case only passed through reads it and sends nothing (v3's relations decide that).
  if (
    !c.adapter.usesRelations &&
    !caseWithUnitNow(
      c.adapter.caseUnits(c.snapshot).map((u) => u.unit),
      c.sender.actor.unit,
    )
  ) {
    return new EventNotAllowedError(event.type, state, []);
  }
  return claimRefusal(c.adapter.claimsOf(c.snapshot, event), c.sender.actor, event.type, c.tree);
}

/**
 * Checks and plans one person's command on a locked case: its version, the
 * permission (the case's adapter, with the sender's relations), the engine's
 * own rules; then the pure step, its one write and the view the sender gets back.
 */
async function stepCase(
  trx: Transaction<Database>,
  deps: ResolvedEngineDeps,
  c: CommandCase,
  envelope: CommandEnvelope,
  at: Date,
  opts: CommandOptions,
): Promise<CommandResult> {
  const { rec, adapter } = c;
  const command = opts.filing === undefined ? parseCommandFor(adapter, envelope) : filingOf(c, envelope, at);
  if (opts.expectedVersion !== undefined && opts.expectedVersion !== rec.version)
    throw new VersionConflictError(opts.expectedVersion, rec.version);
  const event = adapter.eventOf(command, c.sender, at.toISOString());
  const refused = refusalOf(c, event);
  if (refused !== undefined) return { refused: await recordRefused(trx, c, event.type, refused, at) };
  await checkCommandRules(trx, deps.policy, adapter.claimsOf(c.snapshot, event), rec.id, c.sender.actor);
  // Read with the lock, as they are once it is held (lockCase reads them again if the lock waited for a change).
  const rows = c.deadlines;
  const planned = planStep(deps, adapter, rec, c.snapshot, rows, event, at);
  // Only units not yet recorded: most steps pass through none, and their write then skips `case_units`.
  const write = { ...planned.write, units: planned.write.units.filter((u) => !c.passed.includes(u)) };
  const touched = touchedBy(planned, await writeTransitions(trx, [write]));
  await opts.filing?.write(trx, planned.write.event);
  const updated = planned.write.case;
  const view = toPetitionView(updated, rowsAfter(planned, touched), c.sender.actor, at, {
    units: c.units,
    live: planned.next,
    urgency: deps,
  });
  await storeResponse(trx, c.sender.actor, opts.idempotency, 200, view, at);
  const notify = adapter.notifies(planned.next, event.type);
  return { view, change: { caseId: rec.id, event: planned.write.event, state: updated.state, deadlines: touched, notify } };
}

/** A filing parsed under the case's version; a version that records no filings does not allow it now (422). */
function filingOf(c: CommandCase, envelope: CommandEnvelope, at: Date): ParsedCommand {
  const filing = parseFilingFor(c.adapter, envelope);
  if (filing !== undefined) return filing;
  throw new EventNotAllowedError(
    envelope.type,
    c.adapter.stateName(c.snapshot),
    c.adapter.allowedEvents(c.snapshot, c.sender, at.toISOString()),
  );
}

/** The case a command works on: adapter, snapshot, and the sender's relations to it, computed from the unit tree. */
function commandCase(locked: LockedCase, actor: Actor, tree: UnitTree, units: UnitDirectory): CommandCase {
  const { units: passed, deadlines, ...rec } = locked;
  const adapter = adapterFor(rec.machineVersion);
  const snapshot = restoreCase(adapter, rec);
  return {
    rec,
    adapter,
    snapshot,
    units,
    tree,
    passed,
    deadlines,
    sender: { actor, relations: adapter.relationsOf(snapshot, actor.unit, units) },
  };
}

/** Applies one person's command to one case in one transaction: lock, idempotent replay, checks, step, write. */
export async function applyCommand(
  deps: ResolvedEngineDeps,
  now: () => Date,
  caseId: string,
  envelope: CommandEnvelope,
  actor: Actor,
  opts: CommandOptions,
): Promise<CommandResult> {
  // Read before the transaction: the embedded database has one connection, which the transaction holds.
  const { tree, directory } = await loadDirectory(deps.units);
  return deps.db.transaction().execute(async (trx) => {
    const locked = await lockCase(trx, caseId);
    if (locked === undefined || !caseInScope(locked, actor.unit)) throw new NotFoundError();
    const at = now();
    // Read again under the case lock: a concurrent request with the same key may have committed while this one
    // waited for the lock, and its response is the answer (not a refusal or a version conflict of the retry).
    const replayOf = { kind: 'command', eventType: envelope.type, scopeChecked: true } as const;
    const replayed = opts.idempotency === undefined ? undefined : await storedResponse(trx, actor, opts.idempotency, replayOf);
    if (replayed !== undefined) return { replayed };
    return stepCase(trx, deps, commandCase(locked, actor, tree, directory), envelope, at, opts);
  });
}
