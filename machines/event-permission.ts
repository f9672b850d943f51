import type { CaseEvent, CaseSnapshot, Sender, Verdict } from './machine-adapter';
import type { PetitionEvent } from './petition.machine';
import { adapterFor, type PetitionSnapshot } from './petition.registry';
import { COMMAND_TYPES, type CommandType, type EventType } from './petition.schemas';
import type { Role } from './petition.vocabulary';
import { sendsInAny } from './versions/legacy.adapter';
import { PERMISSIONS_V1 } from './versions/v1';
import { MACHINE_VERSION_2, PERMISSIONS_V2 } from './versions/v2';
import { roleMaySendV3 } from './versions/v3/v3.permissions';
import { V3_EVENT_TYPES, type V3EventType } from './versions/v3/v3.schemas';

/**
 * The answer to "may this actor send this event to this case now":
 * `FORBIDDEN` when the role never sends the event, `EVENT_NOT_ALLOWED` when
 * the case's version, state, guards (or, from v3, the sender's relation to the
 * case) refuse it now. Each version's adapter answers for its cases; this
 * module is the one place the engine asks.
 */
export type EventPermission = 'allowed' | 'FORBIDDEN' | 'EVENT_NOT_ALLOWED';

const legacySends = sendsInAny([PERMISSIONS_V1, PERMISSIONS_V2]);

/**
 * The adapter that judges a v1/v2 snapshot handed over without its version:
 * both share one adapter shape, and `can()` runs the snapshot's own machine.
 */
const MACHINE_VERSION_FOR_PROBES = MACHINE_VERSION_2;

/**
 * Whether a role sends an event type in some state of version 1 or 2: on a
 * v1/v2 case, a role that does is merely untimely where its case refuses the
 * event; one that never does is forbidden. (A v3 case answers by its own
 * table, `roleMaySendV3`.)
 */
export function roleMaySend(type: string, role: Role): boolean {
  return legacySends(type as EventType, role);
}

/** Whether a role sends an event type under some machine version at all (a replayed response of one that never does is 403). */
export function roleMaySendInAnyVersion(type: string, role: Role): boolean {
  const v3 = (V3_EVENT_TYPES as readonly string[]).includes(type) && roleMaySendV3(type as V3EventType, role);
  return v3 || legacySends(type as EventType, role);
}

/** The verdict of the case's own version on one event from one sender. */
export function verdictOf(version: number, snapshot: CaseSnapshot, event: CaseEvent, sender: Sender): Verdict {
  return adapterFor(version).verdict(snapshot, event, sender);
}

/** The commands `sender` may send to a case of `version` now: what its verdict allows. */
export function allowedEventsOf(version: number, snapshot: CaseSnapshot, sender: Sender, at: string): string[] {
  return adapterFor(version).allowedEvents(snapshot, sender, at);
}

/**
 * A v1/v2 case's permission as before: the role first, then the case's own
 * machine (its table, state and guards, with the event's fields).
 */
export function eventPermission(snapshot: PetitionSnapshot, event: PetitionEvent): EventPermission {
  const verdict = verdictOf(MACHINE_VERSION_FOR_PROBES, snapshot, event as unknown as CaseEvent, { actor: event.actor, relations: [] });
  return verdict === 'ok' ? 'allowed' : verdict;
}

/** The commands `role` may send now to a v1/v2 case. */
export function allowedEvents(snapshot: PetitionSnapshot, role: Role, at: string): CommandType[] {
  const actor = { id: 'probe', role, unit: snapshot.context.unit };
  const allowed = allowedEventsOf(MACHINE_VERSION_FOR_PROBES, snapshot, { actor, relations: [] }, at);
  return COMMAND_TYPES.filter((t) => allowed.includes(t));
}
