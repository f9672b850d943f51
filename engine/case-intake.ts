import { randomUUID } from 'node:crypto';
import { writeTransitions } from '../db/transition.repository';
import { adapterFor } from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import { requireUnitInScope } from './access';
import { toPetitionView, type PetitionView } from './case-view';
import { parseIntakeFor } from './command-input';
import { afterCommit, type EngineDeps, type IdempotencyOptions, type ResolvedEngineDeps } from './engine.types';
import { ValidationError } from './errors';
import { storeResponse } from './idempotency';
import { planIntake } from './step-planner';
import { loadDirectory } from './unit-directory';

/** The machine version a new case starts under: the policy's (the newest unless a bureau holds an older one). */
export function newCaseVersion(deps: Pick<EngineDeps, 'policy'>): number {
  return deps.policy.machineVersion;
}

/**
 * Records a new case (登记, Art 19) under the version new cases start under:
 * the intake validated with that version's schema; snapshot, first trail
 * entry and first deadline in one transaction, then the after-commit work.
 * Whether the registering unit is a petition bureau (the dispatch clock of
 * Art 22) or a body with authority (the notice clock of Art 23) is read from
 * the unit tree and recorded with the intake.
 */
export async function createCase(
  deps: ResolvedEngineDeps,
  now: () => Date,
  body: unknown,
  actor: Actor,
  idempotency: IdempotencyOptions | undefined,
): Promise<PetitionView> {
  const adapter = adapterFor(newCaseVersion(deps));
  const intake = parseIntakeFor(adapter, body);
  // A clerk records petitions for their own units only.
  requireUnitInScope(intake.unit, actor);
  const { directory: units } = await loadDirectory(deps.units);
  if (adapter.usesRelations && !units.exists(intake.unit)) {
    // Relations and scope are read from the tree: a case of a unit it does not know would reach nobody.
    throw new ValidationError('invalid petition', [{ path: ['unit'], message: 'not a unit of the loaded unit tree' }]);
  }
  const at = now();
  const id = randomUUID();
  const registeredAtBureau = units.kindOf(intake.unit) === 'bureau';
  const planned = planIntake(deps, adapter, { id, intake, at: at.toISOString(), registeredAtBureau }, actor, at);
  const { case: rec, event } = planned.write;
  const result = await deps.db.transaction().execute(async (trx) => {
    const stored = await writeTransitions(trx, [planned.write]);
    const view = toPetitionView(rec, stored, actor, at, { units, live: planned.next, urgency: deps });
    await storeResponse(trx, actor, idempotency, 201, view, at);
    const touched = stored.map((row) => ({ row, previous: null }));
    return {
      view,
      change: { caseId: id, event, state: rec.state, deadlines: touched, notify: adapter.notifies(planned.next, event.type) },
    };
  });
  await afterCommit(deps, result.change);
  return result.view;
}
