/**
 * An actor's relations to a version 3 case, from the units the snapshot
 * records and the unit tree. Pure: the engine passes a view of the tree (who
 * lies within whom, each unit's review body), so departments, which are not
 * division codes, fit as well as governments.
 */
import { reviewedUnit, type V3Context } from './v3.context';
import type { Relation, V3State } from './v3.vocabulary';

/** What the relations need of the unit tree. */
export interface UnitTreeView {
  /** Whether `unit` is `scope` or lies below it. */
  readonly within: (unit: string, scope: string) => boolean;
  /** The next-higher body that reviews a unit's decisions (Arts 35-36): its `reviewBody`, by default its parent. */
  readonly reviewBodyOf: (unit: string) => string | null;
}

/**
 * The body that holds the `review` relation in a state: in `delivered`, the
 * next-higher body of the unit whose answer would be reviewed (it records the
 * request, Arts 35-36); otherwise the review body the case records.
 */
export function reviewUnitFor(context: V3Context, state: V3State, tree: UnitTreeView): string | null {
  if (state !== 'delivered') return context.units.review;
  const reviewed = reviewedUnit(context);
  return reviewed === null ? null : tree.reviewBodyOf(reviewed);
}

/**
 * The relations of an actor's unit to the case: `sender` (a unit that
 * registered, transferred or reassigned it), `body` (the handling body),
 * `review` (the body reviewing it now, or asked to next) and `above` (strictly
 * above any of those). The first three are the unit itself, not its subtree:
 * a township lies below its county, yet it is not the county government that
 * reviews its decisions.
 */
export function relationsOfV3(context: V3Context, state: V3State, actorUnit: string, tree: UnitTreeView): Relation[] {
  const { senders, body } = context.units;
  const review = reviewUnitFor(context, state, tree);
  const holders = [...senders, body, review].filter((u): u is string => u !== null);
  const relations: Relation[] = [];
  if (senders.includes(actorUnit)) relations.push('sender');
  if (body === actorUnit) relations.push('body');
  if (review === actorUnit) relations.push('review');
  if (holders.some((u) => u !== actorUnit && tree.within(u, actorUnit))) relations.push('above');
  return relations;
}
