/**
 * Concurrent commands on one case: the row lock serialises them, optimistic
 * concurrency lets exactly one of a racing group win, and the trail stays a
 * gapless, hash-chained sequence that replays to the stored snapshot.
 */
import { V2_POLICY } from '../support/test-server';
import { listEvents } from '../../db/case-event.repository';
import { createAuditService } from '../../engine/audit.service';
import { PetitionError } from '../../engine/errors';
import { createPetitionEngine, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { fireTimer } from '../support/fire-timer';

jest.setTimeout(60_000);

const N = 20;
let tdb: TestDatabase;
let engine: PetitionEngine;
const clock = fakeClock();

beforeAll(async () => {
  tdb = await createTestDatabase('concurrency');
  // Enough connections that the racing commands really run side by side and queue on the row lock, not on the pool.
  expect(tdb.pool.options.max).toBeGreaterThanOrEqual(10);
  engine = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar: createChinaCalendar(), now: clock.now });
});
afterAll(async () => {
  await tdb.drop();
});

/** A case in mediation: intake, VERIFY, ASSIGN, START_MEDIATION (version 4). */
async function mediatedCase(): Promise<string> {
  const { id } = await engine.intake(intakeBody(), actor('clerk'));
  await engine.dispatch(id, { type: 'VERIFY' }, actor('clerk'));
  await engine.dispatch(id, { type: 'ASSIGN', unit: '411621', handler: '李某' }, actor('clerk'));
  const view = await engine.dispatch(id, { type: 'START_MEDIATION', level: 'village' }, actor('handler'));
  expect(view).toMatchObject({ state: 'mediated', version: 4 });
  return id;
}

function codeOf(outcome: PromiseSettledResult<unknown>): string {
  if (outcome.status === 'fulfilled') return 'ok';
  const err: unknown = outcome.reason;
  if (err instanceof PetitionError) return err.code;
  throw err;
}

