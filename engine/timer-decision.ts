import type { DeadlineRecord } from '../db/deadline.repository';
import type { PetitionEvent } from '../machines/petition.machine';
import type { PetitionSnapshot } from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import { systemFieldSchemas } from '../machines/petition.schemas';

/** What one fire of a deadline's timer did: a reminder or breach recorded, nothing yet due, or nothing to do. */
export type TimerOutcome = 'reminded' | 'breached' | 'early' | 'stale';

/** The event a due timer records, and the reminder row it marks as sent. */
export interface TimerEvent {
  readonly outcome: 'reminded' | 'breached';
  readonly event: PetitionEvent;
  readonly remindersSent: readonly string[];
}

/**
 * Decides what a deadline's timer does now, from the row and the case as read
 * under the case lock: the next unsent reminder if its time has come, else
 * the breach if the deadline is past, else nothing (`early`). A row that is
 * no longer pending, or a clock the case has restarted since (a newer
 * generation), is `stale`: its timer is left over and does nothing.
 */
export function decideTimer(row: DeadlineRecord, snapshot: PetitionSnapshot, at: Date, system: Actor): TimerEvent | 'early' | 'stale' {
  const clock = row.clock as keyof PetitionSnapshot['context']['clocks'];
  if (row.status !== 'pending' || snapshot.context.clocks[clock]?.generation !== row.generation) return 'stale';
  const reminder = row.reminders[row.remindersSent];
  if (reminder !== undefined && reminder <= at) {
    const fields = systemFieldSchemas.DEADLINE_REMINDER.parse({ clock, generation: row.generation, reminder: reminder.toISOString() });
    return {
      outcome: 'reminded',
      event: { type: 'DEADLINE_REMINDER', ...fields, actor: system, at: at.toISOString() } as PetitionEvent,
      remindersSent: [row.id],
    };
  }
  if (row.dueAt > at) return 'early';
  // The breach action armed with the deadline applies, even if the policy changed since.
  const fields = systemFieldSchemas.DEADLINE_BREACHED.parse({ clock, generation: row.generation, onBreach: row.onBreach });
  return {
    outcome: 'breached',
    event: { type: 'DEADLINE_BREACHED', ...fields, actor: system, at: at.toISOString() } as PetitionEvent,
    remindersSent: [],
  };
}
