/**
 * Deadlines on the real calendar of 2026, as the State Council published it
 * and the `chinese-days` package carries it (checked day by day with
 * `getDayDetail` before these rows were written):
 *
 * - 春节 (Spring Festival): rest 2026-02-15 (Sun) .. 2026-02-23 (Mon);
 *   make-up working days (调休) Sat 2026-02-14 and Sat 2026-02-28.
 * - 中秋 (Mid-Autumn): rest Fri 2026-09-25 .. Sun 2026-09-27.
 * - 国庆 (National Day): rest Thu 2026-10-01 .. Wed 2026-10-07;
 *   make-up working days Sun 2026-09-20 and Sat 2026-10-10.
 *
 * Every instant is written in Asia/Shanghai (+08:00) where it is an input and
 * as the exact UTC ISO string where it is an expectation. A day-counted clock
 * is due at the start (00:00 Shanghai, 16:00Z the day before) of the day
 * after its last day.
 */
import { execFileSync } from 'node:child_process';
import { isWorkday } from 'chinese-days';
import chineseDays from 'chinese-days/dist/chinese-days.json';
import { addOnCalendar, extendDue, planDeadline, reminderTimes, type ClockSpec } from '../../engine/deadline-calculator';
import { createChinaCalendar } from '../../engine/working-calendar';

const china = createChinaCalendar();
const iso = (d: Date) => d.toISOString();
const at = (s: string) => new Date(s);

