import type { Kysely, Transaction } from 'kysely';
import { findIdempotentResponse, storeIdempotentResponse } from '../db/idempotency.repository';
import type { Database } from '../db/schema';
import type { Actor } from '../machines/petition.roles';
import type { PetitionView } from './case-view';
import type { IdempotencyOptions } from './engine.types';
import { IdempotencyKeyReusedError } from './errors';

/**
 * The first response to a request with this key, if one was stored; a key sent
 * again with a different request is refused (IDEMPOTENCY_KEY_REUSED).
 */
export async function storedResponse(
  db: Kysely<Database> | Transaction<Database>,
  actor: Actor,
  idem: IdempotencyOptions,
): Promise<PetitionView | undefined> {
  const stored = await findIdempotentResponse(db, actor.id, idem.key);
  if (stored === undefined) return undefined;
  if (stored.requestHash !== idem.requestHash) throw new IdempotencyKeyReusedError();
  return stored.response as PetitionView;
}

/** Keeps a request's response under its key, in the request's own transaction. */
export async function storeResponse(
  trx: Transaction<Database>,
  actor: Actor,
  idem: IdempotencyOptions | undefined,
  status: 200 | 201,
  view: PetitionView,
  at: Date,
): Promise<void> {
  if (idem !== undefined) await storeIdempotentResponse(trx, { actorId: actor.id, ...idem, status, response: view, at });
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
  run: () => Promise<PetitionView>,
): Promise<PetitionView> {
  if (idem === undefined) return run();
  const first = await storedResponse(db, actor, idem);
  if (first !== undefined) return first;
  try {
    return await run();
  } catch (err) {
    if ((err as { code?: unknown }).code === '23505') {
      const again = await storedResponse(db, actor, idem);
      if (again !== undefined) return again;
    }
    throw err;
  }
}
