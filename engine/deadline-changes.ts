import type { CalendarKind, Policy } from '../config/policy.schema';
import { reminderTimeOf } from '../config/default-policy';
import type { DeadlineRecord, NewDeadline } from '../db/deadline.repository';
import type { OverdueSource } from '../db/open-case.sql';
import type { DeadlineState } from '../db/transition.repository';
import type { ClockChange } from './clock-changes';
import { extendDue, planDeadline, reminderTimes } from './deadline-calculator';
import type { WorkingCalendar } from './working-calendar';

/** What one event does to a case's deadline rows, before anything is written. */
export interface DeadlineChanges {
  /** Clocks started by the event: new pending rows. */
  readonly added: NewDeadline[];
  /** Rows the event changed, as it leaves them. */
  readonly changed: DeadlineState[];
}

/** What planning needs besides the rows: the policy (clock specs) and the working calendar. */
export interface DeadlineRules {
  readonly policy: Policy;
  readonly calendar: WorkingCalendar;
}

/**
 * Turns the machine's clock changes (and reminders marked sent) into deadline
 * row changes. Pure: it reads the case's rows as they were read under the case
 * lock, and the caller writes the result in the event's transaction.
 */
export function planDeadlineChanges(
  caseId: string,
  rows: readonly DeadlineRecord[],
  changes: readonly ClockChange[],
  at: Date,
  rules: DeadlineRules,
  /** Rows whose next reminder the event records as sent. */
  remindersSent: readonly string[] = [],
): DeadlineChanges {
  const working = new Map(rows.map((r) => [r.id, r]));
  const dirty = new Set<string>();
  const added: NewDeadline[] = [];
  const set = (row: DeadlineRecord) => {
    working.set(row.id, row);
    dirty.add(row.id);
  };
  for (const ch of changes) {
    if (ch.kind === 'start') {
      const spec = { ...rules.policy.clocks[ch.clock], duration: ch.duration ?? rules.policy.clocks[ch.clock].duration };
      const plan = planDeadline(at, spec, rules.calendar, reminderTimeOf(rules.policy));
      added.push({
        caseId,
        clock: ch.clock,
        generation: ch.generation,
        calendar: spec.calendar,
        duration: spec.duration,
        onBreach: spec.onBreach,
        startedAt: at,
        dueAt: plan.dueAt,
        reminders: plan.reminders,
        updatedAt: at,
      });
      continue;
    }
    const row = [...working.values()].find((d) => d.clock === ch.clock && d.generation === ch.generation);
    // A clock the machine knows but with no row is a bug, not a user error: fail the whole command.
    if (row === undefined) throw new Error(`no deadline row for ${ch.clock} generation ${ch.generation}`);
    if (ch.kind === 'stop') {
      set({ ...row, status: ch.status, pausedAt: null, updatedAt: at });
    } else if (ch.kind === 'pause') {
      set({ ...row, status: 'paused', pausedAt: at, updatedAt: at });
    } else if (ch.kind === 'resume') {
      // Paused time does not count (hearings, Art 36 ¶2; other reasons as the policy allows): shift due and reminders by the span.
      const span = at.getTime() - (row.pausedAt ?? at).getTime();
      set({
        ...row,
        status: 'pending',
        pausedAt: null,
        dueAt: new Date(row.dueAt.getTime() + span),
        reminders: row.reminders.map((t) => new Date(t.getTime() + span)),
        updatedAt: at,
      });
    } else {
      const dueAt = extendDue(row.dueAt, ch.by, row.calendar as CalendarKind, rules.calendar);
      const kind = row.calendar as CalendarKind;
      const reminders = reminderTimes(row.startedAt, dueAt, rules.policy.clocks[ch.clock].reminders, {
        kind,
        cal: rules.calendar,
        timeOfDay: reminderTimeOf(rules.policy),
      }).filter((t) => t > at);
      // The reminder list is rebuilt from now on, so the count of those already sent starts again.
      set({ ...row, dueAt, reminders, remindersSent: 0, extendedBy: ch.by, updatedAt: at });
    }
  }
  for (const id of remindersSent) {
    const row = working.get(id);
    if (row === undefined) throw new Error(`no deadline row ${id} of case ${caseId}`);
    set({ ...row, remindersSent: row.remindersSent + 1, updatedAt: at });
  }
  const changed = [...dirty].map((id) => working.get(id) as DeadlineRecord);
  return { added, changed };
}

/**
 * The status, due time and breach action of each of a case's deadlines once `changes` are written: the rows read
 * under the lock, those the event changed as it leaves them, and its new rows (pending). What
 * `cases.overdue_from` is computed from.
 */
export function dueTimesAfter(rows: readonly DeadlineRecord[], changes: DeadlineChanges): OverdueSource[] {
  const changed = new Map(changes.changed.map((d) => [d.id, d]));
  const kept = rows.map((row) => ({ onBreach: row.onBreach, ...(changed.get(row.id) ?? row) }));
  return [...kept, ...changes.added.map((d) => ({ status: 'pending', dueAt: d.dueAt, onBreach: d.onBreach }))];
}
