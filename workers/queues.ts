import { z } from 'zod';
import { clockNameSchema, type ClockName } from '../config/policy.schema';

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
 * Short, fixed codes of the clocks in timer ids (a new clock needs a code of
 * its own here: the type makes it required; codes must stay distinct).
 */
const CLOCK_CODES: Readonly<Record<ClockName, string>> = {
  acceptance: 'a',
  objection: 'o',
  handling: 'h',
  reviewRequest: 'rq',
  reviewDecision: 'rd',
  reReviewRequest: 'Rq',
  reReviewDecision: 'Rd',
  supervision: 's',
  satisfaction: 'f',
};

/** A case's UUID in 22 base64url characters (anything else is kept as it is). */
function compactUuid(id: string): string {
  const hex = id.replace(/-/g, '');
  return /^[0-9a-f]{32}$/i.test(hex) && id.length === 36 ? Buffer.from(hex, 'hex').toString('base64url') : id;
}

/**
 * The deterministic id of a deadline's timer for one fire time. BullMQ ids may
 * not contain `:` nor be integers; a new fire time is a new id, so re-arming
 * never collides with a job that is running right now.
 *
 * Compact, since Redis keeps the id four times per pending timer (job key,
 * delayed set, the job's stored options, the event stream):
 * `d.<case UUID, base64url>.<clock code>.<generation>.<fire time, ms in base 36>`,
 * e.g. `d.I9LUurBHRAWM2VHyCNiPIw.a.1.my6hgved` (37 characters instead of 66).
 */
export function deadlineJobId(job: DeadlineJob, fireAt: Date): string {
  return `d.${compactUuid(job.caseId)}.${CLOCK_CODES[job.clock]}.${job.generation}.${fireAt.getTime().toString(36)}`;
}

/** One notification per trail entry: a second enqueue of the same entry is a no-op. */
export function notificationJobId(job: NotificationJob): string {
  return `nt.${job.caseId}.${job.seq}`;
}