describe('the 2026 calendar these rows rely on', () => {
  const holidays: Readonly<Record<string, string>> = chineseDays.holidays;
  const makeUp: Readonly<Record<string, string>> = chineseDays.workdays;
  type Kind = 'weekday' | 'weekend' | 'holiday' | 'make-up';
  it.each<[string, Kind, string]>([
    ['2026-02-13', 'weekday', 'Friday before the Spring Festival'],
    ['2026-02-14', 'make-up', 'Saturday, make-up working day (调休)'],
    ['2026-02-15', 'holiday', 'first day of the Spring Festival holiday'],
    ['2026-02-20', 'holiday', 'Friday inside the holiday'],
    ['2026-02-23', 'holiday', 'last day of the Spring Festival holiday (a Monday)'],
    ['2026-02-24', 'weekday', 'first working day after the Spring Festival'],
    ['2026-02-28', 'make-up', 'Saturday, make-up working day (调休)'],
    ['2026-03-01', 'weekend', 'ordinary Sunday'],
    ['2026-03-02', 'weekday', 'ordinary Monday'],
    ['2026-09-20', 'make-up', 'Sunday, make-up working day before National Day'],
    ['2026-09-25', 'holiday', 'Mid-Autumn Festival (a Friday)'],
    ['2026-09-30', 'weekday', 'last working day before National Day'],
    ['2026-10-01', 'holiday', 'National Day'],
    ['2026-10-07', 'holiday', 'last day of the National Day holiday'],
    ['2026-10-08', 'weekday', 'first working day after National Day'],
    ['2026-10-10', 'make-up', 'Saturday, make-up working day after National Day'],
    ['2026-10-11', 'weekend', 'ordinary Sunday'],
  ])('%s is a %s (%s)', (date, kind) => {
    expect(holidays[date] !== undefined).toBe(kind === 'holiday');
    expect(makeUp[date] !== undefined).toBe(kind === 'make-up');
    expect(china.isWorkingDay(date)).toBe(kind === 'weekday' || kind === 'make-up');
  });

  // chinese-days' own functions answer for the day before west of UTC (they parse the date as UTC midnight
  // and read it back in local time), which is why the calendar reads the package's data instead; at or
  // east of UTC the two must agree on every day the package knows.
  const eastOfUtc = new Date(2026, 0, 1).getTimezoneOffset() <= 0;
  (eastOfUtc ? it : it.skip)('agrees with chinese-days isWorkday on every day of 2004..2026', () => {
    const differ: string[] = [];
    for (let t = Date.UTC(2004, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (china.isWorkingDay(date) !== isWorkday(date)) differ.push(date);
    }
    expect(differ).toEqual([]);
  });
});

interface Row {
  readonly name: string;
  readonly start: string;
  readonly spec: ClockSpec;
  readonly due: string;
  readonly reminders: readonly string[];
}

const acceptance = (reminders: readonly string[] = ['50%', '80%', '-P1D']): ClockSpec => ({
  duration: 'P15D',
  calendar: 'calendar-days',
  reminders,
});
const workingDays = (n: number, reminders: readonly string[] = ['-P1D']): ClockSpec => ({
  duration: `P${n}D`,
  calendar: 'working-days',
  reminders,
});

const ROWS: readonly Row[] = [
  // --- Spring Festival 2026 -------------------------------------------------
  {
    name: 'acceptance (15 calendar days) whose last day 02-20 is inside the Spring Festival moves to 02-24',
    start: '2026-02-05T10:00:00+08:00',
    spec: acceptance(),
    due: '2026-02-24T16:00:00.000Z',
    // span 19d14h: 50% = +9d19h, 80% = +15d16h, -P1D = 00:00 on the last day 02-24.
    reminders: ['2026-02-14T21:00:00.000Z', '2026-02-20T18:00:00.000Z', '2026-02-23T16:00:00.000Z'],
  },
  {
    name: 'one calendar month from 01-31 ends on 02-28, the make-up Saturday, which stays',
    start: '2026-01-31T10:00:00+08:00',
    spec: { duration: 'P1M', calendar: 'calendar-days', reminders: [] },
    due: '2026-02-28T16:00:00.000Z',
    reminders: [],
  },
  {
    name: 'one calendar month from 01-15 ends on 02-15, inside the Spring Festival, so moves to 02-24',
    start: '2026-01-15T10:00:00+08:00',
    spec: { duration: 'P1M', calendar: 'calendar-days', reminders: [] },
    due: '2026-02-24T16:00:00.000Z',
    reminders: [],
  },
  {
    name: 'calendar days landing on the make-up Saturday 02-14 stay there',
    start: '2026-02-04T09:00:00+08:00',
    spec: { duration: 'P10D', calendar: 'calendar-days', reminders: [] },
    due: '2026-02-14T16:00:00.000Z',
    reminders: [],
  },
  {
    name: 'acceptance landing on the make-up Saturday 02-28 stays there',
    start: '2026-02-13T17:30:00+08:00',
    spec: acceptance(['-P1D']),
    due: '2026-02-28T16:00:00.000Z',
    reminders: ['2026-02-27T16:00:00.000Z'],
  },
  {
    name: '5 working days from Thu 02-12 count Fri 02-13, the make-up Sat 02-14, then 02-24..02-26',
    start: '2026-02-12T15:00:00+08:00',
    spec: workingDays(5),
    due: '2026-02-26T16:00:00.000Z',
    reminders: ['2026-02-25T16:00:00.000Z'],
  },
  {
    name: 'a start at 00:30 Shanghai (still 02-13 in UTC) counts from the Shanghai day 02-14',
    start: '2026-02-14T00:30:00+08:00',
    spec: workingDays(1, []),
    due: '2026-02-24T16:00:00.000Z',
    reminders: [],
  },
  {
    name: '1 working day from Fri 02-27 is the make-up Sat 02-28',
    start: '2026-02-27T11:00:00+08:00',
    spec: workingDays(1, ['50%']),
    due: '2026-02-28T16:00:00.000Z',
    // span 37h: 50% = +18h30m.
    reminders: ['2026-02-27T21:30:00.000Z'],
  },
  // --- National Day 2026 (with Mid-Autumn just before it) ---------------------
  {
    name: '1 working day from Fri 09-18 is the make-up Sun 09-20',
    start: '2026-09-18T16:00:00+08:00',
    spec: workingDays(1, []),
    due: '2026-09-20T16:00:00.000Z',
    reminders: [],
  },
  {
    name: 'objection (5 working days) from Mon 09-28 spans the holiday and lands on the make-up Sat 10-10',
    start: '2026-09-28T10:00:00+08:00',
    spec: workingDays(5),
    // 09-29, 09-30, (10-01..10-07 rest), 10-08, 10-09, 10-10.
    due: '2026-10-10T16:00:00.000Z',
    reminders: ['2026-10-09T16:00:00.000Z'],
  },
  {
    name: 'objection from Tue 09-29 counts the make-up Sat 10-10, skips Sun 10-11 and lands on Mon 10-12',
    start: '2026-09-29T10:00:00+08:00',
    spec: workingDays(5),
    // 09-30, 10-08, 10-09, 10-10, 10-12.
    due: '2026-10-12T16:00:00.000Z',
    reminders: ['2026-10-11T16:00:00.000Z'],
  },
  {
    name: 'a -P2D reminder of a working-days clock counts working days: last day Mon 10-12, reminder on the make-up Sat 10-10',
    start: '2026-09-29T10:00:00+08:00',
    spec: workingDays(5, ['-P2D']),
    due: '2026-10-12T16:00:00.000Z',
    // Not Sun 10-11 (a rest day), which two calendar days before the due time would be.
    reminders: ['2026-10-09T16:00:00.000Z'],
  },
  {
    name: 'a -P4D reminder of the objection clock reaches back over National Day to Wed 09-30',
    start: '2026-09-28T10:00:00+08:00',
    spec: workingDays(5, ['-P4D']),
    due: '2026-10-10T16:00:00.000Z',
    // The last day 10-10, 10-09, 10-08, then 10-07..10-01 are rest days, 09-30 (not 10-07, four calendar days back).
    reminders: ['2026-09-29T16:00:00.000Z'],
  },
  {
    name: 'objection from Wed 09-30 (last day before the holiday) lands on Tue 10-13',
    start: '2026-09-30T18:00:00+08:00',
    spec: workingDays(5),
    due: '2026-10-13T16:00:00.000Z',
    reminders: ['2026-10-12T16:00:00.000Z'],
  },
  {
    name: 'acceptance whose last day is National Day week (10-07) moves to Thu 10-08',
    start: '2026-09-22T09:00:00+08:00',
    spec: acceptance(['-P1D']),
    due: '2026-10-08T16:00:00.000Z',
    reminders: ['2026-10-07T16:00:00.000Z'],
  },
  {
    name: 'acceptance whose last day is the make-up Sat 10-10 stays there',
    start: '2026-09-25T09:00:00+08:00',
    spec: acceptance([]),
    due: '2026-10-10T16:00:00.000Z',
    reminders: [],
  },
  // --- an ordinary weekend ----------------------------------------------------
  {
    name: 'acceptance whose last day is an ordinary Saturday (03-21) moves to Mon 03-23',
    start: '2026-03-06T14:00:00+08:00',
    spec: acceptance(),
    due: '2026-03-23T16:00:00.000Z',
    // span 17d10h: 50% = +8d17h, 80% = +13d22h24m.
    reminders: ['2026-03-14T23:00:00.000Z', '2026-03-20T04:24:00.000Z', '2026-03-22T16:00:00.000Z'],
  },
  // --- elapsed time, what tests and strict offices use -------------------------
  {
    name: 'elapsed PT2S is exact to the millisecond, reminders at shares of it',
    start: '2026-02-16T23:59:58.500+08:00',
    spec: { duration: 'PT2S', calendar: 'elapsed', reminders: ['50%', '80%'] },
    due: '2026-02-16T16:00:00.500Z',
    reminders: ['2026-02-16T15:59:59.500Z', '2026-02-16T16:00:00.100Z'],
  },
  {
    name: 'elapsed P1D ignores the holiday (no roll-over)',
    start: '2026-02-14T10:00:00+08:00',
    spec: { duration: 'P1D', calendar: 'elapsed', reminders: ['-PT1H'] },
    due: '2026-02-15T02:00:00.000Z',
    reminders: ['2026-02-15T01:00:00.000Z'],
  },
  {
    name: 'a sub-day duration on a day calendar runs as elapsed time',
    start: '2026-02-14T23:00:00+08:00',
    spec: { duration: 'PT36H', calendar: 'calendar-days', reminders: [] },
    due: '2026-02-16T03:00:00.000Z',
    reminders: [],
  },
  // --- reminder rules ------------------------------------------------------------
  {
    name: 'a -P1D reminder before the start is dropped, and so are 0% and 100%',
    start: '2026-03-02T09:00:00+08:00',
    spec: { duration: 'PT10S', calendar: 'elapsed', reminders: ['-P1D', '0%', '100%', '-PT5S'] },
    due: '2026-03-02T01:00:10.000Z',
    reminders: ['2026-03-02T01:00:05.000Z'],
  },
  {
    name: 'reminders come out sorted and without duplicates',
    start: '2026-03-02T09:00:00+08:00',
    spec: { duration: 'PT100S', calendar: 'elapsed', reminders: ['80%', '50%', '-PT50S', '12.5%'] },
    due: '2026-03-02T01:01:40.000Z',
    reminders: ['2026-03-02T01:00:12.500Z', '2026-03-02T01:00:50.000Z', '2026-03-02T01:01:20.000Z'],
  },
];

describe('planDeadline on the 2026 calendar (Asia/Shanghai)', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const plan = planDeadline(at(row.start), row.spec, china);
    expect(iso(plan.dueAt)).toBe(row.due);
    expect(plan.reminders.map(iso)).toEqual(row.reminders);
    // The parts agree with the whole.
    expect(iso(addOnCalendar(at(row.start), row.spec.duration, row.spec.calendar, china))).toBe(row.due);
    expect(reminderTimes(at(row.start), plan.dueAt, row.spec.reminders, { kind: row.spec.calendar, cal: china }).map(iso)).toEqual(
      row.reminders,
    );
  });
});

