/**
 * The zero-setup mode of `npm start`: no DATABASE_URL, so PGlite on disk under
 * DATA_DIR, started through the same `startApp` the CLI's `serve` runs, and
 * driven over real HTTP. Then a restart on the same directory: the case and
 * its trail are still there. Uses the real Redis at REDIS_URL (default
 * 127.0.0.1:6379).
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken } from '../../api/auth';
import { resolveAuthSecret } from '../../config/auth-secret';
import { loadConfig, type Config } from '../../config/load-config';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { createLogger } from '../../app/logger';
import { checkRedis, RedisUnreachableError } from '../../app/redis-check';
import { startApp, type RunningApp } from '../../app/serve.app';
import { runCli } from '../../cli/program';
import { intakeBody } from '../support/engine-fixtures';

// PGlite's Emscripten loader uses dynamic import(), which Jest's CommonJS
// sandbox rejects: load the real package through Node's own loader (see
// tests/integration/pglite-pool.adapter.test.ts).
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(request: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

// PGlite's first run is an initdb under WebAssembly: tens of seconds on a slow machine.
jest.setTimeout(240_000);

let dataDir: string;
let config: Config;
let app: RunningApp | undefined;

function envFor(dir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    DATA_DIR: dir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...(process.env.REDIS_URL !== undefined && { REDIS_URL: process.env.REDIS_URL }),
    ...extra,
  };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pf-embedded-'));
  const loaded = loadConfig(envFor(dataDir));
  // The whole case below is a version 2 lifecycle: the policy holds new cases there.
  config = { ...loaded, policy: { ...loaded.policy, machineVersion: 2 } };
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<RunningApp> {
  app = await startApp(config, createLogger(config), { handleSignals: false });
  return app;
}

/** A small HTTP client over the real socket, with a token per role. */
function client(base: string) {
  const secret = resolveAuthSecret(config);
  const token = (role: HumanRole) => signToken(secret, { sub: `${role}-1`, role, unit: '411621' });
  return async (role: HumanRole, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(role)}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

describe('embedded mode (PGlite under DATA_DIR)', () => {
  it('migrates, serves a whole case over HTTP, and keeps it across a restart', async () => {
    let running = await start();
    expect(config.databaseUrl).toBeUndefined();
    expect(running.address.port).toBeGreaterThan(0);
    expect(await readdir(dataDir)).toEqual(expect.arrayContaining(['pglite', 'auth-secret']));

    const health = await fetch(`${running.url}/readyz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ checks: { database: true, redis: true } });

    let call = client(running.url);
    const created = await call('clerk', 'POST', '/petitions', intakeBody());
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const steps: [HumanRole, Record<string, unknown>, string][] = [
      ['clerk', { type: 'VERIFY', expectedVersion: 1 }, 'verified'],
      ['clerk', { type: 'ASSIGN', unit: '411621', handler: '扶沟县教体局' }, 'assigned'],
      ['handler', { type: 'RESOLVE', outcome: 'explain', opinion: '依据豫政〔2016〕71号文件撤并教学点，已向信访人解释。' }, 'resolved'],
      ['clerk', { type: 'DELIVER', method: 'in-person' }, 'resolved'],
    ];
    for (const [role, event, state] of steps) {
      const res = await call(role, 'POST', `/petitions/${id}/events`, event);
      expect({ type: event.type, status: res.status }).toEqual({ type: event.type, status: 200 });
      expect(res.body.state).toBe(state);
    }

    await running.close();
    app = undefined;

    // Same DATA_DIR, a new process-worth of everything: the schema is already there, the case too.
    running = await start();
    call = client(running.url);
    const again = await call('clerk', 'GET', `/petitions/${id}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id, state: 'resolved', version: 5, delivery: expect.anything() });
    const history = await call('auditor', 'GET', `/petitions/${id}/history`);
    expect(history.status).toBe(200);
    expect((history.body.events as { seq: number; type: string }[]).map((e) => [e.seq, e.type])).toEqual([
      [1, 'INTAKE'],
      [2, 'VERIFY'],
      [3, 'ASSIGN'],
      [4, 'RESOLVE'],
      [5, 'DELIVER'],
    ]);
    const replay = await call('auditor', 'GET', `/petitions/${id}/replay`);
    expect(replay.body).toMatchObject({ matchesStored: true });
    const verify = await call('auditor', 'GET', '/audit/verify');
    expect(verify.body).toMatchObject({ ok: true, checked: 5 });
  });
});

describe('an unreachable Redis', () => {
  const unreachable = 'redis://127.0.0.1:1';
  const expected = `Redis is not reachable at ${unreachable}; start one with: redis-server --daemonize yes --port 6379`;

  it('makes checkRedis throw one line naming the URL', async () => {
    const err = await checkRedis(unreachable, 2000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RedisUnreachableError);
    expect((err as Error).message).toBe(expected);
    await expect(checkRedis('redis://:s3cret@127.0.0.1:1', 2000)).rejects.toThrow('redis://:***@127.0.0.1:1;');
  });

  it('stops startApp before it touches the database', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-noredis-'));
    try {
      const cfg = loadConfig(envFor(dir, { REDIS_URL: unreachable }));
      await expect(startApp(cfg, createLogger(cfg), { handleSignals: false })).rejects.toThrow(expected);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes `petitionflow serve` print exactly that line and exit 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pf-noredis-'));
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await runCli(['node', 'petitionflow', 'serve'], {
        stdout: (t) => out.push(t),
        stderr: (t) => err.push(t),
        env: envFor(dir, { REDIS_URL: unreachable }),
      });
      expect(code).toBe(1);
      expect(err.join('')).toBe(`${expected}\n`);
      expect(out.join('')).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
