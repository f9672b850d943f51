/**
 * The README's first run, as a newcomer does it: `seed-demo` on the embedded
 * database while nothing runs, then `serve` (what `npm start` runs), whose
 * start-up ends with one plain line saying where the console is and how to
 * sign in; then a demo account signs in with the printed password over real
 * HTTP. Uses the real Redis at REDIS_URL (default 127.0.0.1:6379).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load-config';
import { createLogger } from '../../app/logger';
import { startApp, startLine, type RunningApp } from '../../app/serve.app';
import { runCli } from '../../cli/program';
import { DEMO_PASSWORD } from '../../cli/seed-demo-users';

// PGlite's Emscripten loader uses dynamic import(), which Jest's CommonJS sandbox rejects (see embedded-mode.test.ts).
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(request: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

jest.setTimeout(240_000);

let dataDir: string;
let app: RunningApp | undefined;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pf-first-run-'));
});

afterAll(async () => {
  await app?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the first run', () => {
  it('names the console in one plain line, a wildcard address as localhost', () => {
    expect(startLine('0.0.0.0', 3000)).toBe(
      'petitionflow: console at http://localhost:3000/console/ — sign in with a user from `npx petitionflow users add` or `npx petitionflow seed-demo`',
    );
    expect(startLine('10.1.2.3', 8080)).toContain('http://10.1.2.3:8080/console/');
    expect(startLine('::1', 80)).toContain('http://[::1]:80/console/');
  });

  it('seed-demo, then serve: the start-up line, and a demo account signs in with the demo password', async () => {
    const env: NodeJS.ProcessEnv = {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      ...(process.env.REDIS_URL !== undefined && { REDIS_URL: process.env.REDIS_URL }),
    };
    let seeded = '';
    const code = await runCli(['node', 'petitionflow', 'seed-demo'], { stdout: (t) => (seeded += t), stderr: (t) => (seeded += t), env });
    expect(code).toBe(0);
    expect(seeded).toContain(`password ${DEMO_PASSWORD}`);
    expect(seeded).toMatch(/^created\s+clerk\s+clerk\s+411621\s+周敏$/m);

    const config = loadConfig(env);
    const lines: string[] = [];
    app = await startApp(config, createLogger(config), { handleSignals: false, announce: (line) => lines.push(line) });
    expect(lines).toEqual([startLine('127.0.0.1', app.address.port)]);

    const signIn = await fetch(`${app.url}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-petitionflow-console': '1' },
      body: JSON.stringify({ name: 'clerk', password: DEMO_PASSWORD }),
    });
    expect(signIn.status).toBe(201);
    expect(await signIn.json()).toMatchObject({ user: { id: 'clerk', displayName: '周敏', role: 'clerk', unitName: '扶沟县' } });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const list = await fetch(`${app.url}/petitions`, { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
  });
});
