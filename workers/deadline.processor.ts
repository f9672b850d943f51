import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { TimerOutcome } from '../engine/petition.engine';
import type { TimerStore } from '../engine/timer-store.service';
import { deadlineJobId, parseDeadlineJobId } from './queues';
import type { TimerBatcher } from './timer-batcher';

/** What the deadline processor needs. */
export interface DeadlineProcessorDeps {
  readonly timers: TimerBatcher;
  /** The deadline rows: an early timer re-delays to its row's fire time. */
  readonly store: Pick<TimerStore, 'findById'>;
  readonly logger: Logger;
  /** Runs before a timer fails for good, and the first retry's wait (doubling after); tests shorten them. */
  readonly retry?: { readonly attempts: number; readonly baseMs: number };
}

/** More reminders than this in one go means a misconfigured policy, not a backlog. */
const MAX_FIRES_PER_JOB = 32;
/**
 * Runs of one timer before it fails for good and becomes an incident, and the
 * first retry's wait; each further retry waits twice as long (1 s, 2 s, ...
 * about 2 min in all, long enough to ride out a database restart).
 */
export const DEADLINE_RETRY = { attempts: 8, baseMs: 1000 } as const;

/**
 * Processes one deadline timer. Idempotent: every decision is re-made from
 * the deadline row under the case lock (`engine.fireTimers`, through the
 * batcher), so a second delivery, a stale generation or a stopped clock is a
 * logged no-op.
 *
 * Retries are the processor's, not BullMQ's per-job `attempts` option, which
 * would be stored in every pending timer (see `deadlineJobId`): a failed run
 * puts the job back as delayed with exponential backoff, and a failure once
 * the job has started `retry.attempts` times fails it for good (an incident).
 * Starts, not failures, are counted (BullMQ's `attemptsStarted`): an early
 * re-delay or a stalled run uses one up too.
 */
export function createDeadlineProcessor(deps: DeadlineProcessorDeps) {
  const retry = deps.retry ?? DEADLINE_RETRY;
  async function fire(job: Job, token: string | undefined, deadlineId: string): Promise<TimerOutcome> {
    let outcome: TimerOutcome;
    let fired = 0;
    do {
      outcome = await deps.timers.fire(deadlineId);
      if (outcome === 'reminded' || outcome === 'breached') fired += 1;
    } while (outcome === 'reminded' && fired < MAX_FIRES_PER_JOB);

    if (outcome === 'early' && token !== undefined) {
      // Fired before its time (clocks of two machines differ, or the row's next reminder falls in the same second
      // as the one just fired, which gives it this job's id): come back at the row's fire time, but only if this
      // job still is that deadline's timer; an older timer of an extended or resumed clock just ends.
      const row = await deps.store.findById(deadlineId);
      if (row?.status === 'pending' && row.nextFireAt !== null && job.id === deadlineJobId(row)) {
        await job.moveToDelayed(row.nextFireAt.getTime(), token);
        throw new DelayedError();
      }
    }
    deps.logger.debug({ deadlineId, outcome, fired }, 'deadline timer processed');
    return outcome;
  }

  return async function processDeadline(job: Job, token?: string): Promise<TimerOutcome> {
    const ref = parseDeadlineJobId(job.id);
    // A job that names no deadline, or carries data (the scheduler's timers carry none), was not armed by
    // petitionflow and will never succeed: fail it now rather than retry it.
    if (ref === undefined || Object.keys((job.data ?? {}) as object).length > 0) throw new UnrecoverableError('malformed deadline job');
    try {
      return await fire(job, token, ref.deadlineId);
    } catch (err) {
      if (err instanceof DelayedError || err instanceof UnrecoverableError || token === undefined) throw err;
      if (job.attemptsStarted >= retry.attempts) throw err;
      const waitMs = retry.baseMs * 2 ** Math.max(0, job.attemptsStarted - 1);
      deps.logger.warn(
        { jobId: job.id, attempt: job.attemptsStarted, retryInMs: waitMs, err: (err as Error).message },
        'deadline timer failed; retrying',
      );
      await job.moveToDelayed(Date.now() + waitMs, token);
      throw new DelayedError();
    }
  };
}
