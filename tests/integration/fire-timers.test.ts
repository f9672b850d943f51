/**
 * engine.fireTimers on the real PostgreSQL: many deadline timers (by row id)
 * in one transaction per round, a second timer of a case deferred to the next
 * round, and every id answered (reminded, breached, early, stale). Then eight
 * overlapping callers at once on a pool of 10: each reminder and breach is
 * recorded exactly once, and nobody deadlocks.
 */
import { V2_POLICY } from '../support/test-server';
import { listCaseIds } from '../support/case-ids';
import { listEvents } from '../../db/case-event.repository';
import { findDeadline, findDeadlineById, listDeadlines, type DeadlineRecord } from '../../db/deadline.repository';
import { createAuditService } from '../../engine/audit.service';
import { createPetitionEngine, type CommittedChange, type PetitionEngine, type TimerOutcome } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { prng } from '../support/prng';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here.
jest.setTimeout(60_000);

const HOUR = 3_600_000;
const clerk = actor('clerk');
const supervisor = actor('supervisor');

let tdb: TestDatabase;
let engine: PetitionEngine;
const clock = fakeClock('2026-03-02T01:00:00.000Z');
/** Every change the engine reported after a commit, in order. */
const committed: CommittedChange[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('fire_timers');
  engine = createPetitionEngine({
    db: tdb.db,
    policy: V2_POLICY,
    calendar: createChinaCalendar(),
    now: clock.now,
    onCommitted: (change) => {
      committed.push(change);
    },
  });
});
afterAll(async () => {
  await tdb?.drop();
});

async function intake(): Promise<string> {
  return (await engine.intake(intakeBody(), clerk)).id;
}

async function deadlineOf(caseId: string, clockName: string, generation = 1): Promise<DeadlineRecord> {
  const row = await findDeadline(tdb.db, caseId, clockName, generation);
  if (row === undefined) throw new Error(`case ${caseId} has no ${clockName} deadline of generation ${generation}`);
  return row;
}

/** The latest due time of these deadlines plus an hour: every reminder and breach of theirs is due then. */
function pastAll(rows: readonly DeadlineRecord[]): string {
  return new Date(Math.max(...rows.map((r) => r.dueAt.getTime())) + HOUR).toISOString();
}

/** Each case's trail is numbered 1..n without a gap, and replays to the stored snapshot. */
async function expectSoundTrails(caseIds: readonly string[]): Promise<void> {
  const audit = createAuditService(tdb.db);
  for (const id of caseIds) {
    const events = await listEvents(tdb.db, id);
    expect({ id, seqs: events.map((e) => e.seq) }).toEqual({ id, seqs: events.map((_, i) => i + 1) });
    const replay = await audit.replay(id);
    expect({ id, matchesStored: replay.matchesStored, refused: replay.steps.filter((s) => !s.accepted).map((s) => s.seq) }).toEqual({
      id,
      matchesStored: true,
      refused: [],
    });
  }
}

async function typesOf(caseId: string): Promise<string[]> {
  return (await listEvents(tdb.db, caseId)).map((e) => (e.type.startsWith('DEADLINE_') ? `${e.type}:${String(e.fields.clock)}` : e.type));
}

