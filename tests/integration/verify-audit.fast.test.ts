/**
 * Verification at hashing speed: the fast mode checks each case row against
 * the outcome its trail head records (no machine), the thread pool gives the
 * same answer as the in-process walk, entries written before outcomes were
 * recorded are still checked (by replay), and the replay mode finds a
 * recorded outcome the rules do not give.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { listEvents } from '../../db/case-event.repository';
import { hashEvent, GENESIS_HASH } from '../../engine/audit-hash';
import { createAuditService, type AuditService } from '../../engine/audit.service';
import { actor, fakeClock, intakeBody, legacyEngine } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
let audit: AuditService;
let pooled: AuditService;
const ids: string[] = [];

async function mediatedCase(): Promise<string> {
  const clock = fakeClock('2026-03-02T01:00:00.000Z');
  const e = legacyEngine(tdb.db, clock.now);
  const { id } = await e.intake(intakeBody(), actor('clerk'));
  await e.dispatch(id, { type: 'VERIFY' }, actor('clerk'));
  await e.dispatch(id, { type: 'ASSIGN', unit: '411621', handler: '李某' }, actor('clerk'));
  await e.dispatch(id, { type: 'START_MEDIATION', level: 'township' }, actor('handler'));
  await e.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: '第一次调解' }, actor('mediator'));
  return id;
}

beforeAll(async () => {
  tdb = await createTestDatabase('verify_fast');
  audit = createAuditService(tdb.db);
  pooled = createAuditService(tdb.db, { connectionString: tdb.url, threads: 2 });
  for (let i = 0; i < 12; i += 1) ids.push(await mediatedCase());
}, 60_000);
afterAll(async () => {
  await tdb?.drop();
});

/** The owner changes a case row behind the engine's back, `check` runs, and the row is put back. */
async function withRowChanged(id: string, set: string, check: () => Promise<void>): Promise<void> {
  const { rows } = await tdb.ownerPool.query<Record<string, unknown>>(`select * from cases where id = $1`, [id]);
  await tdb.ownerPool.query(`update cases set ${set} where id = $1`, [id]);
  try {
    await check();
  } finally {
    const row = rows[0] ?? {};
    await tdb.ownerPool.query(`update cases set state = $2, assignee_unit = $3, listed = $4, snapshot = $5 where id = $1`, [
      id,
      row.state,
      row.assignee_unit,
      row.listed,
      JSON.stringify(row.snapshot),
    ]);
  }
}

