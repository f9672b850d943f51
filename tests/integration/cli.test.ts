/**
 * The `petitionflow` command line against a PostgreSQL database of its own:
 * run in-process through `runCli` (the same function `cli/main.ts` calls), plus
 * one real process through tsx for exit status and stderr of a config error.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Pool } from 'pg';
import { verifyToken } from '../../api/auth';
import { createLogger } from '../../app/logger';
import { runCli } from '../../cli/program';
import { MACHINE_VERSIONS } from '../../machines/petition.registry';
import { CLOCK_NAMES } from '../../machines/petition.vocabulary';
import { TEST_PG_ADMIN_URL } from '../support/test-database';

const SECRET = 'cli-test-secret-with-at-least-32-characters';
const ROOT = resolve(__dirname, '..', '..');

let dbName: string;
let dbUrl: string;
let pool: Pool;
let dataDir: string;

/**
 * A fresh, unmigrated database (createTestDatabase migrates, and `migrate`
 * itself is under test here).
 */
beforeAll(async () => {
  dbName = `pf_cli_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${dbName}`;
  dbUrl = u.toString();
  pool = new Pool({ connectionString: dbUrl, max: 2 });
  dataDir = await mkdtemp(join(tmpdir(), 'pf-cli-'));
});

afterAll(async () => {
  await pool.end();
  const admin = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await rm(dataDir, { recursive: true, force: true });
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'petitionflow', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { DATABASE_URL: dbUrl, AUTH_SECRET: SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
  });
  return { code, stdout, stderr };
}

function lines(text: string): string[] {
  return text.trimEnd().split('\n');
}

/** Case ids printed by seed-demo, in its order. */
let seeded: { id: string; state: string; status: string }[] = [];

