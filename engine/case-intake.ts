import { randomUUID } from 'node:crypto';
import { writeTransitions } from '../db/transition.repository';
import type { Actor } from '../machines/petition.roles';
import type { Intake } from '../machines/petition.schemas';
import { toPetitionView, type PetitionView } from './case-view';
import { afterCommit, type EngineDeps, type IdempotencyOptions } from './engine.types';
import { storeResponse } from './idempotency';
import { planIntake } from './step-planner';

/** Records a new case (登记, Art 19): snapshot, first trail entry and first deadline in one transaction, then the after-commit work. */
export async function createCase(deps: EngineDeps, now: () => Date, intake: Intake, actor: Actor, idempotency: IdempotencyOptions | undefined): Promise<PetitionView> {
  const machineVersion = deps.policy.machineVersion;
  const at = now();
  const id = randomUUID();
  const planned = planIntake(deps, machineVersion, { id, intake, at: at.toISOString() }, actor, at);
  const { case: rec, event } = planned.write;
  const result = await deps.db.transaction().execute(async (trx) => {
    const stored = await writeTransitions(trx, [planned.write]);
    const view = toPetitionView(rec, stored, actor, at, planned.next);
    await storeResponse(trx, actor, idempotency, 201, view, at);
    const touched = stored.map((row) => ({ row, previous: null }));
    return { view, change: { caseId: id, event, state: rec.state, deadlines: touched } };
  });
  await afterCommit(deps, result.change);
  return result.view;
}
