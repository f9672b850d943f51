import type { Actor } from '../../machines/petition.roles';
import { inSubtree } from '../../machines/unit-tree';
import { AccessError, EventNotAllowedError } from '../errors';

/**
 * Whether a person of `actorUnit` may send a case to `targetUnit` (交办,
 * 转办). Today that is the actor's own subtree: a county hands cases to
 * itself and the townships below it, a city to its counties. The one home of
 * this rule: bodies of the same level a unit may transfer to will widen it
 * here, and nowhere else.
 */
export function isWithinReach(actorUnit: string, targetUnit: string): boolean {
  return inSubtree(targetUnit, actorUnit);
}

/**
 * The refusal of a command that would send its case outside the sender's reach
 * (TRANSFER, ASSIGN, REASSIGN), or undefined. A 403 FORBIDDEN, as for a role
 * that never sends the event: it is about who the sender is, not about the
 * case's state (422) nor the shape of the body (400). The message names the
 * rule, not which units exist.
 */
export function reachRefusal(eventType: string, targetUnit: string, actor: Pick<Actor, 'unit'>): AccessError | undefined {
  if (isWithinReach(actor.unit, targetUnit)) return undefined;
  return new AccessError('FORBIDDEN', `${eventType} to a unit outside your own unit's subtree`);
}

/**
 * The refusal of sending an accusation to the unit it accuses, or to a unit
 * inside it (Arts 30, 46), or undefined: a 422 that says why, with the events
 * the sender may send instead.
 */
export function accusedUnitRefusal(
  eventType: string,
  targetUnit: string,
  accusedUnit: string | null,
  now: { readonly state: string; readonly allowedEvents: readonly string[] },
): EventNotAllowedError | undefined {
  if (accusedUnit === null || !inSubtree(targetUnit, accusedUnit)) return undefined;
  return new EventNotAllowedError(eventType, now.state, now.allowedEvents, 'an accusation is never sent to the unit it accuses (Arts 30, 46)');
}
