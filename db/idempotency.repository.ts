import type { Transaction, Kysely } from 'kysely';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** A stored first response. */
export interface StoredResponse {
  readonly requestHash: string;
  readonly status: number;
  readonly response: unknown;
}

/** Who stored a response: the key is theirs only as this exact user, role and unit. */
export interface IdempotencyOwner {
  readonly id: string;
  readonly role: string;
  readonly unit: string;
}

/** The stored response of an actor's key, if any (same user id, role and unit). */
export async function findIdempotentResponse(db: Executor, actor: IdempotencyOwner, key: string): Promise<StoredResponse | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('actor_id', '=', actor.id)
    .where('actor_role', '=', actor.role)
    .where('actor_unit', '=', actor.unit)
    .where('key', '=', key)
    .executeTakeFirst();
  return row === undefined ? undefined : { requestHash: row.request_hash, status: row.status, response: row.response };
}

/**
 * Stores the response in the same transaction as the change it answers: a
 * concurrent request with the same key waits on the primary key and then
 * fails, so a key never produces a second case or event.
 */
export async function storeIdempotentResponse(
  trx: Transaction<Database>,
  r: { actor: IdempotencyOwner; key: string; requestHash: string; status: number; response: unknown; at: Date },
): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({
      actor_id: r.actor.id,
      actor_role: r.actor.role,
      actor_unit: r.actor.unit,
      key: r.key,
      request_hash: r.requestHash,
      status: r.status,
      response: JSON.stringify(r.response),
      created_at: r.at,
    })
    .execute();
}

/**
 * Forgets stored responses older than `before`. A retry comes within minutes;
 * keeping a clerk's unmasked response for ever would be a copy of personal
 * data nobody needs.
 */
export async function deleteIdempotencyKeysBefore(db: Executor, before: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
