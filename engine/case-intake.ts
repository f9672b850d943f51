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
import { registerIntake, type IntakeFlags, type RegisteredIntake } from './people/case-registration';
import { planIntake } from './step-planner';
import { loadDirectory } from './unit-directory';

/** The machine version a new case starts under: the policy's (the newest unless a bureau holds an older one). */
export function newCaseVersion(deps: Pick<EngineDeps, 'policy'>): number {
  return deps.policy.machineVersion;
}

/**
 * The intake answer carries the registration's proposal (`flags.first`,
 * `flags.repeat`) when people are indexed: beside a v3 case's own flags (the
 * snapshot holds them too), as the only flags of a v1/v2 case.
 */
function withFlags(view: PetitionView, flags: IntakeFlags | undefined): PetitionView {
  if (flags === undefined) return view;
  const own = (view as { flags?: Record<string, unknown> }).flags ?? {};
  return { ...view, flags: { ...own, ...flags } };
}

/**
 * Records a new case (登记, Art 19) under the version new cases start under:
 * the intake validated with that version's schema; registration (一人一档:
 * the readable number, the person links, the first / repeat flags), snapshot,
 * first trail entry and first deadline in one transaction, then the
 * after-commit work. Whether the registering unit is a petition bureau (the
 * dispatch clock of Art 22) or a body with authority (the notice clock of
 * Art 23) is read from the unit tree and recorded with the intake.
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
  const result = await deps.db.transaction().execute(async (trx) => {
    // The number and the person's file are read and taken under this transaction's locks (unique under concurrent intakes).
    const registration = await registerIntake(trx, deps.peopleIndexKey, {
      caseId: id,
      // Every version's intake schema holds the petitioner, representatives, unit and matter summary registration reads.
      intake: intake as unknown as RegisteredIntake,
      at,
      newId: randomUUID,
    });
    const start = {
      id,
      intake,
      at: at.toISOString(),
      registeredAtBureau,
      ...(registration.flags !== undefined && { personFlags: registration.flags }),
    };
    const planned = planIntake(deps, adapter, start, actor, at, registration.planned);
    const { case: rec, event } = planned.write;
    const stored = await writeTransitions(trx, [planned.write]);
    await registration.index(trx);
    const view = withFlags(toPetitionView(rec, stored, actor, at, { units, live: planned.next, urgency: deps }), registration.flags);
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
