import { z } from 'zod';
import { clockNameSchema } from '../config/policy.schema';

/** The queue of deadline timers: one delayed job per pending deadline, for its next fire time. */
export const DEADLINE_QUEUE = 'deadlines';
/** The queue of notifications about reminders and breaches. */
export const NOTIFICATION_QUEUE = 'notifications';

/**
 * A deadline job names the deadline only (case, clock, generation): no
 * personal data ever reaches Redis, and the processor re-reads everything
 * from PostgreSQL, the source of truth.
 */
export const deadlineJobSchema = z.strictObject({
  caseId: z.uuid(),
  clock: clockNameSchema,
  generation: z.number().int().positive(),
});
export type DeadlineJob = z.infer<typeof deadlineJobSchema>;

/** A notification job: which trail entry to tell people about. */
export const notificationJobSchema = z.strictObject({
  caseId: z.uuid(),
  seq: z.number().int().positive(),
});
export type NotificationJob = z.infer<typeof notificationJobSchema>;

/**
 * The deterministic id of a deadline's timer for one fire time. BullMQ ids may
 * not contain `:` nor be integers; a new fire time is a new id, so re-arming
 * never collides with a job that is running right now.
 */
export function deadlineJobId(job: DeadlineJob, fireAt: Date): string {
  return `dl.${job.caseId}.${job.clock}.${job.generation}.${fireAt.getTime()}`;
}

/** One notification per trail entry: a second enqueue of the same entry is a no-op. */
export function notificationJobId(job: NotificationJob): string {
  return `nt.${job.caseId}.${job.seq}`;
}
