/**
 * The pure parts of the statistics: a rate's rounding (half up, in integers,
 * null for nothing counted), how a group of clock runs ends (the first breach
 * for good, else the last stop once none runs), and Beijing-date periods.
 */
import { clocksOutcome, type ClockRun } from '../../machines/case-facts';
import { rateOf } from '../../engine/statistics/figures';
import { periodOfDates, periodOfMonth, periodOfWeek, periodOfYear } from '../../engine/statistics/period';
import { rankUnits, type UnitFigures } from '../../engine/statistics/statistics.service';

describe('rateOf', () => {
  it.each([
    [120, 121, 99.2],
    [116, 121, 95.9],
    [0, 121, 0],
    [1, 8, 12.5],
    [1, 16, 6.3], // 6.25 rounds half up
    [2, 3, 66.7],
    [1, 3, 33.3],
    [5, 5, 100],
  ])('%i/%i is %d%%', (num, den, pct) => {
    expect(rateOf(num, den)).toEqual({ num, den, pct });
  });

  it('is null when nothing is counted', () => {
    expect(rateOf(0, 0)).toEqual({ num: 0, den: 0, pct: null });
  });
});

describe('clocksOutcome', () => {
  const run = (clock: string, generation: number, status: ClockRun['status'], decidedAt: string | null = null): ClockRun => ({
    clock,
    generation,
    status,
    decidedAt,
  });
  const outcome = (runs: ClockRun[]) => clocksOutcome(runs, ['dispatch', 'notice'], 'timely', 'late');

  it('is nothing while a run is live, or when runs were only cancelled', () => {
    expect(outcome([run('dispatch', 1, 'met', '2026-03-02T00:00:00.000Z'), run('notice', 1, 'pending')])).toEqual({ kind: null, at: null });
    expect(outcome([run('dispatch', 1, 'cancelled', '2026-03-02T00:00:00.000Z')])).toEqual({ kind: null, at: null });
    expect(outcome([])).toEqual({ kind: null, at: null });
  });

  it('is good at the last stop once every run was met', () => {
    expect(
      outcome([
        run('dispatch', 1, 'met', '2026-03-02T00:00:00.000Z'),
        run('notice', 1, 'met', '2026-03-05T00:00:00.000Z'),
        run('objection', 1, 'breached', '2026-03-09T00:00:00.000Z'),
      ]),
    ).toEqual({
      kind: 'timely',
      at: '2026-03-05T00:00:00.000Z',
    });
  });

  it('is bad for good from the first breach, even after a later run was met', () => {
    expect(
      outcome([
        run('dispatch', 1, 'breached', '2026-03-17T00:00:00.000Z'),
        run('dispatch', 2, 'met', '2026-03-20T00:00:00.000Z'),
        run('notice', 1, 'breached', '2026-04-05T00:00:00.000Z'),
      ]),
    ).toEqual({ kind: 'late', at: '2026-03-17T00:00:00.000Z' });
  });
});

describe('periods in Beijing time', () => {
  it('a date range includes both days, from 00:00 in Asia/Shanghai', () => {
    expect(periodOfDates('2026-03-01', '2026-03-31')).toEqual({
      from: new Date('2026-02-28T16:00:00.000Z'),
      to: new Date('2026-03-31T16:00:00.000Z'),
      fromDate: '2026-03-01',
      toDate: '2026-03-31',
    });
  });

  it('an ISO week runs Monday to Sunday; a month and a year their calendar days', () => {
    expect(periodOfWeek('2026-W19')).toMatchObject({ fromDate: '2026-05-04', toDate: '2026-05-10' });
    expect(periodOfWeek('2026-W01')).toMatchObject({ fromDate: '2025-12-29', toDate: '2026-01-04' });
    expect(periodOfMonth('2026-02')).toMatchObject({ fromDate: '2026-02-01', toDate: '2026-02-28' });
    expect(periodOfYear(2026)).toMatchObject({ fromDate: '2026-01-01', toDate: '2026-12-31', to: new Date('2026-12-31T16:00:00.000Z') });
  });

  it('refuses malformed dates and a range that ends before it starts, naming the field', () => {
    expect(() => periodOfDates('2026-3-1', '2026-03-31')).toThrow(
      expect.objectContaining({ code: 'VALIDATION', details: { issues: [{ path: ['from'], message: expect.any(String) }] } }),
    );
    expect(() => periodOfDates('2026-03-31', '2026-03-01')).toThrow(
      expect.objectContaining({ details: { issues: [{ path: ['to'], message: expect.any(String) }] } }),
    );
    expect(() => periodOfWeek('2026-48')).toThrow(expect.objectContaining({ code: 'VALIDATION' }));
  });
});

describe('rankUnits', () => {
  const unit = (code: string, matters: number, pct: number | null): UnitFigures =>
    ({ code, name: code, counts: { matters, people: matters }, rates: { resolution: { num: 0, den: 0, pct } } }) as unknown as UnitFigures;
  const units = [unit('a', 3, 50), unit('b', 5, null), unit('c', 5, 90)];

  it('ranks by a count, ties by code', () => {
    expect(rankUnits(units, 'matters', 'desc').map((u) => u.code)).toEqual(['b', 'c', 'a']);
  });

  it('ranks by a rate either way, units without one last', () => {
    expect(rankUnits(units, 'resolution', 'desc').map((u) => u.code)).toEqual(['c', 'a', 'b']);
    expect(rankUnits(units, 'resolution', 'asc').map((u) => u.code)).toEqual(['a', 'c', 'b']);
  });
});
