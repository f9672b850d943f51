import type { DeadlineRecord } from '../db/deadline.repository';
import type { CaseEvent, CaseSnapshot, MachineAdapter } from '../machines/machine-adapter';
import type { Actor } from '../machines/petition.roles';

/** What one fire of a deadline's timer did: a reminder or breach recorded, nothing yet due, or nothing to do. */
export type TimerOutcome = 'reminded' | 'breached' | 'early' | 'stale';

/** The event a due timer records, and the reminder row it marks as sent. */
export interface TimerEvent {
  readonly outcome: 'reminded' | 'breached';
  readonly event: CaseEvent;
  readonly remindersSent: readonly string[];
}

/**
 * Decides what a deadline's timer does now, from the row and the case as read
 * under the case lock: the next unsent reminder if its time has come, else
 * the breach if the deadline is past, else nothing (`early`). A row that is
 * no longer pending, or a clock the case has restarted since (a newer
 * generation), is `stale`: its timer is left over and does nothing. The event
 * is built by the case's own version (a v3 timer carries no relations: the
 * system acts for no unit).
 */
export function decideTimer(
  row: DeadlineRecord,
  adapter: MachineAdapter,
  snapshot: CaseSnapshot,
  at: Date,
  system: Actor,
): TimerEvent | 'early' | 'stale' {
  const { clock, generation } = row;
  if (row.status !== 'pending' || adapter.clocks(snapshot)[clock]?.generation !== generation) return 'stale';
  const reminder = row.reminders[row.remindersSent];
  const atIso = at.toISOString();
  if (reminder !== undefined && reminder <= at) {
    const event = adapter.timerEvent({ type: 'DEADLINE_REMINDER', clock, generation, reminder: reminder.toISOString() }, system, atIso);
    return { outcome: 'reminded', event, remindersSent: [row.id] };
  }
  if (row.dueAt > at) return 'early';
  // The breach action armed with the deadline applies, even if the policy changed since.
  const event = adapter.timerEvent({ type: 'DEADLINE_BREACHED', clock, generation, onBreach: row.onBreach }, system, atIso);
  return { outcome: 'breached', event, remindersSent: [] };
}
