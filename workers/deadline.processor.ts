import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { findDeadline } from '../db/deadline.repository';
import type { Database } from '../db/schema';
import type { PetitionEngine, TimerOutcome } from '../engine/petition.engine';
import { deadlineJobId, deadlineJobSchema } from './queues';

/** What the deadline processor needs. */
export interface DeadlineProcessorDeps {
  readonly engine: PetitionEngine;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
}

/** More reminders than this in one go means a misconfigured policy, not a backlog. */
const MAX_FIRES_PER_JOB = 32;

/**
 * Processes one deadline timer. Idempotent: every decision is re-made from
 * the deadline row under the case lock (`engine.fireTimer`), so a second
 * delivery, a stale generation or a stopped clock is a logged no-op.
 */
export function createDeadlineProcessor(deps: DeadlineProcessorDeps) {
  return async function processDeadline(job: Job, token?: string): Promise<TimerOutcome> {
    const parsed = deadlineJobSchema.safeParse(job.data);
    // A malformed job will never succeed: fail it now rather than retry it.
    if (!parsed.success) throw new UnrecoverableError('malformed deadline job');
    const { caseId, clock, generation } = parsed.data;
    let outcome: TimerOutcome;
    let fired = 0;
    do {
      outcome = await deps.engine.fireTimer(caseId, clock, generation);
      if (outcome === 'reminded' || outcome === 'breached') fired += 1;
    } while (outcome === 'reminded' && fired < MAX_FIRES_PER_JOB);

    if (outcome === 'early' && fired === 0) {
      // Fired before its time (clocks of two machines differ): come back at the row's fire time, but only if
      // this job still is that deadline's timer; an older timer of an extended or resumed clock just ends.
      const row = await findDeadline(deps.db, caseId, clock, generation);
      if (row?.nextFireAt != null && job.id === deadlineJobId(parsed.data, row.nextFireAt) && token !== undefined) {
        await job.moveToDelayed(row.nextFireAt.getTime(), token);
        throw new DelayedError();
      }
    }
    deps.logger.debug({ caseId, clock, generation, outcome, fired }, 'deadline timer processed');
    return outcome;
  };
}
