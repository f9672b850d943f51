import { UnrecoverableError, type Job } from 'bullmq';
import type { NotificationSource } from '../engine/notification-source.service';
import type { Notification, NotificationChannel } from './notification.channels';
import { notificationJobSchema } from './queues';

/** The notification type of a trail entry the engine asked to notify of. */
const TYPES: Readonly<Record<string, Notification['type']>> = {
  DEADLINE_REMINDER: 'deadline.reminder',
  DEADLINE_BREACHED: 'deadline.breached',
  // Art 25: a major or urgent matter is reported up the line at once.
  INTAKE: 'case.major-urgent',
};

/**
 * Sends the notification of one trail entry (a reminder or a breach) on every
 * channel. Built from the database at send time, so the job itself carries
 * only the case id and sequence.
 */
export function createNotificationProcessor(deps: { source: NotificationSource; channels: readonly NotificationChannel[] }) {
  return async function processNotification(job: Job): Promise<string> {
    const parsed = notificationJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('malformed notification job');
    const { caseId, seq, state } = parsed.data;
    const subject = await deps.source.subjectOf(caseId, seq);
    if (subject === undefined) throw new UnrecoverableError('notification for an unknown trail entry');
    const { case: rec, event } = subject;
    const type = TYPES[event.type];
    if (type === undefined) return 'not an event people are told of';
    const deadline = type !== 'case.major-urgent';
    const n: Notification = {
      type,
      caseId,
      seq,
      clock: deadline ? String(event.fields.clock) : null,
      generation: deadline ? Number(event.fields.generation) : null,
      // Jobs enqueued before the state was carried fall back to the case's current state.
      state: state ?? rec.state,
      unit: rec.unit,
      at: event.at,
      recipients: subject.recipients,
    };
    for (const channel of deps.channels) await channel.send(n);
    return `sent on ${deps.channels.map((c) => c.name).join(', ')}`;
  };
}
