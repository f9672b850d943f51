/**
 * The units a command that sends a case on (转送, 交办, 改派) may name now,
 * for the console's unit picker. Nothing here decides anew: the event must be
 * one the viewer may send the case now (the machine's permission tables), and
 * each unit of the tree is kept when the same claim check the engine runs on
 * the command itself (reach, the accused unit; engine/command-rules.ts)
 * refuses nothing, so the picker offers exactly what the command would take.
 */
import type { Kysely } from 'kysely';
import { findCase } from '../db/case.repository';
import type { Database } from '../db/schema';
import { adapterFor } from '../machines/petition.registry';
import { restoreCase } from './case-snapshot';
import type { Actor } from '../machines/petition.roles';
import { allowedEventsFor } from './case-view';
import { claimRefusal } from './command-rules';
import { EventNotAllowedError, NotFoundError, ValidationError } from './errors';
import { loadDirectory, type UnitDirectorySource } from './unit-directory';

/** The answer of {@link sendTargets}: the event, the field that names the unit, and the units it may name (by code). */
export interface SendTargets {
  readonly event: string;
  readonly field: string;
  readonly units: string[];
}

/**
 * The units `viewer` may send case `caseId` to with `eventType` now. A case
 * outside the viewer's units is NOT_FOUND; an event the viewer may not send
 * now is EVENT_NOT_ALLOWED (with the events allowed); an event that sends the
 * case nowhere (受理, 送达 …) is a VALIDATION error on `event`.
 */
export async function sendTargets(
  db: Kysely<Database>,
  unitSource: UnitDirectorySource,
  caseId: string,
  eventType: string,
  viewer: Actor,
  now: Date,
): Promise<SendTargets> {
  const rec = await findCase(db, caseId, viewer.unit);
  if (rec === undefined) throw new NotFoundError();
  const { tree, directory } = await loadDirectory(unitSource);
  const adapter = adapterFor(rec.machineVersion);
  const snapshot = restoreCase(adapter, rec);
  const allowed = allowedEventsFor(rec, viewer, now, directory);
  if (!allowed.includes(eventType)) throw new EventNotAllowedError(eventType, adapter.stateName(snapshot), allowed);
  // The claim of the command with no unit named yet: which field names the unit, and which unit it must never reach.
  const sender = { actor: viewer, relations: adapter.relationsOf(snapshot, viewer.unit, directory) };
  const probe = adapter.claimsOf(snapshot, adapter.eventOf({ type: eventType }, sender, now.toISOString())).sendsTo;
  if (probe === undefined) {
    throw new ValidationError('not an event that sends the case', [{ path: ['event'], message: `${eventType} sends the case to no unit` }]);
  }
  const units = tree
    .list()
    .map((u) => u.code)
    .filter((unit) => claimRefusal({ sendsTo: { ...probe, unit } }, viewer, eventType, tree) === undefined);
  return { event: eventType, field: probe.field, units };
}
