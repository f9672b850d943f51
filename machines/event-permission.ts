import type { PetitionEvent } from './petition.machine';
import { roleSendsIn } from './petition.permissions';
import { MACHINE_VERSIONS, permissionsFor, type PetitionSnapshot } from './petition.registry';
import type { Actor } from './petition.roles';
import { COMMAND_TYPES, type CommandType, type EventType } from './petition.schemas';
import { CLOCK_NAMES, ROLES, type Role } from './petition.vocabulary';

/**
 * The answer to "may this actor send this event to this case now":
 * `FORBIDDEN` when the role never sends the event (in no version's table),
 * `EVENT_NOT_ALLOWED` when the case's version, state or guards refuse it now.
 */
export type EventPermission = 'allowed' | 'FORBIDDEN' | 'EVENT_NOT_ALLOWED';

/** Every `event role` pair some version's table names, computed once (every view asks for its allowed events). */
const SENDERS: ReadonlySet<string> = new Set(
  MACHINE_VERSIONS.flatMap((version) => {
    const table = permissionsFor(version);
    return (Object.keys(table) as EventType[]).flatMap((type) =>
      ROLES.filter((role) => roleSendsIn(table, type, role)).map((role) => `${type} ${role}`),
    );
  }),
);

/**
 * Whether a role sends an event type in some state of some machine version.
 * A role that does is merely untimely where its case refuses the event (an old
 * version's case, a state without it); one that never does is forbidden.
 */
export function roleMaySend(type: EventType, role: Role): boolean {
  return SENDERS.has(`${type} ${role}`);
}

/**
 * The one permission check of an event on a case: the role first, then the
 * case's own machine (its version's permission table, its state and guards,
 * with the event's fields). Rules that need other data (the unit tree, a merge
 * target) are the engine's, checked after this.
 */
export function eventPermission(snapshot: PetitionSnapshot, event: PetitionEvent): EventPermission {
  if (!roleMaySend(event.type, event.actor.role)) return 'FORBIDDEN';
  return snapshot.can(event) ? 'allowed' : 'EVENT_NOT_ALLOWED';
}

/**
 * The commands `role` may send now: those {@link eventPermission} allows.
 * Probes carry no fields, so guards only read the role and context; clock
 * commands are probed per clock.
 */
export function allowedEvents(snapshot: PetitionSnapshot, role: Role, at: string): CommandType[] {
  if (snapshot.status !== 'active') return [];
  const actor: Actor = { id: 'probe', role, unit: snapshot.context.unit };
  return COMMAND_TYPES.filter((type) => {
    if (type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK') {
      return CLOCK_NAMES.some((clock) => eventPermission(snapshot, { type, clock, actor, at }) === 'allowed');
    }
    return eventPermission(snapshot, { type, actor, at } as PetitionEvent) === 'allowed';
  });
}