describe('fast verification', () => {
  it('new entries record the state they led to and the digest of the snapshot they left, hashed with the entry', async () => {
    const trail = await listEvents(tdb.db, ids[0] ?? '');
    expect(trail.map((e) => e.after?.state)).toEqual(['received', 'verified', 'assigned', 'mediated', 'mediated']);
    for (const e of trail) expect(hashEvent(e)).toBe(e.hash);
    const head = trail.at(-1);
    if (head === undefined) throw new Error('no trail');
    expect(hashEvent({ ...head, after: { state: 'closed', snapshot: head.after?.snapshot ?? '' } })).not.toBe(head.hash);
  });

  it('passes an intact trail, in-process and in the thread pool alike', async () => {
    const inProcess = await audit.verifyAudit();
    expect(inProcess).toEqual({ ok: true, checked: 5 * ids.length, cases: ids.length });
    let progressed = 0;
    expect(await pooled.verifyAudit(undefined, { pool: true, onProgress: (c) => (progressed += c) })).toEqual(inProcess);
    expect(progressed).toBe(ids.length);
    expect(await pooled.verifyAudit(undefined, { pool: true, mode: 'replay' })).toEqual(inProcess);
  });

  it.each([
    ['state', `state = 'closed'`, /^case row state "closed" differs from the trail’s "mediated"/],
    ['assignee unit', `assignee_unit = '411622'`, /^case row assigneeUnit "411622" differs/],
    ['listing', `listed = true`, /^case row listed true differs/],
    [
      'snapshot',
      `snapshot = jsonb_set(snapshot, '{context,listed}', 'true')`,
      /^the stored snapshot differs from the one the trail head records/,
    ],
  ])('finds a case row whose %s was changed, without a replay, in the pool too', async (_what, set, reason) => {
    const id = ids[5] ?? '';
    await withRowChanged(id, set, async () => {
      const expected = { ok: false, firstBroken: { caseId: id, seq: 5, reason: expect.stringMatching(reason) } };
      expect(await audit.verifyAudit()).toMatchObject(expected);
      expect(await pooled.verifyAudit(undefined, { pool: true })).toMatchObject(expected);
    });
    expect(await pooled.verifyAudit(undefined, { pool: true })).toMatchObject({ ok: true });
  });

  it('checks entries written before outcomes were recorded by replaying their case', async () => {
    // A copy of a case as an older version wrote it: the same entries, hashed without an outcome (and no number: numbers are unique).
    const source = await listEvents(tdb.db, ids[0] ?? '');
    const id = randomUUID();
    let prevHash = GENESIS_HASH;
    await tdb.ownerPool.query(
      `insert into cases select (jsonb_populate_record(null::cases, to_jsonb(t) || jsonb_build_object('id', $2::uuid, 'number', null, 'snapshot', t.snapshot))).* from cases t where t.id = $1`,
      [ids[0], id],
    );
    for (const e of source) {
      const old = { ...e, caseId: id, prevHash, after: undefined };
      const hash = hashEvent(old);
      await tdb.ownerPool.query(
        `insert into case_events (case_id, seq, type, fields, actor_id, actor_role, actor_unit, at, machine_version, hash)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, decode($10, 'hex'))`,
        [id, e.seq, e.type, JSON.stringify(e.fields), e.actor.id, e.actor.role, e.actor.unit, e.at, e.machineVersion, hash],
      );
      prevHash = hash;
    }
    await tdb.ownerPool.query(`update cases set last_hash = decode($2, 'hex') where id = $1`, [id, prevHash]);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true, cases: ids.length + 1 });
    await withRowChanged(id, `snapshot = jsonb_set(snapshot, '{context,listed}', 'true')`, async () => {
      expect(await audit.verifyAudit()).toMatchObject({
        ok: false,
        firstBroken: { caseId: id, reason: 'the stored snapshot differs from the one the trail rebuilds' },
      });
    });
    await tdb.ownerPool.query(`delete from cases where id = $1`, [id]).catch(() => undefined);
    await tdb.ownerDb.transaction().execute(async (trx) => {
      await sql`alter table case_events disable trigger case_events_append_only`.execute(trx);
      await sql`delete from case_events where case_id = ${id}`.execute(trx);
      await sql`delete from cases where id = ${id}`.execute(trx);
      await sql`alter table case_events enable trigger case_events_append_only`.execute(trx);
    });
  });

  it('replay mode finds an appended entry whose recorded outcome the rules do not give; fast mode cannot', async () => {
    const id = ids[7] ?? '';
    const trail = await listEvents(tdb.db, id);
    const head = trail.at(-1);
    if (head === undefined || head.after === undefined) throw new Error('no recorded head');
    // What the application role could do: append a well-hashed entry claiming an outcome, and move the row along.
    const forged = {
      ...head,
      seq: head.seq + 1,
      type: 'RECORD_MEDIATION_SESSION',
      fields: { note: '第二次调解' },
      at: '2026-03-02T03:00:00.000Z',
      prevHash: head.hash,
      after: { state: 'mediated', snapshot: head.after.snapshot },
    };
    const hash = hashEvent(forged);
    await tdb.db
      .insertInto('case_events')
      .values({
        case_id: id,
        seq: forged.seq,
        type: forged.type,
        fields: JSON.stringify(forged.fields),
        actor_id: forged.actor.id,
        actor_role: forged.actor.role,
        actor_unit: forged.actor.unit,
        at: forged.at,
        machine_version: forged.machineVersion,
        hash: Buffer.from(hash, 'hex'),
        state_after: forged.after.state,
        snapshot_hash: Buffer.from(forged.after.snapshot, 'hex'),
      })
      .execute();
    await tdb.db
      .updateTable('cases')
      .set({ version: forged.seq, last_hash: Buffer.from(hash, 'hex') })
      .where('id', '=', id)
      .execute();
    try {
      const fast = await audit.verifyAudit();
      expect(fast).toMatchObject({ ok: true });
      expect(await audit.verifyAudit(undefined, { mode: 'replay' })).toMatchObject({
        ok: false,
        firstBroken: { caseId: id, seq: forged.seq, reason: 'the outcome the entry records differs from the one the machine gives' },
      });
    } finally {
      await tdb.ownerDb.transaction().execute(async (trx) => {
        await sql`alter table case_events disable trigger case_events_append_only`.execute(trx);
        await sql`delete from case_events where case_id = ${id} and seq = ${forged.seq}`.execute(trx);
        await sql`update cases set version = ${head.seq}, last_hash = decode(${head.hash}, 'hex') where id = ${id}`.execute(trx);
        await sql`alter table case_events enable trigger case_events_append_only`.execute(trx);
      });
    }
    expect(await audit.verifyAudit(undefined, { mode: 'replay' })).toMatchObject({ ok: true });
  });

  it('a scoped verification reads only the cases of its scope', async () => {
    expect(await pooled.verifyAudit('411622', { pool: true })).toEqual({ ok: true, checked: 0, cases: 0 });
    expect(await audit.verifyAudit('411621')).toEqual({ ok: true, checked: 5 * ids.length, cases: ids.length });
  });
});