describe('fireTimers: one batch of mixed timers', () => {
  let a1: string, a2: string, a3: string, a4: string, esc: string, stopped: string, restarted: string, late: string;
  let acc: Record<string, DeadlineRecord>;
  let supervisionOfEsc: DeadlineRecord;
  let oldSupervision: DeadlineRecord;
  let lateAcceptance: DeadlineRecord;
  let outcomes: Map<string, TimerOutcome>;
  let before: Map<string, DeadlineRecord>;
  let ids: string[];

  beforeAll(async () => {
    a1 = await intake();
    a2 = await intake();
    a3 = await intake();
    a4 = await intake();
    esc = await intake();
    stopped = await intake();
    restarted = await intake();
    clock.advance(HOUR);
    // 督办 with a deadline from `received`: the acceptance clock keeps running next to a supervision clock.
    await engine.dispatch(esc, { type: 'ESCALATE', reason: '挂牌督办', dueIn: 'P5D' }, supervisor);
    // 受理: the acceptance clock is met (stopped).
    await engine.dispatch(stopped, { type: 'VERIFY' }, clerk);
    // A supervision clock restarted: generation 1 is cancelled, generation 2 runs.
    await engine.dispatch(restarted, { type: 'ESCALATE', reason: '督办', dueIn: 'P3D' }, supervisor);
    await engine.dispatch(restarted, { type: 'ESCALATE', reason: '再次督办', dueIn: 'P4D' }, supervisor);

    acc = {};
    for (const id of [a1, a2, a3, a4, esc, stopped]) acc[id] = await deadlineOf(id, 'acceptance');
    supervisionOfEsc = await deadlineOf(esc, 'supervision');
    oldSupervision = await deadlineOf(restarted, 'supervision', 1);
    expect(oldSupervision.status).toBe('cancelled');
    expect((await deadlineOf(restarted, 'supervision', 2)).status).toBe('pending');
    expect(acc[stopped]?.status).toBe('met');
    expect(acc[esc]?.status).toBe('pending');
    expect(supervisionOfEsc.status).toBe('pending');

    // Past every acceptance deadline (and the supervision one, due days earlier).
    clock.set(pastAll(Object.values(acc)));
    // Case a2 has had its three reminders already: its next fire is the breach.
    const a2Id = acc[a2]?.id ?? '';
    for (let i = 0; i < 3; i++) expect((await engine.fireTimers([a2Id])).get(a2Id)).toBe('reminded');
    // A case recorded just now: its acceptance clock has only started.
    late = await intake();
    lateAcceptance = await deadlineOf(late, 'acceptance');

    before = new Map<string, DeadlineRecord>();
    for (const row of [...Object.values(acc), supervisionOfEsc, oldSupervision, lateAcceptance]) {
      const fresh = await findDeadlineById(tdb.db, row.id);
      if (fresh !== undefined) before.set(row.id, fresh);
    }
    ids = [
      acc[a1]?.id ?? '',
      acc[a2]?.id ?? '',
      acc[a3]?.id ?? '',
      acc[a4]?.id ?? '',
      acc[esc]?.id ?? '',
      acc[a1]?.id ?? '', // the same timer twice
      supervisionOfEsc.id, // a second timer of case esc: the next round
      'abc',
      '999999999',
      acc[stopped]?.id ?? '',
      oldSupervision.id,
      lateAcceptance.id,
      '0',
      '-5',
      '01',
      '1e3',
      ' 12',
      '',
    ];
    committed.length = 0;
    outcomes = await engine.fireTimers(ids);
  });

  it('answers every distinct id, each with its own outcome', () => {
    const outcomeOf = (id: string | undefined) => outcomes.get(id ?? 'missing');
    expect(outcomeOf(acc[a1]?.id)).toBe('reminded');
    expect(outcomeOf(acc[a2]?.id)).toBe('breached');
    expect(outcomeOf(acc[a3]?.id)).toBe('reminded');
    expect(outcomeOf(acc[a4]?.id)).toBe('reminded');
    expect(outcomeOf(acc[esc]?.id)).toBe('reminded');
    expect(outcomeOf(supervisionOfEsc.id)).toBe('reminded');
    expect(outcomeOf(lateAcceptance.id)).toBe('early');
    for (const stale of ['abc', '999999999', acc[stopped]?.id, oldSupervision.id, '0', '-5', '01', '1e3', ' 12', '']) {
      expect({ id: stale, outcome: outcomeOf(stale) }).toEqual({ id: stale, outcome: 'stale' });
    }
    expect(outcomes.size).toBe(new Set(ids).size);
  });

  it('records one event per fired timer, the duplicate once, and the deferred one after the first', async () => {
    expect(await typesOf(a1)).toEqual(['INTAKE', 'DEADLINE_REMINDER:acceptance']);
    expect(await typesOf(a2)).toEqual([
      'INTAKE',
      'DEADLINE_REMINDER:acceptance',
      'DEADLINE_REMINDER:acceptance',
      'DEADLINE_REMINDER:acceptance',
      'DEADLINE_BREACHED:acceptance',
    ]);
    expect(await typesOf(a3)).toEqual(['INTAKE', 'DEADLINE_REMINDER:acceptance']);
    expect(await typesOf(esc)).toEqual(['INTAKE', 'ESCALATE', 'DEADLINE_REMINDER:acceptance', 'DEADLINE_REMINDER:supervision']);
    expect(await typesOf(stopped)).toEqual(['INTAKE', 'VERIFY']);
    expect(await typesOf(restarted)).toEqual(['INTAKE', 'ESCALATE', 'ESCALATE']);
    expect(await typesOf(late)).toEqual(['INTAKE']);
    // The reminder recorded is the first one of the row, by the system.
    const [, reminder] = await listEvents(tdb.db, a1);
    expect(reminder?.fields).toEqual({ clock: 'acceptance', generation: 1, reminder: acc[a1]?.reminders[0]?.toISOString() });
    expect(reminder?.actor).toEqual({ id: 'deadline-worker', role: 'system', unit: '000000' });
    expect(reminder?.at).toBe(clock.now().toISOString());
  });

  it('leaves the deadline rows as the events say', async () => {
    const a1Row = await findDeadlineById(tdb.db, acc[a1]?.id ?? '');
    expect(a1Row).toMatchObject({ status: 'pending', remindersSent: 1, nextFireAt: acc[a1]?.reminders[1] });
    expect(await findDeadlineById(tdb.db, acc[a2]?.id ?? '')).toMatchObject({ status: 'breached', remindersSent: 3, nextFireAt: null });
    expect(await findDeadlineById(tdb.db, supervisionOfEsc.id)).toMatchObject({ status: 'pending', remindersSent: 1 });
    // Untouched rows are as they were.
    for (const row of [acc[stopped], oldSupervision, lateAcceptance]) {
      expect(await findDeadlineById(tdb.db, row?.id ?? '')).toEqual(before.get(row?.id ?? ''));
    }
    const a2Case = await tdb.db.selectFrom('cases').select(['state', 'version', 'listed']).where('id', '=', a2).executeTakeFirstOrThrow();
    expect(a2Case).toEqual({ state: 'escalated', version: 5, listed: true });
  });

  it('calls onCommitted once per committed event, with the deadline rows it wrote', async () => {
    expect(committed.map((c) => c.caseId).sort()).toEqual([a1, a2, a3, a4, esc, esc].sort());
    // The second timer of case esc committed in a later round, after the first.
    const escChanges = committed.filter((c) => c.caseId === esc);
    expect(escChanges.map((c) => [c.event.seq, c.event.fields.clock])).toEqual([
      [3, 'acceptance'],
      [4, 'supervision'],
    ]);
    for (const change of committed) {
      const events = await listEvents(tdb.db, change.caseId);
      expect(change.event).toEqual(events.find((e) => e.seq === change.event.seq));
      const stored = await tdb.db.selectFrom('cases').select('state').where('id', '=', change.caseId).executeTakeFirstOrThrow();
      // The last change of a case leaves it in the state it is stored in.
      if (change === committed.filter((c) => c.caseId === change.caseId).at(-1)) expect(change.state).toBe(stored.state);

      // One deadline row each: the one whose timer fired, as written, with the row as it was before.
      expect(change.deadlines).toHaveLength(1);
      const [touched] = change.deadlines;
      const firedId =
        change.caseId === esc ? (change.event.fields.clock === 'supervision' ? supervisionOfEsc.id : acc[esc]?.id) : acc[change.caseId]?.id;
      expect(touched?.row.id).toBe(firedId);
      expect(touched?.previous).toEqual(before.get(firedId ?? ''));
      const now = await findDeadlineById(tdb.db, firedId ?? '');
      expect(touched?.row).toEqual(now);
      if (change.event.type === 'DEADLINE_REMINDER') {
        expect(touched?.row.remindersSent).toBe((touched?.previous?.remindersSent ?? -1) + 1);
        expect(touched?.row.status).toBe('pending');
      } else {
        expect(change.event.type).toBe('DEADLINE_BREACHED');
        expect(touched?.row).toMatchObject({ status: 'breached', nextFireAt: null });
        expect(change.state).toBe('escalated');
      }
    }
  });

  it('fires the rest, one event per call, until each deadline breached once', async () => {
    const pending = [a1, a3, a4, esc].map((id) => acc[id]?.id ?? '').concat(supervisionOfEsc.id);
    const seen = new Map<string, TimerOutcome[]>(pending.map((id) => [id, []]));
    for (let round = 0; round < 8; round++) {
      const out = await engine.fireTimers(pending);
      for (const id of pending) seen.get(id)?.push(out.get(id) ?? 'stale');
      if ([...out.values()].every((o) => o === 'stale')) break;
    }
    // Acceptance: three reminders (one already sent) then the breach; supervision: two reminders (one sent) then the breach.
    for (const id of [a1, a3, a4, esc]) {
      expect(seen.get(acc[id]?.id ?? '')?.filter((o) => o !== 'stale')).toEqual(['reminded', 'reminded', 'breached']);
    }
    // Its reminders fall at 09:00 of a working day, so its 50% and 80% may share one: the rest of them, then the breach.
    const remindersLeft = supervisionOfEsc.reminders.length - 1;
    expect(seen.get(supervisionOfEsc.id)?.filter((o) => o !== 'stale')).toEqual([
      ...Array<string>(remindersLeft).fill('reminded'),
      'breached',
    ]);
    // One event per deadline a round, the acceptance clock's first: the two lists zipped.
    const acceptanceRest = ['DEADLINE_REMINDER:acceptance', 'DEADLINE_REMINDER:acceptance', 'DEADLINE_BREACHED:acceptance'];
    const supervisionRest = [...Array<string>(remindersLeft).fill('DEADLINE_REMINDER:supervision'), 'DEADLINE_BREACHED:supervision'];
    const zipped = Array.from({ length: Math.max(acceptanceRest.length, supervisionRest.length) }, (_, i) => [
      acceptanceRest[i],
      supervisionRest[i],
    ]).flat();
    expect(await typesOf(esc)).toEqual([
      'INTAKE',
      'ESCALATE',
      'DEADLINE_REMINDER:acceptance',
      'DEADLINE_REMINDER:supervision',
      ...zipped.filter((t): t is string => t !== undefined),
    ]);
  });

  it('keeps every trail gapless, hash-chained and replayable', async () => {
    await expectSoundTrails([a1, a2, a3, a4, esc, stopped, restarted, late]);
    const total = await tdb.db
      .selectFrom('case_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(await createAuditService(tdb.db).verifyAudit()).toEqual({ ok: true, checked: Number(total.n), cases: 8 });
  });

  // A 19-digit id above 2^63 - 1 would make PostgreSQL refuse the whole query, and the batch's other timers with it.
  it('answers an id beyond the bigint range as stale, like any id naming no deadline', async () => {
    const other = await intake();
    const row = await deadlineOf(other, 'acceptance');
    clock.set(new Date(row.dueAt.getTime() + HOUR).toISOString());
    // 19 digits (passes the engine's shape check) but above 2^63 - 1.
    const tooBig = '9999999999999999999';
    const out = await engine.fireTimers([tooBig, row.id]).catch((err: unknown) => err);
    expect(out).toEqual(
      new Map<string, TimerOutcome>([
        [tooBig, 'stale'],
        [row.id, 'reminded'],
      ]),
    );
  });
});

describe('fireTimers: eight overlapping callers at once', () => {
  it('records each reminder and breach exactly once, without a deadlock', async () => {
    expect(tdb.pool.options.max).toBe(10);
    clock.set('2026-06-01T01:00:00.000Z');
    const caseIds: string[] = [];
    for (let i = 0; i < 24; i++) caseIds.push(await intake());
    // A third of them also run a supervision clock: two timers of one case in the same call.
    clock.advance(HOUR);
    for (const id of caseIds.slice(0, 8)) await engine.dispatch(id, { type: 'ESCALATE', reason: '督办', dueIn: 'P6D' }, supervisor);
    const rows = (await Promise.all(caseIds.map((id) => listDeadlines(tdb.db, id)))).flat();
    expect(rows).toHaveLength(24 + 8);
    clock.set(pastAll(rows));
    const expectedReminders = rows.reduce((n, r) => n + r.reminders.length, 0);
    committed.length = 0;

    const rnd = prng(20260601);
    const callers = Array.from({ length: 8 }, (_, k) => {
      // Overlapping sets: each caller takes about two thirds of the timers, in its own order.
      const mine = rows.filter((_, i) => (i + k) % 3 !== 0).map((r) => r.id);
      for (let i = mine.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [mine[i], mine[j]] = [mine[j] ?? '', mine[i] ?? ''];
      }
      return mine;
    });
    const tally = { reminded: 0, breached: 0, early: 0, stale: 0 };
    await Promise.all(
      callers.map(async (mine) => {
        for (let pass = 0; pass < 20; pass++) {
          const out = await engine.fireTimers(mine);
          for (const o of out.values()) tally[o] += 1;
          if ([...out.values()].every((o) => o === 'stale')) return;
        }
        throw new Error('a caller still had timers to fire after 20 passes');
      }),
    );

    // Every timer is in some caller's set, so every deadline ran out; each caller's "reminded"/"breached" is one event.
    expect(tally.early).toBe(0);
    expect(tally.reminded).toBe(expectedReminders);
    expect(tally.breached).toBe(rows.length);
    expect(committed).toHaveLength(expectedReminders + rows.length);

    for (const row of rows) {
      const events = (await listEvents(tdb.db, row.caseId)).filter((e) => e.type.startsWith('DEADLINE_') && e.fields.clock === row.clock);
      expect({
        deadline: `${row.caseId}/${row.clock}`,
        fired: events.map((e) => (e.type === 'DEADLINE_BREACHED' ? 'breach' : e.fields.reminder)),
      }).toEqual({
        deadline: `${row.caseId}/${row.clock}`,
        fired: [...row.reminders.map((t) => t.toISOString()), 'breach'],
      });
      expect(await findDeadlineById(tdb.db, row.id)).toMatchObject({
        status: 'breached',
        remindersSent: row.reminders.length,
        nextFireAt: null,
      });
    }
    await expectSoundTrails(caseIds);
    const all = await listCaseIds(tdb.db);
    expect(await createAuditService(tdb.db).verifyAudit()).toMatchObject({ ok: true, cases: all.length });
  });
});