describe('whatever the time zone of the process', () => {
  // The engine works in Asia/Shanghai; a server or CI runner west of UTC must get the same instants.
  it.each(['America/Los_Angeles', 'Pacific/Kiritimati'])(
    '%s gives the same due times and reminders',
    (tz) => {
      const script = `
      const { planDeadline } = require('./engine/deadline-calculator');
      const { createChinaCalendar } = require('./engine/working-calendar');
      const rows = JSON.parse(process.argv[1]);
      const cal = createChinaCalendar();
      const out = rows.map((r) => { const p = planDeadline(new Date(r.start), r.spec, cal); return [p.dueAt.toISOString(), p.reminders.map((d) => d.toISOString())]; });
      process.stdout.write(JSON.stringify({ offset: new Date(2026, 0, 1).getTimezoneOffset(), out }));`;
      const stdout = execFileSync(process.execPath, ['--import', 'tsx', '-e', script, JSON.stringify(ROWS)], {
        cwd: `${__dirname}/../..`,
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const result = JSON.parse(stdout) as { offset: number; out: [string, string[]][] };
      expect(result.offset).toBe(tz === 'America/Los_Angeles' ? 480 : -840);
      expect(result.out).toEqual(ROWS.map((r) => [r.due, r.reminders]));
    },
    30_000,
  );
});

describe('reminderTimes', () => {
  it('gives none when every reminder would fire before the start or after the due time', () => {
    const start = at('2026-03-02T09:00:00+08:00');
    const due = at('2026-03-02T09:00:02+08:00');
    expect(reminderTimes(start, due, ['-P1D', '-PT2S', '-PT3S'], { kind: 'elapsed', cal: china })).toEqual([]);
  });
});

describe('extendDue (Art 32: counted from the end of the original last day)', () => {
  it.each([
    {
      name: 'handling due after National Day, +P30D calendar days, last day Sat 11-07 moves to Mon 11-09',
      due: '2026-10-08T16:00:00.000Z',
      by: 'P30D',
      calendar: 'calendar-days' as const,
      expected: '2026-11-09T16:00:00.000Z',
    },
    {
      name: '+P7D calendar days from last day 02-13 lands in the Spring Festival (02-20) and moves to 02-24',
      due: '2026-02-13T16:00:00.000Z',
      by: 'P7D',
      calendar: 'calendar-days' as const,
      expected: '2026-02-24T16:00:00.000Z',
    },
    {
      name: '+P3D working days from the make-up Sat 10-10 skips Sun 10-11: 10-12, 10-13, 10-14',
      due: '2026-10-10T16:00:00.000Z',
      by: 'P3D',
      calendar: 'working-days' as const,
      expected: '2026-10-14T16:00:00.000Z',
    },
    {
      name: '+P2D working days from Fri 02-13: the make-up Sat 02-14, then 02-24',
      due: '2026-02-13T16:00:00.000Z',
      by: 'P2D',
      calendar: 'working-days' as const,
      expected: '2026-02-24T16:00:00.000Z',
    },
    {
      name: '+PT30S elapsed is exact',
      due: '2026-02-16T16:00:00.500Z',
      by: 'PT30S',
      calendar: 'elapsed' as const,
      expected: '2026-02-16T16:00:30.500Z',
    },
  ])('$name', ({ due, by, calendar, expected }) => {
    expect(iso(extendDue(at(due), by, calendar, china))).toBe(expected);
  });

  it('extending a planned clock agrees with planning the longer clock when no rest day intervenes', () => {
    const start = at('2026-03-02T09:00:00+08:00');
    const planned = planDeadline(start, { duration: 'P10D', calendar: 'calendar-days', reminders: [] }, china);
    // Last day Thu 03-12; +P5D: Tue 03-17.
    expect(iso(planned.dueAt)).toBe('2026-03-12T16:00:00.000Z');
    expect(iso(extendDue(planned.dueAt, 'P5D', 'calendar-days', china))).toBe('2026-03-17T16:00:00.000Z');
    expect(iso(planDeadline(start, { duration: 'P15D', calendar: 'calendar-days', reminders: [] }, china).dueAt)).toBe(
      '2026-03-17T16:00:00.000Z',
    );
  });
});

describe("an office's calendar overrides", () => {
  const closed = createChinaCalendar({ '2026-03-02': false });

  it.each([
    {
      name: 'acceptance whose last day is Mon 03-02',
      start: '2026-02-15T10:00:00+08:00',
      spec: acceptance([]),
      official: '2026-03-02T16:00:00.000Z',
      overridden: '2026-03-03T16:00:00.000Z',
    },
    {
      name: 'acceptance whose last day is Sun 03-01 (rolls over Mon 03-02 too)',
      start: '2026-02-14T10:00:00+08:00',
      spec: acceptance([]),
      official: '2026-03-02T16:00:00.000Z',
      overridden: '2026-03-03T16:00:00.000Z',
    },
    {
      name: '2 working days from the make-up Sat 02-28',
      start: '2026-02-28T10:00:00+08:00',
      spec: workingDays(2, []),
      official: '2026-03-03T16:00:00.000Z',
      overridden: '2026-03-04T16:00:00.000Z',
    },
  ])('$name: official $official, with 2026-03-02 closed $overridden', ({ start, spec, official, overridden }) => {
    expect(iso(planDeadline(at(start), spec, china).dueAt)).toBe(official);
    expect(iso(planDeadline(at(start), spec, closed).dueAt)).toBe(overridden);
  });

  it('can also open a rest day', () => {
    const open = createChinaCalendar({ '2026-03-01': true });
    // Acceptance from 02-14: last day Sun 03-01, now a working day.
    expect(iso(planDeadline(at('2026-02-14T10:00:00+08:00'), acceptance([]), open).dueAt)).toBe('2026-03-01T16:00:00.000Z');
  });
});

describe('reminders at the start of a working day (the policy’s reminderTime)', () => {
  const nine = '09:00';
  it('moves each reminder of a whole-day clock to 09:00 Beijing of its day, or of the working day before a rest day', () => {
    // 15 days from Mon 03-02 09:00: 50% falls Tue 03-10 04:30, 80% Sat 03-14 21:00 (to Fri 03-13), -P1D Tue 03-17 00:00.
    const plan = planDeadline(at('2026-03-02T09:00:00+08:00'), acceptance(), china, nine);
    expect(plan.reminders.map(iso)).toEqual(['2026-03-10T01:00:00.000Z', '2026-03-13T01:00:00.000Z', '2026-03-17T01:00:00.000Z']);
    // Without a time of day the reminders fall at the exact shares (the rows above).
    expect(planDeadline(at('2026-03-02T09:00:00+08:00'), acceptance(), china).reminders.map(iso)).not.toContain('2026-03-13T01:00:00.000Z');
  });

  it('takes a reminder falling in the National Day holiday back to the last working day before it', () => {
    // 5 working days from Tue 09-29 10:00: last day Mon 10-12; 50% falls Tue 10-06, a holiday: Wed 09-30 09:00.
    const plan = planDeadline(at('2026-09-29T10:00:00+08:00'), workingDays(5, ['50%', '-P1D']), china, nine);
    expect(plan.reminders.map(iso)).toEqual(['2026-09-30T01:00:00.000Z', '2026-10-12T01:00:00.000Z']);
  });

  it('moves a reminder forward to the next working day when 09:00 of its day came before the clock started', () => {
    const plan = planDeadline(
      at('2026-03-02T15:00:00+08:00'),
      { duration: 'P1D', calendar: 'calendar-days', reminders: ['10%'] },
      china,
      nine,
    );
    expect(plan.reminders.map(iso)).toEqual(['2026-03-03T01:00:00.000Z']);
  });

  it('takes the time of day from the policy, and leaves clocks finer than a day exact', () => {
    const plan = planDeadline(at('2026-03-02T09:00:00+08:00'), acceptance(['-P1D']), china, '08:30');
    expect(plan.reminders.map(iso)).toEqual(['2026-03-17T00:30:00.000Z']);
    const short = planDeadline(at('2026-03-02T09:00:00+08:00'), { duration: 'PT2S', calendar: 'elapsed', reminders: ['50%'] }, china, nine);
    expect(short.reminders.map(iso)).toEqual(['2026-03-02T01:00:01.000Z']);
  });
});
