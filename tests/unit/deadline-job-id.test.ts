/**
 * Timer job ids (workers/queues.ts): `deadlineJobId` names a deadline row, the
 * kind of fire (r: a reminder, b: the breach) and the fire second, and
 * `parseDeadlineJobId` reads exactly that back and nothing else. BullMQ
 * refuses custom ids that are integers or contain ':'.
 */
import fc from 'fast-check';
import { deadlineJobId, parseDeadlineJobId } from '../../workers/queues';

/** 2020-01-01 .. 2100-01-01: any time a statutory clock can run in. */
const MIN_MS = Date.UTC(2020, 0, 1);
const MAX_MS = Date.UTC(2100, 0, 1);
const timeArb = fc.integer({ min: MIN_MS, max: MAX_MS });
/** Row ids: bigserial values up to the largest a JavaScript number holds exactly. */
const rowIdArb = fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }));

const row = (id: number | string, dueMs: number, nextMs: number | null) => ({
  id: String(id),
  dueAt: new Date(dueMs),
  nextFireAt: nextMs === null ? null : new Date(nextMs),
});

describe('deadlineJobId', () => {
  it('spells row id and fire second in base 36, b for the breach and r for a reminder', () => {
    // The example of the doc comment: deadline 100,000, breach at 2026-03-01T00:00:00Z.
    const due = Date.UTC(2026, 2, 1);
    expect(deadlineJobId(row(100_000, due, due))).toBe(`255s.b${(due / 1000).toString(36)}`);
    expect(deadlineJobId(row(100_000, due, null))).toBe(`255s.b${(due / 1000).toString(36)}`);
    expect(deadlineJobId(row(1, due, due - 86_400_000))).toBe(`1.r${((due - 86_400_000) / 1000).toString(36)}`);
    // A fire time a millisecond before the due time is a reminder, in the same second rounded down.
    expect(deadlineJobId(row(35, due, due - 1))).toBe(`z.r${(due / 1000 - 1).toString(36)}`);
  });

  it('round-trips through parseDeadlineJobId: row id, kind and the fire time to the second', () => {
    fc.assert(
      fc.property(rowIdArb, timeArb, fc.option(timeArb, { nil: null }), fc.boolean(), (id, dueMs, otherMs, atDue) => {
        const nextMs = atDue ? dueMs : otherMs;
        const r = row(id, dueMs, nextMs);
        const fireMs = nextMs ?? dueMs;
        const parsed = parseDeadlineJobId(deadlineJobId(r));
        expect(parsed).toEqual({
          deadlineId: String(id),
          kind: fireMs === dueMs ? 'breach' : 'reminder',
          fireAt: new Date(Math.floor(fireMs / 1000) * 1000),
        });
      }),
      { numRuns: 500 },
    );
  });

  it('never contains ":" and is never an integer (BullMQ refuses both)', () => {
    fc.assert(
      fc.property(rowIdArb, timeArb, fc.option(timeArb, { nil: null }), (id, dueMs, nextMs) => {
        const jobId = deadlineJobId(row(id, dueMs, nextMs));
        expect(jobId).not.toContain(':');
        // BullMQ's own test: `${parseInt(id, 10)}` === id.
        expect(`${parseInt(jobId, 10)}`).not.toBe(jobId);
        expect(Number.isNaN(Number(jobId))).toBe(true);
        expect(jobId).toMatch(/^[0-9a-z]+\.[rb][0-9a-z]+$/);
        // Short enough for Redis's listpack encoding of the job hash (every field under 64 bytes).
        expect(jobId.length).toBeLessThan(64);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a moved timer a new id, and the reminder and breach of one second different ids', () => {
    const due = Date.UTC(2026, 5, 15, 8);
    const reminder = deadlineJobId(row(7, due, due - 3_600_000));
    const moved = deadlineJobId(row(7, due, due - 1_800_000));
    const breach = deadlineJobId(row(7, due, due));
    expect(new Set([reminder, moved, breach]).size).toBe(3);
    // Two rows, same times: different ids.
    expect(deadlineJobId(row(8, due, due))).not.toBe(breach);
  });
});

describe('parseDeadlineJobId', () => {
  it.each([
    ['a bare integer', '12'],
    ['a colon', 'a:b'],
    ['a colon in an otherwise good id', '1:2.b1'],
    ['an unknown kind', 'x.q1'],
    ['an upper-case kind', '1.B1'],
    ['upper-case digits', 'A.b1'],
    ['no fire time', '1.b'],
    ['no row id', '.b1'],
    ['no dot', '1b1'],
    ['two dots', '1.b1.b1'],
    ['a uuid', '0b6a3c8e-2f1d-4c55-9a7e-3d2b1f0e9c11'],
    ['a uuid-ish timer id', '0b6a3c8e2f1d4c55.b1'],
    ['a notification id', 'nt.0b6a3c8e-2f1d-4c55-9a7e-3d2b1f0e9c11.2'],
    ['a row id of 13 digits', `${'1'.repeat(13)}.b1`],
    ['a fire time of 9 digits', `1.b${'1'.repeat(9)}`],
    ['a very long id', `${'z'.repeat(200)}.b${'z'.repeat(200)}`],
    ['row 0', '0.b1'],
    ['row 0 spelled long', '000000000000.b1'],
    ['a row id beyond safe integers', 'zzzzzzzzzzzz.b1'],
    ['a leading space', ' 1.b1'],
    ['a trailing space', '1.b1 '],
    ['a trailing newline', '1.b1\n'],
    ['a sign', '-1.b1'],
    ['the empty string', ''],
  ])('reads %s as undefined', (_what, id) => {
    expect(parseDeadlineJobId(id)).toBeUndefined();
  });

  it('reads undefined as undefined', () => {
    expect(parseDeadlineJobId(undefined)).toBeUndefined();
  });

  it('reads any string that is not of the form as undefined', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        fc.pre(!/^[0-9a-z]{1,12}\.[rb][0-9a-z]{1,8}$/.test(s));
        expect(parseDeadlineJobId(s)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('reads the largest row id and fire time it accepts', () => {
    expect(parseDeadlineJobId(`${Number.MAX_SAFE_INTEGER.toString(36)}.rzzzzzzzz`)).toEqual({
      deadlineId: String(Number.MAX_SAFE_INTEGER),
      kind: 'reminder',
      fireAt: new Date(parseInt('zzzzzzzz', 36) * 1000),
    });
  });
});
