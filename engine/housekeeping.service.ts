import type { Kysely } from 'kysely';
import { deleteIdempotencyKeysBefore } from '../db/idempotency.repository';
import type { Database } from '../db/schema';

/** Periodic clean-up the sweeper runs besides re-arming timers. */
export interface Housekeeping {
  /**
   * Forgets the stored responses of Idempotency-Keys older than `before`: a
   * retry comes within minutes, and a clerk's unmasked response kept for ever
   * would be a copy of personal data nobody needs. Resolves to how many went.
   */
  forgetIdempotentResponsesBefore(before: Date): Promise<number>;
}

/** Creates the housekeeping service over the database. */
export function createHousekeeping(db: Kysely<Database>): Housekeeping {
  return { forgetIdempotentResponsesBefore: (before) => deleteIdempotencyKeysBefore(db, before) };
}
