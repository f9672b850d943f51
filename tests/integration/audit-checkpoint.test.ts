/**
 * Signed checkpoints: `audit checkpoint --out` and `audit verify --against`
 * through the CLI, as the least-privilege application role. The attack they
 * answer: whoever owns the database lifts the append-only trigger, rewrites a
 * recorded opinion, re-hashes the rest of the chain and patches the case row,
 * so that verify-audit and replay both pass. A checkpoint taken before and
 * kept elsewhere still names the case.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Pool } from 'pg';
import pino from 'pino';
import { runCli } from '../../cli/program';
import { V2_POLICY } from '../support/test-server';
import { loadConfig } from '../../config/load-config';
import { listEvents, type CaseEventRecord } from '../../db/case-event.repository';
import { hashEvent } from '../../engine/audit-hash';
import { checkpointStatement, type AuditCheckpoint } from '../../engine/audit-checkpoint.service';
import { createAuditService, foldTrail } from '../../engine/audit.service';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { storedFormOf } from '../../engine/case-snapshot';
import { adapterFor } from '../../machines/petition.registry';
import { checkpointScheduleOf } from '../../workers/audit-checkpoint.publisher';
import { createHousekeeping } from '../../engine/housekeeping.service';
import { createTimerStore } from '../../engine/timer-store.service';
import { createSweeper } from '../../workers/sweeper';
import type { TimerScheduler } from '../../workers/timer-scheduler';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, TEST_PG_ADMIN_URL, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
let dataDir: string;
let victim: string;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'petitionflow', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { DATABASE_URL: tdb.url, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  tdb = await createTestDatabase('checkpoint');
  dataDir = await mkdtemp(join(tmpdir(), 'pf-checkpoint-'));
  const clock = fakeClock();
  const e = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar: createChinaCalendar(), now: clock.now });
  for (const unit of ['411621', '411622', '411623']) {
    const { id } = await e.intake(intakeBody({ unit }), actor('clerk', unit));
    await e.dispatch(id, { type: 'VERIFY' }, actor('clerk', unit));
    await e.dispatch(id, { type: 'ASSIGN', unit, handler: '李某' }, actor('clerk', unit));
    await e.dispatch(id, { type: 'START_MEDIATION', level: 'township' }, actor('handler', unit));
    await e.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: '申请人不同意调解方案' }, actor('mediator', unit));
    await e.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: '第二次调解' }, actor('mediator', unit));
    if (unit === '411622') victim = id;
  }
});
afterAll(async () => {
  await tdb.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** The owner's rewrite: change one entry, re-hash every later one, patch the case row to the rebuilt case. */
async function rewriteAsOwner(caseId: string, seq: number, fields: Record<string, unknown>): Promise<void> {
  const events = await listEvents(tdb.ownerDb, caseId);
  const rewritten: CaseEventRecord[] = [];
  let prevHash = events[seq - 2]?.hash ?? '';
  for (const e of events) {
    if (e.seq < seq) {
      rewritten.push(e);
      continue;
    }
    const body = { ...e, fields: e.seq === seq ? fields : e.fields, prevHash };
    const hash = hashEvent(body);
    rewritten.push({ ...body, hash });
    prevHash = hash;
  }
  const snapshot = foldTrail(rewritten).snapshot;
  if (snapshot === undefined) throw new Error('no snapshot');
  await tdb.ownerDb.transaction().execute(async (trx) => {
    await sql`alter table case_events disable trigger case_events_append_only`.execute(trx);
    for (const e of rewritten.filter((r) => r.seq >= seq)) {
      await sql`update case_events set fields = ${JSON.stringify(e.fields)}::jsonb, hash = decode(${e.hash}, 'hex')
        where case_id = ${caseId} and seq = ${e.seq}`.execute(trx);
    }
    await sql`alter table case_events enable trigger case_events_append_only`.execute(trx);
    await sql`update cases set last_hash = decode(${prevHash}, 'hex'), snapshot = ${JSON.stringify(storedFormOf(adapterFor(events[0]?.machineVersion ?? 0), snapshot))}::jsonb where id = ${caseId}`.execute(
      trx,
    );
  });
}