describe('concurrent dispatches on one case', () => {
  it(`${N} racing copies of one command with the same expectedVersion: one wins, ${N - 1} get VERSION_CONFLICT`, async () => {
    const id = await mediatedCase();
    const audit = createAuditService(tdb.db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: N }, (_, i) =>
        engine.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: '村委会调解' }, actor('mediator', '411621', `mediator-${i}`), {
          expectedVersion: 4,
        }),
      ),
    );
    // The race was real: several connections were open at once, queuing on the case's row lock.
    expect(tdb.pool.totalCount).toBeGreaterThan(1);
    const codes = outcomes.map(codeOf);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'VERSION_CONFLICT')).toHaveLength(N - 1);
    const winner = outcomes.find((o) => o.status === 'fulfilled');
    expect(winner?.status === 'fulfilled' && winner.value).toMatchObject({ version: 5, mediation: { sessions: 1 } });
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(o.reason).toMatchObject({ details: { expectedVersion: 4, actualVersion: 5 } });
    }

    const events = await listEvents(tdb.db, id);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.filter((e) => e.type === 'RECORD_MEDIATION_SESSION')).toHaveLength(1);
    const replay = await audit.replay(id);
    expect(replay.matchesStored).toBe(true);
    expect(replay.steps).toHaveLength(5);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
  });

  it(`${N} racing VERIFYs of a new case with expectedVersion 1: one wins, the rest conflict, one acceptance`, async () => {
    const { id } = await engine.intake(intakeBody({ channel: 'visit' }), actor('clerk'));
    const audit = createAuditService(tdb.db);
    const outcomes = await Promise.allSettled(
      Array.from({ length: N }, (_, i) =>
        engine.dispatch(id, { type: 'VERIFY', note: `受理 ${i}` }, actor('clerk', '411621', `clerk-${i}`), { expectedVersion: 1 }),
      ),
    );
    const codes = outcomes.map(codeOf);
    expect(codes.filter((c) => c === 'ok')).toHaveLength(1);
    expect(codes.filter((c) => c === 'VERSION_CONFLICT')).toHaveLength(N - 1);
    const replay = await audit.replay(id);
    expect(replay.steps.map((s) => [s.seq, s.type])).toEqual([
      [1, 'INTAKE'],
      [2, 'VERIFY'],
    ]);
    expect(replay.matchesStored).toBe(true);
    // One handling clock started, not twenty.
    const { rows } = await tdb.pool.query<{ clock: string; generation: number }>(
      'select clock, generation from deadlines where case_id = $1 order by id',
      [id],
    );
    expect(rows).toEqual([
      { clock: 'acceptance', generation: 1 },
      { clock: 'handling', generation: 1 },
    ]);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
  });

  it(`${N} different valid commands without expectedVersion: all succeed, seqs contiguous, replay matches`, async () => {
    const id = await mediatedCase();
    const audit = createAuditService(tdb.db);
    const notes = Array.from({ length: N }, (_, i) => `第${i + 1}次调解`);
    const views = await Promise.all(
      notes.map((note, i) => engine.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note }, actor('mediator', '411621', `mediator-${i}`))),
    );
    // Each command saw its own version: 5..24, each exactly once.
    expect(views.map((v) => v.version).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => 5 + i));
    expect(views.map((v) => (v.mediation as { sessions: number } | null)?.sessions).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: N }, (_, i) => i + 1),
    );

    const events = await listEvents(tdb.db, id);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 4 + N }, (_, i) => i + 1));
    const sessions = events.filter((e) => e.type === 'RECORD_MEDIATION_SESSION');
    expect(sessions.map((e) => e.fields.note).sort()).toEqual([...notes].sort());
    // Each entry links to the one before it.
    for (let i = 1; i < events.length; i += 1) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);

    const replay = await audit.replay(id);
    expect(replay.matchesStored).toBe(true);
    expect(replay.steps.map((s) => s.seq)).toEqual(events.map((e) => e.seq));
    const { rows } = await tdb.pool.query<{ version: number; sessions: number }>(
      `select version, (snapshot #>> '{context,mediation,sessions}')::int as sessions from cases where id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({ version: 4 + N, sessions: N });
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
  });

  it('racing commands, timers and refusals across several cases keep every trail gapless', async () => {
    const ids = await Promise.all([mediatedCase(), mediatedCase(), mediatedCase()]);
    const audit = createAuditService(tdb.db);
    // Just past the handling clock's first reminder (50% of P60D), well before its second (80%).
    const { rows } = await tdb.pool.query<{ next: Date }>(
      `select max(next_fire_at) as next from deadlines where case_id = any($1) and clock = 'handling' and generation = 1`,
      [ids],
    );
    const firstReminder = rows[0]?.next;
    if (firstReminder == null) throw new Error('no handling deadline');
    clock.set(new Date(firstReminder.getTime() + 60_000).toISOString());
    const work = ids.flatMap((id, c) =>
      Array.from({ length: N }, (_, i): Promise<string> => {
        if (i % 5 === 0) return fireTimer(engine, tdb.db, id, 'handling', 1);
        if (i % 7 === 0)
          return engine.dispatch(id, { type: 'DELIVER', method: 'post' }, actor('clerk')).then(
            () => 'ok',
            (e: PetitionError) => e.code,
          );
        return engine.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: `案${c} 第${i}次` }, actor('mediator')).then(() => 'ok');
      }),
    );
    const results = await Promise.all(work);
    // Per case: of 4 racing timer deliveries one sends the reminder and 3 find nothing due yet;
    // 2 DELIVERs are refused (not allowed in mediation); 14 sessions are recorded.
    const count = (r: string) => results.filter((x) => x === r).length;
    expect([count('reminded'), count('early'), count('EVENT_NOT_ALLOWED'), count('ok')]).toEqual([3, 3 * 3, 3 * 2, 3 * 14]);
    for (const id of ids) {
      const replay = await audit.replay(id);
      expect(replay.matchesStored).toBe(true);
      expect(replay.steps.map((s) => s.seq)).toEqual(Array.from({ length: 4 + 1 + 14 }, (_, i) => i + 1));
      expect(replay.steps.filter((s) => s.type === 'DEADLINE_REMINDER')).toHaveLength(1);
    }
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
  });
});
