import type { PetitionContext } from './petition.machine';

/**
 * The units a case of machine versions 1 and 2 is passing through now: the
 * unit that registered it and the unit it is assigned to (交办), if any. The
 * engine records them with every transition (on top of those already
 * recorded), so a unit the case was reassigned away from keeps seeing it.
 */
export function lifecycleCaseUnits(context: Pick<PetitionContext, 'unit' | 'assignee'>): string[] {
  return context.assignee === null || context.assignee.unit === context.unit ? [context.unit] : [context.unit, context.assignee.unit];
}
