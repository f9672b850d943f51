import type { PetitionEvent } from '../../machines/petition.machine';
import type { Actor } from '../../machines/petition.roles';
import { inSubtree } from '../../machines/unit-tree';
import { AccessError } from '../errors';

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
 * (ASSIGN, REASSIGN), or undefined. A 403 FORBIDDEN, as for a role that never
 * sends the event: it is about who the sender is, not about the case's state
 * (422) nor the shape of the body (400). The message names the rule, not
 * which units exist.
 */
export function reachRefusal(event: PetitionEvent, actor: Actor): AccessError | undefined {
  if (event.type !== 'ASSIGN' && event.type !== 'REASSIGN') return undefined;
  if (isWithinReach(actor.unit, event.unit)) return undefined;
  return new AccessError('FORBIDDEN', `${event.type} to a unit outside your own unit's subtree`);
}
