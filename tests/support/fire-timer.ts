import type { Kysely } from 'kysely';
import { findDeadline } from '../../db/deadline.repository';
import type { Database } from '../../db/schema';
import type { PetitionEngine, TimerOutcome } from '../../engine/petition.engine';
import type { ClockName } from '../../machines/petition.vocabulary';

/**
 * Fires the timer of one deadline, named by case, clock and generation, the
 * way the workers do: through `fireTimers` with the deadline row's id. A
 * deadline that has no row is `stale`.
 */
export async function fireTimer(
  engine: PetitionEngine,
  db: Kysely<Database>,
  caseId: string,
  clock: ClockName,
  generation: number,
): Promise<TimerOutcome> {
  const row = await findDeadline(db, caseId, clock, generation);
  if (row === undefined) return 'stale';
  return (await engine.fireTimers([row.id])).get(row.id) ?? 'stale';
}
