import type { Kysely, Transaction } from 'kysely';
import { findCase } from '../db/case.repository';
import { findIdempotentResponse, storeIdempotentResponse } from '../db/idempotency.repository';
import type { Database } from '../db/schema';
import { roleMaySend } from '../machines/event-permission';
import type { Actor } from '../machines/petition.roles';
import type { EventType } from '../machines/petition.schemas';
import { intakeFor, withArticle } from './access';
import type { PetitionView } from './case-view';
import type { IdempotencyOptions } from './engine.types';
import { AccessError, IdempotencyKeyReusedError, NotFoundError } from './errors';

/** What a replay answers: a new case (`intake`) or one command of a type on a case. */
export type ReplayOf = { readonly kind: 'intake' } | { readonly kind: 'command'; readonly eventType: EventType; readonly scopeChecked: boolean };

/**
 * A stored view as `caller` may see it. The stored view was built for this
 * very actor (same user id, role and unit: the key's owner), so this changes
 * nothing today; it is applied anyway so that a replay can never show more
 * than a fresh read would, whatever was stored (masking is idempotent).
 */
function viewForCaller(view: PetitionView, caller: Actor): PetitionView {
  const intake = intakeFor({ petitioner: view.petitioner, matter: view.matter, representatives: view.representatives }, caller);
  return { ...view, petitioner: intake.petitioner, representatives: intake.representatives ?? [], matter: intake.matter };
}

/**
 * The first response to `caller`'s key, answered as a fresh request would be:
 * found only under the whole actor (user id, role and unit: ids such as
 * `clerk-1` repeat across counties), refused if the key came with another
 * request, a 404 if the case is no longer in the caller's units (unless the
 * caller just checked that under the case lock), a 403 if the role never
 * sends the event, and masked for the caller. Undefined: no stored response.
 */
export async function storedResponse(
  db: Kysely<Database> | Transaction<Database>,
  caller: Actor,
  idem: IdempotencyOptions,
  of: ReplayOf,
): Promise<PetitionView | undefined> {
  const stored = await findIdempotentResponse(db, caller, idem.key);
  if (stored === undefined) return undefined;
  if (stored.requestHash !== idem.requestHash) throw new IdempotencyKeyReusedError();
  const view = stored.response as PetitionView;
  const scopeChecked = of.kind === 'command' && of.scopeChecked;
  if (!scopeChecked && (await findCase(db, view.id, caller.unit)) === undefined) throw new NotFoundError();
  if (of.kind === 'command' && !roleMaySend(of.eventType, caller.role)) {
    throw new AccessError('FORBIDDEN', `${withArticle(caller.role)} never sends ${of.eventType}`);
  }
  return viewForCaller(view, caller);
}

/** Keeps a request's response under its key (owned by the whole actor), in the request's own transaction. */
export async function storeResponse(
  trx: Transaction<Database>,
  actor: Actor,
  idem: IdempotencyOptions | undefined,
  status: 200 | 201,
  view: PetitionView,
  at: Date,
): Promise<void> {
  if (idem !== undefined) await storeIdempotentResponse(trx, { actor, ...idem, status, response: view, at });
}

/**
 * Answers a retried request from its first response; runs it otherwise (the
 * run stores its response with {@link storeResponse}). A concurrent request
 * with the same key that committed first makes the run fail on the key's
 * unique index: its response is then the answer.
 */
export async function idempotent(
  db: Kysely<Database>,
  actor: Actor,
  idem: IdempotencyOptions | undefined,
  of: { kind: 'intake' } | { kind: 'command'; eventType: EventType },
  run: () => Promise<PetitionView>,
): Promise<PetitionView> {
  if (idem === undefined) return run();
  const replayOf: ReplayOf = of.kind === 'intake' ? of : { ...of, scopeChecked: false };
  const first = await storedResponse(db, actor, idem, replayOf);
  if (first !== undefined) return first;
  try {
    return await run();
  } catch (err) {
    if ((err as { code?: unknown }).code === '23505') {
      const again = await storedResponse(db, actor, idem, replayOf);
      if (again !== undefined) return again;
    }
    throw err;
  }
}
