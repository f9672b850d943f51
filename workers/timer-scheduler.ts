import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { DeadlineRecord } from '../db/deadline.repository';
import type { TouchedDeadline } from '../engine/petition.engine';
import { deadlineJobId } from './queues';

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

/** The name of every deadline timer job (the id says which deadline). */
export const DEADLINE_JOB_NAME = 'fire';

/**
 * Creates the scheduler over the deadline queue. Only timers due within
 * `horizonMs` are put in Redis: a statutory clock runs for weeks, and keeping
 * its timer in the database until it comes near keeps Redis small and makes
 * the sweeper, which re-arms from PostgreSQL, the one path every timer takes.
 *
 * A timer job carries no options but its id and delay: retention is the
 * deadline worker's (completed timers are dropped at once) and retries are
 * the deadline processor's own, so each job stays as small as a bare BullMQ
 * job (see {@link deadlineJobId}).
 */
export function createTimerScheduler(
  queue: Queue,
  logger: Logger,
  now: () => Date = () => new Date(),
  horizonMs = Infinity,
  /** A commit leaves timers overdue by more than this to the sweeper, which fires them from PostgreSQL in batches. */
  catchUpAfterMs = Infinity,
): TimerScheduler {
  async function arm(rows: readonly DeadlineRecord[]): Promise<void> {
    const t = now().getTime();
    const jobs = rows.flatMap((row) =>
      row.status !== 'pending' || row.nextFireAt === null
        ? []
        : [{ name: DEADLINE_JOB_NAME, data: {}, opts: { jobId: deadlineJobId(row), delay: Math.max(0, row.nextFireAt.getTime() - t) } }],
    );
    if (jobs.length > 0) await queue.addBulk(jobs);
  }

  return {
    arm,
    async sync(touched) {
      try {
        const t = now().getTime();
        // A timer whose time has come is running or done (nothing to remove); one not armed yet is not in Redis.
        const retired = touched.flatMap(({ row, previous }) => {
          const before = previous?.status === 'pending' ? previous.nextFireAt : null;
          if (previous === null || before === null || before.getTime() <= t || before.getTime() > t + horizonMs) return [];
          return deadlineJobId(previous) === (row.status === 'pending' ? deadlineJobId(row) : undefined) ? [] : [deadlineJobId(previous)];
        });
        // A retired timer that cannot be removed fires as a no-op: the processor re-checks the row.
        await Promise.all(retired.map((id) => queue.remove(id)));
        const inWindow = (at: number) => at <= t + horizonMs && at >= t - catchUpAfterMs;
        await arm(touched.map((d) => d.row).filter((r) => r.nextFireAt !== null && inWindow(r.nextFireAt.getTime())));
      } catch (err) {
        // Redis being unreachable never fails a command; the sweeper re-arms from the deadline rows.
        logger.warn({ err: (err as Error).message, deadlines: touched.length }, 'could not arm deadline timers; the sweeper will');
      }
    },
  };
}
