/**
 * What an actor may send to a version 3 case now, as the API answers it: 403
 * for a role that never sends the event, 422 with the allowed events otherwise.
 * Both answers come from the permission table and the machine itself.
 */
import type { Actor } from '../../petition.roles';
import type { V3Event } from './v3.context';
import type { V3Snapshot } from './v3.machine';
import { roleMaySendV3 } from './v3.permissions';
import { V3_COMMAND_TYPES, type V3Command, type V3CommandType, type V3SystemCommand } from './v3.schemas';
import { V3_CLOCK_NAMES, outcomesFor, type Relation } from './v3.vocabulary';

/** An actor with its unit's relations to the case (computed by the engine). */
export interface V3Sender {
  readonly actor: Actor;
  readonly relations: readonly Relation[];
}

/** `ok`; `FORBIDDEN` (the role never sends this event under v3, HTTP 403); `EVENT_NOT_ALLOWED` (not now, HTTP 422). */
export type V3Verdict = 'ok' | 'FORBIDDEN' | 'EVENT_NOT_ALLOWED';

/**
 * Whether `sender` may send `command` (with its fields) to the case at `at`.
 * Policy checks (maximum extension, `pausableFor`) and unit checks (reach of
 * `toUnit`, the accused unit) are the engine's and come before this.
 */
export function maySendV3(snapshot: V3Snapshot, sender: V3Sender, command: V3Command | V3SystemCommand, at: string): V3Verdict {
  if (!roleMaySendV3(command.type, sender.actor.role)) return 'FORBIDDEN';
  const event = { ...command, actor: sender.actor, relations: sender.relations, at } as V3Event;
  return snapshot.can(event) ? 'ok' : 'EVENT_NOT_ALLOWED';
}

/**
 * The probes for one command type: the envelope plus the fields a guard reads
 * (a RESOLVE outcome that fits the class, each clock for PAUSE/RESUME); other
 * fields are never read by a guard, so they are left out.
 */
function probes(snapshot: V3Snapshot, type: V3CommandType, sender: V3Sender, at: string): V3Event[] {
  const envelope = { type, actor: sender.actor, relations: sender.relations, at };
  if (type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK') {
    return V3_CLOCK_NAMES.map((clock) => ({ ...envelope, clock }) as unknown as V3Event);
  }
  if (type === 'RESOLVE') {
    return outcomesFor(snapshot.context.class).map((outcome) => ({ ...envelope, outcome }) as unknown as V3Event);
  }
  return [envelope as unknown as V3Event];
}

/** The commands `actor`, with `relations` to the case, may send now: those the machine would take, guards included. */
export function allowedEventsV3(snapshot: V3Snapshot, actor: Actor, relations: readonly Relation[], at: string): V3CommandType[] {
  if (snapshot.status !== 'active') return [];
  const sender: V3Sender = { actor, relations };
  return V3_COMMAND_TYPES.filter((type) => probes(snapshot, type, sender, at).some((event) => snapshot.can(event)));
}
