/**
 * Who sees which case (属地管理、分级负责): a case is visible in the subtree
 * of every unit it has passed through (the unit that registered it, bureaus
 * that transferred it, the bodies that handled or reviewed it), so a unit it
 * was reassigned away from keeps seeing it. The SQL form of the same rule is
 * `db/case-scope.sql.ts`.
 */
import type { Actor } from '../../machines/petition.roles';
import { inSubtree } from '../../machines/unit-tree';
import { AccessError } from '../errors';

/** A case as the scope sees it: the units it has passed through (its `case_units`). */
export interface ScopedCase {
  readonly units: readonly string[];
}

/** Whether a case is visible from `scopeUnit`: some unit it has passed through lies in the subtree. */
export function caseInScope(c: ScopedCase, scopeUnit: string): boolean {
  return c.units.some((unit) => inSubtree(unit, scopeUnit));
}

/**
 * Whether `actorUnit` may act on a case, not only read it: some unit the case
 * is with now (its version's `caseUnitsOf` for the current snapshot) lies in
 * the actor's subtree. A unit the case only passed through (reassigned away,
 * objected) keeps reading it and sends nothing; machine v3 refines this with
 * relations.
 */
export function caseWithUnitNow(currentUnits: readonly string[], actorUnit: string): boolean {
  return caseInScope({ units: currentUnits }, actorUnit);
}

/**
 * The unit a read is scoped to when the caller names one: a unit inside the
 * actor's subtree narrows the read, anything else (or nothing) falls back to
 * the actor's own unit, never widening it.
 */
export function narrowScope(requested: string | undefined, actor: Pick<Actor, 'unit'>): string {
  return requested !== undefined && inSubtree(requested, actor.unit) ? requested : actor.unit;
}

/** Throws FORBIDDEN unless `unit` lies in the actor's subtree (a clerk records petitions for their own units only). */
export function requireUnitInScope(unit: string, actor: Pick<Actor, 'unit'>): void {
  if (!inSubtree(unit, actor.unit)) throw new AccessError('FORBIDDEN', 'the unit lies outside your own');
}
