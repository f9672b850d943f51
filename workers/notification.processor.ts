import { UnrecoverableError, type Job } from 'bullmq';
import type { NotificationSource } from '../engine/notification-source.service';
import type { PetitionContext } from '../machines/petition.machine';
import type { StoredSnapshot } from '../machines/petition.registry';
import type { Notification, NotificationChannel, Recipient } from './notification.channels';
import { notificationJobSchema } from './queues';

/** The handler, the supervisors of the case's unit, and the leader in charge (who must hear of a reminder or breach). */
export function recipientsOf(ctx: PetitionContext): Recipient[] {
  const out: Recipient[] = [];
  if (ctx.assignee?.handler != null) out.push({ role: 'handler', id: ctx.assignee.handler });
  out.push({ role: 'supervisor', unit: ctx.unit });
  if (ctx.assignee !== null && ctx.assignee.unit !== ctx.unit) out.push({ role: 'supervisor', unit: ctx.assignee.unit });
  if (ctx.leader !== null) out.push({ role: 'leader', id: ctx.leader });
  return out;
}

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
    if (event.type !== 'DEADLINE_REMINDER' && event.type !== 'DEADLINE_BREACHED') return 'not a deadline event';
    const ctx = (rec.snapshot as StoredSnapshot).context;
    const n: Notification = {
      type: event.type === 'DEADLINE_REMINDER' ? 'deadline.reminder' : 'deadline.breached',
      caseId,
      seq,
      clock: String(event.fields.clock),
      generation: Number(event.fields.generation),
      // Jobs enqueued before the state was carried fall back to the case's current state.
      state: state ?? rec.state,
      unit: rec.unit,
      at: event.at,
      recipients: recipientsOf(ctx),
    };
    for (const channel of deps.channels) await channel.send(n);
    return `sent on ${deps.channels.map((c) => c.name).join(', ')}`;
  };
}
