/**
 * An actor's relations to a case (machine v3): whether a person may send an
 * event depends on the role and on how the person's unit stands to the case.
 * Pure and in machines/, beside the permission tables that will read it: the
 * machine's guards may only import machines/, and the relation depends only on
 * unit codes (the engine looks the review body up in the unit tree and passes it in).
 */
import { inSubtree, isStrictAncestor } from './unit-tree';

/**
 * - `sender`: the actor's unit is a bureau that registered or transferred the case (exactly that unit);
 * - `body`: the actor's unit is in the subtree of the body handling it now;
 * - `review`: the actor's unit is in the subtree of the body reviewing it now (复查, 复核), or, for
 *   REQUEST_REVIEW, of the body one level up that will review it;
 * - `above`: the actor's unit lies strictly above a sender, the body or the reviewing body.
 */
export const RELATIONS = ['sender', 'body', 'review', 'above'] as const;
export type Relation = (typeof RELATIONS)[number];

/** The units of a case that relations are measured against. */
export interface CaseRelationUnits {
  /** Bureaus that registered or transferred the case, in order. */
  readonly senders: readonly string[];
  /** The handling body (有权处理的机关), once the case has one. */
  readonly body: string | null;
  /** The body reviewing the case now (复查 or 复核), while it does. */
  readonly review: string | null;
  /** For REQUEST_REVIEW only: the body one level up that will review the answer (the unit tree's `reviewBody`). */
  readonly prospectiveReview?: string | null;
}

/**
 * Every relation `actorUnit` has to a case, in {@link RELATIONS} order; empty
 * for a unit beside the case (a sibling county, the county bureau beside a
 * department handling it). Units below the body are inside its subtree, so a
 * township of a county government handling the case is `body` too. Several at
 * once are possible: the city bureau that transferred a case to a county
 * department (411600-01 → 411621-11) is `sender`, and the city government
 * (411600) is `above` both.
 */
export function relationsOf(actorUnit: string, units: CaseRelationUnits): Relation[] {
  const out: Relation[] = [];
  if (units.senders.includes(actorUnit)) out.push('sender');
  if (units.body !== null && inSubtree(actorUnit, units.body)) out.push('body');
  const reviewing = [units.review, units.prospectiveReview ?? null].filter((u): u is string => u !== null);
  if (reviewing.some((u) => inSubtree(actorUnit, u))) out.push('review');
  // Above the units the case is with now; a prospective review body has no part in the case yet.
  const related = [...units.senders, units.body, units.review].filter((u): u is string => u !== null);
  if (related.some((u) => isStrictAncestor(actorUnit, u))) out.push('above');
  return out;
}
