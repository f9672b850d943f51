import type { DeadlineRecord } from '../db/deadline.repository';
import { z } from 'zod';

/** The queue of deadline timers: one delayed job per pending deadline, for its next fire time. */
export const DEADLINE_QUEUE = 'deadlines';
/** The queue of notifications about reminders and breaches. */
export const NOTIFICATION_QUEUE = 'notifications';

/**
 * A notification job: which trail entry to tell people about, and the state
 * that entry left the case in (the case may have moved on by the time the
 * notification is sent; a state name is not personal data).
 */
export const notificationJobSchema = z.strictObject({
  caseId: z.uuid(),
  seq: z.number().int().positive(),
  state: z.string().min(1).max(64).optional(),
});
export type NotificationJob = z.infer<typeof notificationJobSchema>;

/** What a deadline timer's id says: which deadline row, which kind of fire, and when. */
export interface DeadlineTimerRef {
  /** The deadline row's id: it stands for (case, clock, generation). */
  readonly deadlineId: string;
  readonly kind: 'reminder' | 'breach';
  /** The fire time, to the second (the job's delay holds the exact time). */
  readonly fireAt: Date;
}

const TIMER_ID = /^([0-9a-z]{1,12})\.([rb])([0-9a-z]{1,8})$/;

/**
 * The deterministic id of a pending deadline's timer:
 * `<deadline row id>.<r|b><fire time in seconds>`, both numbers in base 36,
 * e.g. `255s.btqqg1q` (the breach of deadline 100,000). The row id stands
 * for (case, clock, generation); the kind and fire time tell a reminder from
 * the breach and a moved timer from the one it replaces. A timer moved by
 * less than a second keeps its id: if the old job is running then, it finds
 * itself early and re-delays to the row's time (the processor's `early`
 * path). BullMQ ids may not contain `:` nor be integers.
 *
 * The id is also the job's whole payload (its data is `{}`): no personal data
 * reaches Redis, and the job hash stays small enough for Redis's compact
 * listpack encoding (every field under 64 bytes), which a case UUID in the id
 * or the data would break (3× the memory per timer).
 */
export function deadlineJobId(row: Pick<DeadlineRecord, 'id' | 'dueAt' | 'nextFireAt'>): string {
  const fireAt = row.nextFireAt ?? row.dueAt;
  const kind = fireAt.getTime() === row.dueAt.getTime() ? 'b' : 'r';
  return `${Number(row.id).toString(36)}.${kind}${Math.floor(fireAt.getTime() / 1000).toString(36)}`;
}

/** Reads a deadline timer's id; `undefined` for anything else. */
export function parseDeadlineJobId(id: string | undefined): DeadlineTimerRef | undefined {
  const m = id === undefined ? null : TIMER_ID.exec(id);
  if (m === null) return undefined;
  const [, row = '', kind, fire = ''] = m;
  const deadlineId = parseInt(row, 36);
  const fireAt = parseInt(fire, 36) * 1000;
  if (!Number.isSafeInteger(deadlineId) || deadlineId < 1 || !Number.isSafeInteger(fireAt)) return undefined;
  return { deadlineId: String(deadlineId), kind: kind === 'r' ? 'reminder' : 'breach', fireAt: new Date(fireAt) };
}

/** One notification per trail entry: a second enqueue of the same entry is a no-op. */
export function notificationJobId(job: Pick<NotificationJob, 'caseId' | 'seq'>): string {
  return `nt.${job.caseId}.${job.seq}`;
}
