/**
 * Migration 0016 (compact trail) on a database with cases in it: down to 0015 gives the hex columns and the stored
 * previous hash back (each entry's, derived from the entry before it), and up again rebuilds the trail table from
 * them: every case still verifies in both modes, its history reads as before, and the append-only guard is back.
 */
import { sql, type Kysely } from 'kysely';
import { listEvents } from '../../db/case-event.repository';
import { setUpAppRole } from '../../db/database-roles';
import { createMigrator } from '../../db/migrator';
import { GENESIS_HASH } from '../../engine/audit-hash';
import { createAuditService } from '../../engine/audit.service';
import { actor, fakeClock, intakeBody, legacyEngine } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
const ids: string[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('compact_trail');
  const clock = fakeClock('2026-03-02T01:00:00.000Z');
  const e = legacyEngine(tdb.db, clock.now);
  for (let i = 0; i < 3; i += 1) {
    const { id } = await e.intake(intakeBody(), actor('clerk'));
    await e.dispatch(id, { type: 'VERIFY' }, actor('clerk'));
    if (i > 0) await e.dispatch(id, { type: 'ASSIGN', unit: '411621', handler: '李某' }, actor('clerk'));
    ids.push(id);
  }
}, 60_000);
afterAll(async () => {
  await tdb?.drop();
});

describe('migration 0016-compact-trail', () => {
  it('goes down and up again with the cases in it, and every case verifies and reads as before', async () => {
    const owner = tdb.ownerDb as unknown as Kysely<unknown>;
    const before = await Promise.all(ids.map((id) => listEvents(tdb.db, id)));
    const migrator = createMigrator(owner);

    expect((await migrator.migrateTo('0015-attachments')).error).toBeUndefined();
    const { rows } = await sql<{ case_id: string; seq: number; prev_hash: string; hash: string; last_hash: string }>`
      select e.case_id, e.seq, e.prev_hash, e.hash, c.last_hash from case_events e join cases c on c.id = e.case_id
      order by e.case_id, e.seq`.execute(owner);
    for (const trail of before) {
      for (const entry of trail) {
        const row = rows.find((r) => r.case_id === entry.caseId && r.seq === entry.seq);
        expect(row).toMatchObject({ prev_hash: entry.seq === 1 ? GENESIS_HASH : entry.prevHash, hash: entry.hash });
        expect(row?.last_hash).toBe(trail.at(-1)?.hash);
      }
    }

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    // The trail table is new: the application role gets its rights on it as `migrate --admin-url` gives them.
    await setUpAppRole(owner, { role: tdb.appRole });
    expect(await Promise.all(ids.map((id) => listEvents(tdb.db, id)))).toEqual(before);
    const audit = createAuditService(tdb.db);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true, cases: ids.length });
    expect(await audit.verifyAudit(undefined, { mode: 'replay' })).toMatchObject({ ok: true, cases: ids.length });
    await expect(sql`delete from case_events where case_id = ${ids[0]}`.execute(tdb.ownerDb)).rejects.toThrow(/append-only/);
    await expect(sql`update case_events set type = 'X' where case_id = ${ids[0]}`.execute(tdb.ownerDb)).rejects.toThrow(/append-only/);
    // The application role is granted reading and appending only, on the new table as on the old.
    await expect(sql`update case_events set type = 'X' where case_id = ${ids[0]}`.execute(tdb.db)).rejects.toThrow(/permission denied/);
  });
});
