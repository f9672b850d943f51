/**
 * `cases.overdue_from`, as a transition computes it from the case's deadlines (overdueFromOf over
 * dueTimesAfter): a case is overdue at `now` exactly when the column is before `now`, for every mix of
 * deadline statuses and due times, and the rows a step leaves are those read, changed or added by it.
 */
import fc from 'fast-check';
import type { DeadlineRecord, DeadlineStatus } from '../../db/deadline.repository';
import { ALREADY_OVERDUE, overdueFromOf, type OverdueFrom } from '../../db/open-case.sql';
import { dueTimesAfter } from '../../engine/deadline-changes';

const T = (minutes: number) => new Date(Date.parse('2026-03-02T01:00:00.000Z') + minutes * 60_000);
const STATUSES: readonly DeadlineStatus[] = ['pending', 'paused', 'met', 'breached', 'cancelled'];

/** The overdue test of the lists before the column (an `exists` over the live deadlines), here in TypeScript. */
const overdueByRows = (rows: readonly { status: string; dueAt: Date }[], now: Date) =>
  rows.some((d) => d.status === 'breached' || (d.status === 'pending' && d.dueAt < now));
/** `cases.overdue_from < now` as PostgreSQL reads it: null is never before, `-infinity` always. */
const overdueByColumn = (from: OverdueFrom, now: Date) => (from === null ? false : from === ALREADY_OVERDUE ? true : from < now);

describe('overdueFromOf', () => {
  it.each<[string, { status: DeadlineStatus; dueAt: Date }[], OverdueFrom]>([
    ['no deadline', [], null],
    [
      'only decided or paused ones',
      [
        { status: 'met', dueAt: T(1) },
        { status: 'paused', dueAt: T(2) },
        { status: 'cancelled', dueAt: T(3) },
      ],
      null,
    ],
    [
      'the earliest pending one',
      [
        { status: 'pending', dueAt: T(30) },
        { status: 'pending', dueAt: T(10) },
        { status: 'met', dueAt: T(5) },
      ],
      T(10),
    ],
    [
      'a breached one, whatever its due time',
      [
        { status: 'pending', dueAt: T(-10) },
        { status: 'breached', dueAt: T(60) },
      ],
      ALREADY_OVERDUE,
    ],
  ])('%s', (_, rows, expected) => {
    expect(overdueFromOf(rows)).toEqual(expected);
  });

  it('is before `now` exactly when a deadline is breached, or pending and past due', () => {
    const row = fc.record({ status: fc.constantFrom(...STATUSES), dueAt: fc.integer({ min: -100, max: 100 }).map(T) });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 6 }), fc.integer({ min: -120, max: 120 }).map(T), (rows, now) => {
        expect(overdueByColumn(overdueFromOf(rows), now)).toBe(overdueByRows(rows, now));
      }),
    );
  });
});

describe('dueTimesAfter', () => {
  const row = (id: string, status: DeadlineStatus, dueAt: Date) => ({ id, status, dueAt }) as DeadlineRecord;

  it('replaces the rows a step changed, keeps the others and adds its new ones as pending', () => {
    const rows = [row('1', 'pending', T(10)), row('2', 'pending', T(20))];
    const changed = [{ ...row('1', 'met', T(10)), reminders: [], remindersSent: 0, pausedAt: null, extendedBy: null, updatedAt: T(0) }];
    const added = [{ dueAt: T(40) } as Parameters<typeof dueTimesAfter>[1]['added'][number]];
    const after = dueTimesAfter(rows, { added, changed });
    expect(after.map((d) => [d.status, d.dueAt])).toEqual([
      ['met', T(10)],
      ['pending', T(20)],
      ['pending', T(40)],
    ]);
    expect(overdueFromOf(after)).toEqual(T(20));
  });
});
