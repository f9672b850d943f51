/**
 * `cases.overdue_from`, as a transition computes it from the case's deadlines (overdueFromOf over
 * dueTimesAfter): a case is overdue at `now` exactly when the column is before `now`, for every mix of
 * deadline statuses, due times and breach actions (only a duty, whose breach escalates, makes a case
 * overdue: a petitioner's window lapses), and the rows a step leaves are those read, changed or added by it.
 */
import fc from 'fast-check';
import type { DeadlineRecord, DeadlineStatus } from '../../db/deadline.repository';
import { ALREADY_OVERDUE, overdueFromOf, type OverdueFrom, type OverdueSource } from '../../db/open-case.sql';
import { BREACH_ACTIONS } from '../../machines/petition.vocabulary';
import { dueTimesAfter } from '../../engine/deadline-changes';

const T = (minutes: number) => new Date(Date.parse('2026-03-02T01:00:00.000Z') + minutes * 60_000);
const STATUSES: readonly DeadlineStatus[] = ['pending', 'paused', 'met', 'breached', 'cancelled'];

/** "Overdue" over the rows, as the case's view says it (engine/deadline-urgency.ts): a duty breached or past due. */
const overdueByRows = (rows: readonly OverdueSource[], now: Date) =>
  rows.some((d) => d.onBreach === 'escalate' && (d.status === 'breached' || (d.status === 'pending' && d.dueAt < now)));
/** `cases.overdue_from < now` as PostgreSQL reads it: null is never before, `-infinity` always. */
const overdueByColumn = (from: OverdueFrom, now: Date) => (from === null ? false : from === ALREADY_OVERDUE ? true : from < now);

describe('overdueFromOf', () => {
  const duty = (status: DeadlineStatus, dueAt: Date): OverdueSource => ({ status, dueAt, onBreach: 'escalate' });
  const window = (status: DeadlineStatus, dueAt: Date): OverdueSource => ({ status, dueAt, onBreach: 'close' });
  it.each<[string, OverdueSource[], OverdueFrom]>([
    ['no deadline', [], null],
    ['only decided or paused duties', [duty('met', T(1)), duty('paused', T(2)), duty('cancelled', T(3))], null],
    ['the earliest pending duty', [duty('pending', T(30)), duty('pending', T(10)), duty('met', T(5))], T(10)],
    ['a breached duty, whatever its due time', [duty('pending', T(-10)), duty('breached', T(60))], ALREADY_OVERDUE],
    ["not a petitioner's window, pending or lapsed", [window('pending', T(5)), window('breached', T(6)), duty('pending', T(20))], T(20)],
  ])('%s', (_, rows, expected) => {
    expect(overdueFromOf(rows)).toEqual(expected);
  });

  it('is before `now` exactly when a duty is breached, or pending and past due', () => {
    const row = fc.record({
      status: fc.constantFrom(...STATUSES),
      dueAt: fc.integer({ min: -100, max: 100 }).map(T),
      onBreach: fc.constantFrom(...BREACH_ACTIONS),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 6 }), fc.integer({ min: -120, max: 120 }).map(T), (rows, now) => {
        expect(overdueByColumn(overdueFromOf(rows), now)).toBe(overdueByRows(rows, now));
      }),
    );
  });
});

describe('dueTimesAfter', () => {
  const row = (id: string, status: DeadlineStatus, dueAt: Date) => ({ id, status, dueAt, onBreach: 'escalate' }) as DeadlineRecord;

  it('replaces the rows a step changed, keeps the others and adds its new ones as pending', () => {
    const rows = [row('1', 'pending', T(10)), row('2', 'pending', T(20))];
    const changed = [{ ...row('1', 'met', T(10)), reminders: [], remindersSent: 0, pausedAt: null, extendedBy: null, updatedAt: T(0) }];
    const added = [{ dueAt: T(40), onBreach: 'close' } as Parameters<typeof dueTimesAfter>[1]['added'][number]];
    const after = dueTimesAfter(rows, { added, changed });
    expect(after.map((d) => [d.status, d.dueAt, d.onBreach])).toEqual([
      ['met', T(10), 'escalate'],
      ['pending', T(20), 'escalate'],
      ['pending', T(40), 'close'],
    ]);
    expect(overdueFromOf(after)).toEqual(T(20));
  });
});
