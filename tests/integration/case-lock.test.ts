/**
 * The command lock reads a case's deadlines in the statement that takes the
 * lock. A statement that waited for the lock sees other tables as of its own
 * start, so when the command it waited for changed the case, the deadlines are
 * read again: the locked case must carry the rows as they are under the lock.
 */
import { sql } from 'kysely';
import { lockCase } from '../../db/case.repository';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { V2_POLICY } from '../support/test-server';
import { waitFor } from '../support/wait-for';

jest.setTimeout(60_000);

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('case_lock');
});
afterAll(async () => {
  await tdb.drop();
});

/** Whether a statement of this database waits for a row lock now. */
async function someoneWaitsForALock(): Promise<true | undefined> {
  const { rows } = await tdb.ownerPool.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return (rows[0]?.n ?? 0) > 0 ? true : undefined;
}

describe('lockCase', () => {
  it('reads the case with its deadlines as stored, oldest first', async () => {
    const engine = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar: createChinaCalendar(), now: fakeClock().now });
    const { id } = await engine.intake(intakeBody(), actor('clerk'));
    const locked = await tdb.db.transaction().execute((trx) => lockCase(trx, id));
    const stored = await tdb.db.selectFrom('deadlines').select(['id', 'clock']).where('case_id', '=', id).execute();
    expect(locked?.version).toBe(1);
    expect(locked?.deadlines.map((d) => [d.id, d.clock])).toEqual(stored.map((d) => [String(d.id), d.clock]));
    expect(locked?.deadlines[0]?.dueAt).toBeInstanceOf(Date);
  });

  it('gives the deadlines as the command it waited for left them', async () => {
    const engine = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar: createChinaCalendar(), now: fakeClock().now });
    const { id } = await engine.intake(intakeBody(), actor('clerk'));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    // The first transaction holds the lock, adds a deadline row and bumps the version, as a command's write does.
    const first = tdb.db.transaction().execute(async (trx) => {
      await lockCase(trx, id);
      await sql`update cases set version = version + 1 where id = ${id}`.execute(trx);
      await sql`insert into deadlines (case_id, clock, generation, status, calendar, duration, on_breach, started_at, due_at, reminders, updated_at)
        values (${id}, 'handling', 1, 'pending', 'working', 'P60D', 'flag', now(), now() + interval '60 days', '[]', now())`.execute(trx);
      written();
      await held;
    });
    await wrote;
    const second = tdb.db.transaction().execute((trx) => lockCase(trx, id));
    await waitFor('the second lock to wait', someoneWaitsForALock);
    release();
    await first;
    const locked = await second;
    expect(locked?.version).toBe(2);
    expect(locked?.deadlines.map((d) => d.clock).sort()).toEqual(['acceptance', 'handling']);
  });
});
