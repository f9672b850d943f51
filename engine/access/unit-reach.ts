import type { PetitionEvent } from '../../machines/petition.machine';
import type { Actor } from '../../machines/petition.roles';
import { divisionOf, inSubtree } from '../../machines/unit-tree';
import { AccessError, RuleRefusalError } from '../errors';

/** What reach needs of the unit tree: whether a code names a unit, and whether a tree is loaded at all. */
export interface KnownUnits {
  readonly size: number;
  has(code: string): boolean;
}

/**
 * Whether a person of `actorUnit` may send a case to `targetUnit` (转送,
 * 交办, 转办). The target must be a unit of the tree and lie in the subtree of
 * the sender's division (`divisionOf`): a county bureau (411621-01) reaches
 * its county's departments (411621-11), the county government, its
 * townships and villages and their bodies; a city reaches its counties and
 * their departments; never a sibling county. A database where no tree was
 * imported at all (size 0) knows no units to check against, so only the
 * subtree is checked there. The one home of this rule.
 */
export function isWithinReach(actorUnit: string, targetUnit: string, units: KnownUnits): boolean {
  if (units.size > 0 && !units.has(targetUnit)) return false;
  return inSubtree(targetUnit, divisionOf(actorUnit));
}

/**
 * The refusal of a command that would send its case outside the sender's reach
 * (ASSIGN, REASSIGN), or undefined. A 403 FORBIDDEN, as for a role that never
 * sends the event: it is about who the sender is, not about the case's state
 * (422) nor the shape of the body (400). The message names the rule, not
 * which units exist.
 */
export function reachRefusal(event: PetitionEvent, actor: Actor, units: KnownUnits): AccessError | undefined {
  if (event.type !== 'ASSIGN' && event.type !== 'REASSIGN') return undefined;
  if (isWithinReach(actor.unit, event.unit, units)) return undefined;
  return new AccessError('FORBIDDEN', `${event.type} to a unit outside your reach (a unit of the tree within your division's subtree)`);
}

/**
 * Arts 30, 46: an accusation (检举控告) is never transferred, assigned or
 * reassigned to the unit it accuses, nor to a unit inside it (its
 * departments, the townships below a county). Returns the refusal (422
 * EVENT_NOT_ALLOWED whose message says why), or undefined when `target` may receive it. Machine v3's
 * TRANSFER, ASSIGN and REASSIGN call it with the case's `matter.accusedUnit`.
 */
export function accusedUnitRefusal(accusedUnit: string | undefined | null, target: string): RuleRefusalError | undefined {
  if (accusedUnit == null || !inSubtree(target, accusedUnit)) return undefined;
  return new RuleRefusalError('accused-unit', 'an accusation is never sent to the unit it accuses, nor to a unit inside it (Arts 30, 46)', {
    path: ['toUnit'],
  });
}
