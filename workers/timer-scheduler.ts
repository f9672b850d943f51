import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { DeadlineRecord } from '../db/deadline.repository';
import type { ClockName } from '../config/policy.schema';
import type { TouchedDeadline } from '../engine/petition.engine';
import { deadlineJobId, type DeadlineJob } from './queues';

/** Arms and retires deadline timers in BullMQ from deadline rows. */
export interface TimerScheduler {
  /** Arms the next timer of each pending row (idempotent: job ids are deterministic). */
  arm(rows: readonly DeadlineRecord[]): Promise<void>;
  /**
   * Applies what one command did: retire replaced timers, arm those due within
   * the horizon (the sweeper arms the rest as they come near). Never throws.
   */
  sync(touched: readonly TouchedDeadline[]): Promise<void>;
}

/** Job options shared by every deadline timer. */
export const DEADLINE_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  // Completed timers are dropped at once: the deadline row, not Redis, says what fired.
  removeOnComplete: true,
  removeOnFail: { count: 10000 },
} as const;

function jobOf(row: DeadlineRecord): DeadlineJob {
  return { caseId: row.caseId, clock: row.clock as ClockName, generation: row.generation };
}

/**
 * Creates the scheduler over the deadline queue. Only timers due within
 * `horizonMs` are put in Redis: a statutory clock runs for weeks, and keeping
 * its timer in the database until it comes near keeps Redis small and makes
 * the sweeper, which re-arms from PostgreSQL, the one path every timer takes.
 */
export function createTimerScheduler(queue: Queue, logger: Logger, now: () => Date = () => new Date(), horizonMs = Infinity): TimerScheduler {
  async function arm(rows: readonly DeadlineRecord[]): Promise<void> {
    const t = now().getTime();
    const jobs = rows.flatMap((row) => {
      if (row.status !== 'pending' || row.nextFireAt === null) return [];
      const data = jobOf(row);
      return [
        {
          name: 'fire',
          data,
          opts: { ...DEADLINE_JOB_OPTIONS, jobId: deadlineJobId(data, row.nextFireAt), delay: Math.max(0, row.nextFireAt.getTime() - t) },
        },
      ];
    });
    if (jobs.length > 0) await queue.addBulk(jobs);
  }

  return {
    arm,
    async sync(touched) {
      try {
        const t = now().getTime();
        // A timer whose time has come is running or done (nothing to remove); one not armed yet is not in Redis.
        const retired = touched.filter(
          (d) =>
            d.previousFireAt !== null &&
            d.previousFireAt.getTime() > t &&
            d.previousFireAt.getTime() <= t + horizonMs &&
            d.previousFireAt.getTime() !== d.row.nextFireAt?.getTime(),
        );
        // A retired timer that cannot be removed fires as a no-op: the processor re-checks the row.
        await Promise.all(retired.map((d) => queue.remove(deadlineJobId(jobOf(d.row), d.previousFireAt as Date))));
        await arm(touched.map((d) => d.row).filter((r) => r.nextFireAt !== null && r.nextFireAt.getTime() <= t + horizonMs));
      } catch (err) {
        // Redis being unreachable never fails a command; the sweeper re-arms from the deadline rows.
        logger.warn({ err: (err as Error).message, deadlines: touched.length }, 'could not arm deadline timers; the sweeper will');
      }
    },
  };
}
