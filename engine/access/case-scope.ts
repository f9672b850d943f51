/**
 * Who sees which case (属地管理、分级负责): a case is visible in the subtree
 * of the unit that registered it (`cases.unit`) and in the subtree of the unit
 * it is assigned to. The SQL form of the same rule is `db/case-scope.sql.ts`.
 */
import type { Actor } from '../../machines/petition.roles';
import { inSubtree } from '../../machines/unit-tree';
import { AccessError } from '../errors';

/** The two units a case is seen from. */
export interface ScopedCase {
  readonly unit: string;
  readonly assigneeUnit: string | null;
}

/** Whether a case is visible from `scopeUnit`: its own unit or the unit it is assigned to lies in the subtree. */
export function caseInScope(c: ScopedCase, scopeUnit: string): boolean {
  return inSubtree(c.unit, scopeUnit) || (c.assigneeUnit !== null && inSubtree(c.assigneeUnit, scopeUnit));
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
