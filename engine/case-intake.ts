import { randomUUID } from 'node:crypto';
import { writeTransitions } from '../db/transition.repository';
import type { Actor } from '../machines/petition.roles';
import type { Intake } from '../machines/petition.schemas';
import { toPetitionView, type PetitionView } from './case-view';
import { afterCommit, type EngineDeps, type IdempotencyOptions } from './engine.types';
import { storeResponse } from './idempotency';
import { planIntake } from './step-planner';
import { registerIntake, type IntakeFlags } from './people/case-registration';

/** The intake answer carries the registration's proposal (`flags`) when people are indexed. */
function withFlags(view: PetitionView, flags: IntakeFlags | undefined): PetitionView {
  return flags === undefined ? view : { ...view, flags };
}

/** Records a new case (登记, Art 19): snapshot, first trail entry and first deadline in one transaction, then the after-commit work. */
export async function createCase(
  deps: EngineDeps,
  now: () => Date,
  intake: Intake,
  actor: Actor,
  idempotency: IdempotencyOptions | undefined,
): Promise<PetitionView> {
  const machineVersion = deps.policy.machineVersion;
  const at = now();
  const id = randomUUID();
  const result = await deps.db.transaction().execute(async (trx) => {
    // 一人一档: number, person links and the repeat / first-petition proposal, recorded in the intake entry.
    const registration = await registerIntake(trx, deps.peopleIndexKey, { caseId: id, intake, at, newId: randomUUID });
    const planned = planIntake(deps, machineVersion, { id, intake, at: at.toISOString() }, actor, at, registration.planned);
    const { case: rec, event } = planned.write;
    const stored = await writeTransitions(trx, [planned.write]);
    await registration.index(trx);
    const view = withFlags(toPetitionView(rec, stored, actor, at, planned.next), registration.flags);
    await storeResponse(trx, actor, idempotency, 201, view, at);
    const touched = stored.map((row) => ({ row, previous: null }));
    return { view, change: { caseId: id, event, state: rec.state, deadlines: touched } };
  });
  await afterCommit(deps, result.change);
  return result.view;
}