describe('signed checkpoints', () => {
  const file = () => join(dataDir, 'before.json');

  it('audit checkpoint signs every case head, stores it, writes the file; audit verify --against passes on the intact trail', async () => {
    const taken = await cli(['audit', 'checkpoint', '--out', file()]);
    expect(taken).toMatchObject({ code: 0, stderr: '' });
    const checkpoint = JSON.parse(await readFile(file(), 'utf8')) as AuditCheckpoint;
    expect(checkpoint).toMatchObject({ format: 'petitionflow-checkpoint/1', cases: 3, root: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(checkpoint.leaves.map((l) => l[1])).toEqual([6, 6, 6]);
    expect(checkpoint.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const stored = await tdb.db.selectFrom('audit_checkpoints').select(['id', 'root']).execute();
    expect(stored).toEqual([{ id: checkpoint.id, root: checkpoint.root }]);

    const verified = await cli(['audit', 'verify', '--against', file(), '--json']);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, cases: 3, checked: 3, signerChecked: true });
    // The generated key is kept: a second checkpoint is signed by the same key.
    await cli(['audit', 'checkpoint', '--out', join(dataDir, 'second.json')]);
    expect((JSON.parse(await readFile(join(dataDir, 'second.json'), 'utf8')) as AuditCheckpoint).publicKey).toBe(checkpoint.publicKey);
  });

  it('a checkpoint signed with another key is refused, whether the signature or the signer is swapped', async () => {
    const checkpoint = JSON.parse(await readFile(file(), 'utf8')) as AuditCheckpoint;
    const other = generateKeyPairSync('ed25519');
    const forgedSignature = { ...checkpoint, signature: sign(null, checkpointStatement(checkpoint), other.privateKey).toString('base64') };
    await writeFile(join(dataDir, 'forged-signature.json'), JSON.stringify(forgedSignature));
    const bad = await cli(['audit', 'verify', '--against', join(dataDir, 'forged-signature.json'), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, problem: 'the signature does not verify' });

    const resigned = { ...forgedSignature, publicKey: other.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    await writeFile(join(dataDir, 'resigned.json'), JSON.stringify(resigned));
    const wrongSigner = await cli(['audit', 'verify', '--against', join(dataDir, 'resigned.json')]);
    expect(wrongSigner.code).toBe(1);
    expect(wrongSigner.stdout).toMatch(/NOT genuine: signed by a key other than the operator’s/);

    // Checked against the operator's public key given explicitly, the genuine file passes and the re-signed one does not.
    const operatorPub = join(dataDir, 'operator.pub.pem');
    await writeFile(operatorPub, checkpoint.publicKey);
    expect((await cli(['audit', 'verify', '--against', file(), '--key', operatorPub])).code).toBe(0);
    expect((await cli(['audit', 'verify', '--against', join(dataDir, 'resigned.json'), '--key', operatorPub])).code).toBe(1);

    const alteredRoot = { ...checkpoint, leaves: checkpoint.leaves.map((l, i) => (i === 0 ? [l[0], l[1] + 1, l[2]] : l)) };
    await writeFile(join(dataDir, 'altered.json'), JSON.stringify(alteredRoot));
    const altered = await cli(['audit', 'verify', '--against', join(dataDir, 'altered.json'), '--json']);
    expect(JSON.parse(altered.stdout)).toMatchObject({ ok: false, problem: 'the leaves do not give the signed root' });
  });

  it('an owner-role rewrite with a re-hashed chain and a patched snapshot passes verify-audit but not audit verify --against', async () => {
    await rewriteAsOwner(victim, 5, { note: '申请人同意调解方案' });
    // The rewrite is consistent in itself: the plain checks are fooled.
    expect(await createAuditService(tdb.db).verifyAudit()).toMatchObject({ ok: true, cases: 3 });
    expect((await cli(['verify-audit'])).code).toBe(0);
    expect((await cli(['replay', victim])).code).toBe(0);

    const run = await cli(['audit', 'verify', '--against', file()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`trail CHANGED since: case ${victim} seq 6: the covered trail was rewritten`);
    const json = await cli(['audit', 'verify', '--against', file(), '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBroken: { caseId: victim, seq: 6 } });
  });

  it('refuses to sign a trail that does not verify', async () => {
    await tdb.ownerPool.query(`update cases set unit = '411681' where id = $1`, [victim]);
    const run = await cli(['audit', 'checkpoint']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`does not verify at case ${victim}`);
    expect(await tdb.db.selectFrom('audit_checkpoints').select('id').execute()).toHaveLength(2);
  });
});

describe('migrate --admin-url', () => {
  it('migrates as the owner and sets up the application role named by DATABASE_URL, which then cannot touch the trail', async () => {
    const name = `pf_roles_${Date.now().toString(36)}`;
    const role = `${name}_app`;
    const admin = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
    await admin.query(`create database ${name}`);
    const ownerUrl = new URL(TEST_PG_ADMIN_URL);
    ownerUrl.pathname = `/${name}`;
    const appUrl = new URL(ownerUrl);
    appUrl.username = role;
    appUrl.password = 'app-password';
    const app = new Pool({ connectionString: appUrl.toString(), max: 1 });
    // DROP DATABASE ... WITH (FORCE) below may terminate a connection still closing; that is not a failure.
    app.on('error', () => undefined);
    admin.on('error', () => undefined);
    try {
      const run = await cli(['migrate', '--admin-url', ownerUrl.toString()], { DATABASE_URL: appUrl.toString() });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain('applied 0004-audit-checkpoints');
      expect(run.stdout).toContain(`application role ${role} granted its least privileges`);
      // Running it again is safe: nothing to migrate, grants set again.
      expect((await cli(['migrate', '--admin-url', ownerUrl.toString()], { DATABASE_URL: appUrl.toString() })).code).toBe(0);
      // The application starts as that role (its migrate finds nothing to do) and reads; it cannot alter the trail.
      expect((await cli(['migrate'], { DATABASE_URL: appUrl.toString() })).stdout).toContain('up to date');
      expect((await app.query('select count(*)::int as n from case_events')).rows[0]).toEqual({ n: 0 });
      await expect(app.query('alter table case_events disable trigger all')).rejects.toMatchObject({ code: '42501' });
      await expect(app.query('delete from audit_checkpoints')).rejects.toMatchObject({ code: '42501' });
      const owner = await cli(['migrate', '--admin-url', ownerUrl.toString(), '--app-role', ownerUrl.username || 'postgres']);
      expect(owner.code).toBe(2);
    } finally {
      await app.end();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});

describe('scheduled checkpoints', () => {
  it('the sweeper takes one when the newest is older than AUDIT_CHECKPOINT_EVERY and writes it to AUDIT_CHECKPOINT_DIR', async () => {
    const own = await createTestDatabase('checkpoint_sched');
    const dir = join(dataDir, 'scheduled');
    try {
      const clock = fakeClock();
      const e = createPetitionEngine({ db: own.db, policy: V2_POLICY, calendar: createChinaCalendar(), now: clock.now });
      await e.intake(intakeBody(), actor('clerk'));
      const config = loadConfig({ DATA_DIR: dataDir, AUDIT_CHECKPOINT_EVERY: 'PT1H', AUDIT_CHECKPOINT_DIR: dir });
      const schedule = checkpointScheduleOf(config, own.db, clock.now);
      const sweeper = createSweeper({
        timers: createTimerStore(own.db),
        housekeeping: createHousekeeping(own.db),
        scheduler: { arm: async () => undefined } as unknown as TimerScheduler,
        logger: pino({ level: 'silent' }),
        everyMs: 60_000,
        checkpoint: schedule,
        now: clock.now,
      });
      await sweeper.sweep();
      await sweeper.sweep();
      expect(await readdir(dir)).toHaveLength(1);
      clock.advance(3_600_000);
      await sweeper.sweep();
      const files = (await readdir(dir)).sort();
      expect(files).toHaveLength(2);
      const written = JSON.parse(await readFile(join(dir, files[1] ?? ''), 'utf8')) as AuditCheckpoint;
      expect(written).toMatchObject({ cases: 1, createdAt: clock.now().toISOString() });
      expect(await own.db.selectFrom('audit_checkpoints').select('id').execute()).toHaveLength(2);
      expect((await cli(['audit', 'verify', '--against', join(dir, files[1] ?? '')], { DATABASE_URL: own.url })).code).toBe(0);
    } finally {
      await own.drop();
    }
  });
});
