/**
 * `petitionflow users …` and the demo accounts of `seed-demo`, in-process
 * through `runCli`, against a database of their own reached as the
 * least-privilege application role.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../cli/program';
import { DEMO_PASSWORD, DEMO_USERS } from '../../cli/seed-demo-users';
import { createSessionService } from '../../engine/session.service';
import { DEFAULT_SESSION_SETTINGS } from '../../config/load-config';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  tdb = await createTestDatabase('users_cli');
  dataDir = await mkdtemp(join(tmpdir(), 'pf-users-cli-'));
});

afterAll(async () => {
  await tdb?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function cli(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'petitionflow', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => Promise.resolve(stdin),
    env: { DATABASE_URL: tdb.url, AUTH_SECRET: 'users-cli-secret-with-at-least-32-chars', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  });
  return { code, stdout, stderr };
}

const signIn = (name: string, password: string) =>
  createSessionService(tdb.db, DEFAULT_SESSION_SETTINGS).signIn(name, password, { userAgent: null, address: null });

describe('petitionflow users', () => {
  it('adds an account with a password from stdin, and it signs in', async () => {
    const add = await cli(
      ['users', 'add', '--name', 'zhou', '--display-name', '周敏', '--role', 'clerk', '--unit', '411621', '--password-stdin'],
      'a long password\n',
    );
    expect(add).toMatchObject({ code: 0, stderr: '' });
    expect(add.stdout).toBe('account zhou created (clerk, 411621)\n');
    await expect(signIn('zhou', 'a long password')).resolves.toMatchObject({ actor: { id: 'zhou', role: 'clerk', unit: '411621' } });
    const row = await tdb.db.selectFrom('users').select('password_hash').where('id', '=', 'zhou').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(row.password_hash).not.toContain('a long password');
  });

  it('generates and prints a password when none is given', async () => {
    const add = await cli(['users', 'add', '--name', 'first-admin', '--display-name', '管理员', '--role', 'admin', '--unit', '411600']);
    expect(add.code).toBe(0);
    const password = /^password: (\S{22})$/m.exec(add.stdout)?.[1];
    expect(password).toBeDefined();
    await expect(signIn('first-admin', password ?? '')).resolves.toMatchObject({ actor: { role: 'admin' } });
  });

  it('refuses a bad invocation with exit 2 and a taken name with exit 1', async () => {
    const short = await cli(
      ['users', 'add', '--name', 'x2', '--display-name', 'x', '--role', 'clerk', '--unit', '411621', '--password-stdin'],
      'short\n',
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 10 characters');
    const badRole = await cli(['users', 'add', '--name', 'x3', '--display-name', 'x', '--role', 'boss', '--unit', '411621']);
    expect(badRole.code).toBe(2);
    const badName = await cli(['users', 'add', '--name', 'Has Space', '--display-name', 'x', '--role', 'clerk', '--unit', '411621']);
    expect(badName.code).toBe(2);
    const taken = await cli(['users', 'add', '--name', 'zhou', '--display-name', 'x', '--role', 'clerk', '--unit', '411621']);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('sign-in name exists');
  });

  it('lists, disables and enables accounts', async () => {
    const list = await cli(['users', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^zhou\s+clerk\s+411621\s+enabled\s+周敏$/m);
    expect((await cli(['users', 'disable', 'zhou'])).stdout).toBe('account zhou disabled\n');
    await expect(signIn('zhou', 'a long password')).rejects.toMatchObject({ details: { reason: 'disabled' } });
    const json = JSON.parse((await cli(['users', 'list', '--json'])).stdout) as { id: string; disabled: boolean }[];
    expect(json.find((u) => u.id === 'zhou')?.disabled).toBe(true);
    expect((await cli(['users', 'enable', 'zhou'])).code).toBe(0);
    await expect(signIn('zhou', 'a long password')).resolves.toBeDefined();
    expect((await cli(['users', 'disable', 'nobody'])).code).toBe(1);
  });

  it('resets a password', async () => {
    const reset = await cli(['users', 'reset-password', 'zhou', '--password-stdin'], 'another long password\n');
    expect(reset).toMatchObject({ code: 0, stdout: 'password of zhou reset\n' });
    await expect(signIn('zhou', 'another long password')).resolves.toBeDefined();
    await expect(signIn('zhou', 'a long password')).rejects.toMatchObject({ details: { reason: 'credentials' } });
  });
});

describe('seed-demo', () => {
  it('creates one demo account per role and prints their names with the demo password', async () => {
    const first = await cli(['seed-demo']);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toContain(`password ${DEMO_PASSWORD}`);
    for (const u of DEMO_USERS) expect(first.stdout).toMatch(new RegExp(`^created\\s+${u.id}\\s+${u.role}\\s+${u.unit}`, 'm'));
    expect(new Set(DEMO_USERS.map((u) => u.role)).size).toBe(7);
    await expect(signIn('handler', DEMO_PASSWORD)).resolves.toMatchObject({ actor: { role: 'handler' } });
    const again = await cli(['seed-demo']);
    for (const u of DEMO_USERS) expect(again.stdout).toMatch(new RegExp(`^exists\\s+${u.id}\\s`, 'm'));
  }, 120_000);
});