describe('petitionflow CLI', () => {
  it('has help for every command', async () => {
    const top = await cli(['--help']);
    expect(top.code).toBe(0);
    for (const name of ['serve', 'migrate', 'token', 'replay', 'verify-audit', 'seed-demo', 'policy show']) {
      expect(top.stdout).toContain(name.split(' ')[0]);
      const sub = await cli([...name.split(' '), '--help']);
      expect({ name, code: sub.code }).toEqual({ name, code: 0 });
      expect(sub.stdout).toContain(`Usage: petitionflow ${name}`);
    }
    const version = await cli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('migrate applies the schema once, then reports it up to date', async () => {
    const first = await cli(['migrate']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    // Every migration of the static list, in order; more appear as the schema grows.
    const applied = lines(first.stdout);
    expect(applied[0]).toBe('applied 0001-initial');
    for (const l of applied) expect(l).toMatch(/^applied \d{4}-[a-z0-9-]+$/);
    const second = await cli(['migrate']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/up to date/);
  });

  it('seed-demo loads units and cases, and adds nothing when run again', async () => {
    const first = await cli(['seed-demo']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const parse = (out: string) =>
      lines(out)
        .slice(1)
        // The case lines (each names its case id); the demo accounts follow them.
        .filter((l) => /\b[0-9a-f]{8}-[0-9a-f]{4}-/.test(l))
        .map((l) => {
          const [status, id, state] = l.trim().split(/\s+/);
          return { status: status ?? '', id: id ?? '', state: state ?? '' };
        });
    seeded = parse(first.stdout);
    // The seed page's stories as version 3 cases, backdated: 扶沟 办结, 西华 督办中 and 涉法涉诉 referred, 商水 送达,
    // 项城 复查中, 沈丘 overdue at the bureau and 终结 after 复核.
    expect(seeded.map((c) => c.status)).toEqual(Array(7).fill('created'));
    expect(seeded.map((c) => c.state)).toEqual([
      'closed/concluded',
      'accepted',
      'closed/referred',
      'delivered',
      'reviewing',
      'registered',
      'closed/final',
    ]);

    const second = await cli(['seed-demo']);
    expect(second.code).toBe(0);
    const again = parse(second.stdout);
    expect(again.map((c) => c.status)).toEqual(Array(7).fill('exists'));
    expect(again.map((c) => c.id)).toEqual(seeded.map((c) => c.id));

    const units = await pool.query<{ code: string; name: string }>(
      `select code, name from units where code in ('411600', '411621', '411621206')`,
    );
    expect(units.rows.map((r) => r.name).sort()).toEqual(['周口市', '扶沟县', '曹里乡'].sort());
    const cases = await pool.query<{ n: string }>('select count(*) as n from cases');
    expect(Number(cases.rows[0]?.n)).toBe(7);
    const versions = await pool.query<{ v: number }>('select distinct machine_version as v from cases');
    expect(versions.rows).toEqual([{ v: 3 }]);
  });

  it('units import takes kinds, review bodies and short names (a file without kinds loads as divisions); units list shows them', async () => {
    const file = join(dataDir, 'units.json');
    await writeFile(
      file,
      JSON.stringify([
        { code: '411621-16', name: '扶沟县民政局', level: 'county', kind: 'department', parentCode: '411621', reviewBody: '411600-11' },
        { code: '411621207', name: '某乡', level: 'township', parentCode: '411621' },
      ]),
    );
    expect(await cli(['units', 'import', file])).toMatchObject({ code: 0, stdout: '2 units imported\n' });
    const listed = lines((await cli(['units', 'list'])).stdout);
    expect(listed).toContain(`${'411621-16'.padEnd(12)} department county    扶沟县民政局 (parent 411621, review 411600-11)`);
    expect(listed).toContain(`${'411621-01'.padEnd(12)} bureau     county    扶沟县信访局 (parent 411621, short 扶信)`);
    expect(listed).toContain(`${'411621207'.padEnd(12)} division   township  某乡 (parent 411621)`);
    // A department whose parent is not its division is refused, naming the field; nothing is written.
    await writeFile(file, JSON.stringify([{ code: '411621-17', name: 'x', level: 'county', kind: 'department', parentCode: '411622' }]));
    const bad = await cli(['units', 'import', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/parentCode/);
  });

  it('token prints a JWT that verifyToken accepts', async () => {
    const run = await cli(['token', '--role', 'supervisor', '--unit', '411600', '--user', 'zhoukou-sup-1', '--expires', '1h']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const token = run.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    await expect(verifyToken(SECRET, token)).resolves.toEqual({ id: 'zhoukou-sup-1', role: 'supervisor', unit: '411600' });
    await expect(verifyToken('another-secret-with-at-least-32-characters', token)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });

    expect((await cli(['token', '--role', 'system', '--unit', '411621', '--user', 'x'])).code).toBe(2);
    const badUnit = await cli(['token', '--role', 'clerk', '--unit', '4116', '--user', 'x']);
    expect(badUnit.code).toBe(2);
    expect(badUnit.stderr).toMatch(/--unit/);
    expect((await cli(['token', '--role', 'clerk', '--unit', '411621'])).code).toBe(2);
    // The server would refuse a token living longer than TOKEN_MAX_LIFETIME (12 h unless set).
    const tooLong = await cli(['token', '--role', 'clerk', '--unit', '411621', '--user', 'x', '--expires', '30d']);
    expect(tooLong).toMatchObject({ code: 2, stdout: '' });
    expect(tooLong.stderr).toMatch(/TOKEN_MAX_LIFETIME/);
    expect(
      (await cli(['token', '--role', 'clerk', '--unit', '411621', '--user', 'x', '--expires', '30d'], { TOKEN_MAX_LIFETIME: 'P30D' })).code,
    ).toBe(0);
  });

  it('replay prints the timeline and says it matches the stored snapshot', async () => {
    const id = seeded[0]?.id ?? '';
    const run = await cli(['replay', id]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const out = lines(run.stdout);
    expect(out[0]).toContain(id);
    const types = out.slice(2, -1).map((l) => l.trim().split(/\s+/)[3]);
    expect(types).toEqual([
      'INTAKE',
      'REQUEST_INFO',
      'PAUSE_CLOCK',
      'PROVIDE_INFO',
      'RESUME_CLOCK',
      'TRANSFER',
      'ACCEPT',
      'RESOLVE',
      'DELIVER',
      'RATE_SATISFACTION',
      'DEADLINE_BREACHED',
    ]);
    expect(out[2]).toMatch(/^\s*1\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00\s+clerk\/fugou-banxinke-zhou\s+INTAKE\s+→ registered$/);
    expect(out.find((l) => l.includes(' RESOLVE '))).toMatch(/handler\/fugou-jiaotiju-chengban\s+RESOLVE\s+→ answered/);
    // The review window lapsed: the deadline worker closed the case (办结).
    expect(out.find((l) => l.includes(' DEADLINE_BREACHED '))).toMatch(/system\/deadline-worker\s+DEADLINE_BREACHED\s+→ closed/);
    expect(out.at(-1)).toBe('replayed state closed matches the stored snapshot');

    const json = await cli(['replay', id, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ id, matchesStored: true, state: 'closed', steps: expect.any(Array) });

    const before = await cli(['replay', id, '--at', '2000-01-01T00:00:00Z']);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/no events at or before 2000-01-01T08:00:00\+08:00/);

    expect((await cli(['replay', id, '--at', 'yesterday'])).code).toBe(2);
    expect((await cli(['replay', 'not-a-uuid'])).code).toBe(2);
    const missing = await cli(['replay', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not found/);
  });

  it('replay exits 1 when the stored snapshot differs from the trail', async () => {
    const id = seeded[1]?.id ?? '';
    const before = await pool.query<{ snapshot: unknown }>('select snapshot from cases where id = $1', [id]);
    await pool.query(`update cases set snapshot = jsonb_set(snapshot, '{context,leader}', '"someone else"') where id = $1`, [id]);
    const run = await cli(['replay', id]);
    expect(run.code).toBe(1);
    expect(lines(run.stdout).at(-1)).toBe('replayed state accepted does NOT match the stored snapshot');
    try {
      // verify-audit checks every case row against its trail too (the snapshot digest the head records), and names
      // the patched snapshot; --replay rebuilds it through the machine.
      const verify = await cli(['verify-audit', '--json']);
      expect(verify.code).toBe(1);
      expect(JSON.parse(verify.stdout)).toMatchObject({
        firstBroken: { caseId: id, reason: 'the stored snapshot differs from the one the trail head records' },
      });
      const replayed = await cli(['verify-audit', '--replay', '--json']);
      expect(JSON.parse(replayed.stdout)).toMatchObject({
        firstBroken: { caseId: id, reason: 'the stored snapshot differs from the one the trail rebuilds' },
      });
    } finally {
      await pool.query('update cases set snapshot = $2 where id = $1', [id, JSON.stringify(before.rows[0]?.snapshot)]);
    }
  });

  it('verify-audit passes on an intact trail, and fails naming the case and seq of an altered entry', async () => {
    const ok = await cli(['verify-audit']);
    expect(ok).toMatchObject({ code: 0, stderr: '' });
    expect(ok.stdout.trim()).toMatch(/^audit trail intact: \d+ events in 7 cases checked$/);
    const scoped = await cli(['verify-audit', '--unit', '411623', '--json']);
    expect(JSON.parse(scoped.stdout)).toEqual({ ok: true, checked: 8, cases: 1 });

    const victim = seeded[3]?.id ?? '';
    // The append-only trigger refuses this in normal operation; an attacker with table rights could lift it.
    await pool.query(`
      alter table case_events disable trigger case_events_append_only;
      update case_events set fields = fields || '{"agreement": "改过的协议"}'::jsonb where case_id = '${victim}' and seq = 6;
      alter table case_events enable trigger case_events_append_only;`);
    const broken = await cli(['verify-audit']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`case ${victim} seq 6`);
    expect(broken.stdout).toMatch(/BROKEN/);
    const json = await cli(['verify-audit', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBroken: { caseId: victim, seq: 6 } });
    // Other units' trails are untouched.
    expect((await cli(['verify-audit', '--unit', '411621'])).code).toBe(0);
  });

  it('policy show prints the statutory clocks with their pause reasons and the newest machine version', async () => {
    const run = await cli(['policy', 'show']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const shown = JSON.parse(run.stdout) as { machineVersion: number; clocks: Record<string, Record<string, unknown>> };
    expect(shown.machineVersion).toBe(Math.max(...MACHINE_VERSIONS));
    expect(Object.keys(shown.clocks)).toEqual([...CLOCK_NAMES]);
    expect(shown.clocks.dispatch).toMatchObject({
      duration: 'P15D',
      calendar: 'calendar-days',
      onBreach: 'escalate',
      pausableFor: ['awaiting-materials'],
    });
    expect(shown.clocks.handling).toMatchObject({ duration: 'P60D', maxExtension: 'P30D', pausableFor: [] });
    expect(shown.clocks.reReviewDecision).toMatchObject({ duration: 'P30D', pausableFor: ['hearing'] });
    expect(shown.clocks.objection).toMatchObject({ duration: 'P5D', calendar: 'working-days', onBreach: 'notify' });
  });

  it('policy show overlays PETITION_POLICY: a stricter clock, other pause reasons, a bureau held on version 1', async () => {
    const path = join(dataDir, 'policy-show.json');
    await writeFile(
      path,
      JSON.stringify({
        machineVersion: 1,
        clocks: { dispatch: { duration: 'P7D', calendar: 'working-days', onBreach: 'escalate', pausableFor: [] } },
      }),
    );
    const run = await cli(['policy', 'show'], { PETITION_POLICY: path });
    expect(run.code).toBe(0);
    const shown = JSON.parse(run.stdout) as { machineVersion: number; clocks: Record<string, Record<string, unknown>> };
    expect(shown.machineVersion).toBe(1);
    expect(shown.clocks.dispatch).toEqual({
      duration: 'P7D',
      calendar: 'working-days',
      reminders: [],
      onBreach: 'escalate',
      pausableFor: [],
    });
    // A clock left out keeps its default, pause reasons included.
    expect(shown.clocks.notice).toMatchObject({ duration: 'P15D', pausableFor: ['awaiting-materials'] });
  });

  it('policy show refuses a policy naming an unknown machine version or pause reason, one line naming each, exit 2', async () => {
    const path = join(dataDir, 'policy-bad.json');
    await writeFile(path, JSON.stringify({ machineVersion: 99 }));
    const run = await cli(['policy', 'show'], { PETITION_POLICY: path });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('machineVersion: 99 is not a machine version');
    await writeFile(
      path,
      JSON.stringify({
        clocks: { handling: { duration: 'P60D', calendar: 'calendar-days', onBreach: 'escalate', pausableFor: ['lunch'] } },
      }),
    );
    const reason = await cli(['policy', 'show'], { PETITION_POLICY: path });
    expect(reason.code).toBe(2);
    expect(reason.stderr).toContain('clocks.handling.pausableFor.0');
  });

  it('names every bad variable of an invalid configuration in one line and exits 2', async () => {
    const run = await cli(['migrate'], { DATABASE_URL: 'mysql://db/petitions', PORT: '99999', AUTH_SECRET: 'short', LOG_LEVEL: 'loud' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toHaveLength(1);
    for (const name of ['DATABASE_URL', 'PORT', 'AUTH_SECRET', 'LOG_LEVEL']) expect(run.stderr).toContain(name);
  });

  it("keeps personal data and tokens out of the serve logger's output", () => {
    const written: string[] = [];
    const logger = createLogger({ logLevel: 'info' }, { write: (line: string) => written.push(line) });
    logger.info(
      {
        body: { petitioner: { name: '于营', idNumber: '412721199001013411', phone: '18749260000' }, representatives: [{ name: '王某' }] },
        req: { headers: { authorization: 'Bearer eyJ.secret.token' } },
        phone: '13700000000',
        caseId: 'kept',
      },
      'intake',
    );
    const text = written.join('');
    for (const secret of ['于营', '412721199001013411', '18749260000', '王某', 'eyJ.secret.token', '13700000000']) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.parse(text)).toMatchObject({ caseId: 'kept', msg: 'intake', req: { headers: { authorization: '[redacted]' } } });
  });

  it('does the same as a real process: exit status 2, one line on stderr, no stack trace', () => {
    const env = {
      ...process.env,
      DATABASE_URL: 'mysql://db/petitions',
      REDIS_URL: 'http://nope',
      PORT: '-1',
      AUTH_SECRET: '',
      DATA_DIR: dataDir,
    };
    const res = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      [join(ROOT, 'cli', 'main.ts'), 'token', '--role', 'clerk', '--unit', '411621', '--user', 'u'],
      {
        cwd: ROOT,
        env,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(res.status).toBe(2);
    expect(res.stdout).toBe('');
    expect(lines(res.stderr)).toHaveLength(1);
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'PORT']) expect(res.stderr).toContain(name);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
