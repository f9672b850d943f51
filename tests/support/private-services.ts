/**
 * Throwaway services and processes for the tests that break things: a private
 * redis-server (to FLUSHALL or kill without touching the shared one), a private
 * PostgreSQL cluster (to restart), and `petitionflow` processes run through tsx.
 *
 * Everything started here is registered, so {@link stopEverything} (called from
 * afterAll) and, as a last resort, the process `exit` hook take it all down,
 * even when a test failed half-way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';

/** The repository root (tests/support/ → ../..). */
export const ROOT = resolve(__dirname, '..', '..');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Waits for `promise` at most `ms`; the timer is cleared either way, so it never holds jest open. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

/** Synchronous teardown steps of everything still running; run on afterAll and on process exit. */
const cleanups = new Map<symbol, () => void>();

function register(cleanup: () => void): symbol {
  const key = Symbol('cleanup');
  cleanups.set(key, cleanup);
  return key;
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A jest worker that exits without afterAll (a crash, a forced exit) must not leave servers behind.
  process.on('exit', () => {
    for (const cleanup of cleanups.values()) {
      try {
        cleanup();
      } catch {
        // best effort at exit
      }
    }
  });
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

/** Thrown from a {@link waitUntil} check to stop waiting at once (other errors count as "not yet"). */
export class WaitAborted extends Error {
  override readonly name = 'WaitAborted';
}

/**
 * Polls `check` until it returns true or `timeoutMs` passes (then throws,
 * naming `what`). A check that throws counts as "not yet" (a database being
 * restarted), except for {@link WaitAborted}, which ends the wait.
 */
export async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let ok = false;
    try {
      ok = await check();
    } catch (err) {
      if (err instanceof WaitAborted) throw err;
      ok = false;
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const r = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectTimeout: 500,
  });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

/** A private redis-server without persistence. */
export interface PrivateRedis {
  readonly port: number;
  readonly url: string;
  /** A short-lived client (FLUSHALL, inspection); the caller quits it. */
  client(): Redis;
  stop(): Promise<void>;
}

/** Starts `redis-server --port <spare> --save "" --appendonly no` and waits until it answers PING. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  installExitHook();
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const key = register(() => child.kill('SIGKILL'));
  try {
    await waitUntil(() => redisAnswers(url), 10_000, `redis-server on port ${port}`);
  } catch (err) {
    child.kill('SIGKILL');
    cleanups.delete(key);
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  let stopped: Promise<void> | undefined;
  return {
    port,
    url,
    client() {
      const r = new Redis(url, { maxRetriesPerRequest: 1 });
      r.on('error', () => undefined);
      return r;
    },
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          await within(exited, 3000);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
        cleanups.delete(key);
      })();
      return stopped;
    },
  };
}

/** Where PostgreSQL's server binaries live (the newest major under /usr/lib/postgresql), if anywhere. */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const majors = readdirSync(base)
      .filter((d) => existsSync(join(base, d, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0] !== undefined) return join(base, majors[0], 'bin');
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const found = which.stdout.trim();
  return which.status === 0 && found !== '' ? resolve(found, '..') : undefined;
}

/** A throwaway PostgreSQL cluster in a temp dir, on a spare port, trusting local connections. */
export interface PrivatePostgres {
  readonly port: number;
  readonly dir: string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>`. */
  urlFor(database: string): string;
  /** Stops the server (`-m fast`: open connections are cut, as in a crash of the clients' view). */
  stop(): void;
  start(): void;
  /** Stops the server and deletes the cluster. */
  destroy(): void;
}

function runAsPostgres(command: string, args: readonly string[], timeoutMs = 60_000): string {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, [...args]];
  const res = spawnSync(cmd, argv, { encoding: 'utf8', timeout: timeoutMs, cwd: '/' });
  if (res.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${res.status ?? res.signal ?? res.error?.message}): ${res.stderr}${res.stdout}`);
  }
  return res.stdout;
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error('no postgres OS user to run the private cluster as');
  return { uid, gid };
}

/**
 * `initdb` (trust auth, UTF8, no fsync) and `pg_ctl start` on a spare port with
 * the socket in the temp dir; run as the `postgres` OS user when we are root.
 */
export async function startPrivatePostgres(binDir: string): Promise<PrivatePostgres> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'pf-pg-'));
  const data = join(dir, 'data');
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (asRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const pgCtl = join(binDir, 'pg_ctl');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100`;
  let running = false;
  const stopNow = (mode: 'fast' | 'immediate') => {
    if (!running) return;
    runAsPostgres(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '30', 'stop']);
    running = false;
  };
  const key = register(() => {
    try {
      stopNow('immediate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  try {
    runAsPostgres(join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const start = () => {
      runAsPostgres(pgCtl, ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
      running = true;
    };
    start();
    return {
      port,
      dir,
      urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
      stop: () => stopNow('fast'),
      start,
      destroy() {
        try {
          stopNow('immediate');
        } finally {
          rmSync(dir, { recursive: true, force: true });
          cleanups.delete(key);
        }
      },
    };
  } catch (err) {
    cleanups.get(key)?.();
    cleanups.delete(key);
    throw err;
  }
}

/** A `petitionflow` process started with tsx. */
export interface CliProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code or signal once it has exited. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** SIGKILL, no goodbye: what a crash or `kill -9` does. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs `node --import tsx cli/main.ts <args>` from the repository root: one
 * process (the `tsx` binary would fork a second one, which a SIGKILL of the
 * first would leave running), in a process group of its own.
 */
export function spawnCli(args: readonly string[], env: Readonly<Record<string, string>>): CliProcess {
  installExitHook();
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start petitionflow ${args.join(' ')}`);
  const pid = child.pid;
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | NodeJS.Signals | null>((r) => child.once('exit', (code, signal) => r(code ?? signal)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const key = register(() => killGroup('SIGKILL'));
  void exited.then(() => cleanups.delete(key));
  return {
    pid,
    child,
    output: () => out,
    exited,
    async kill9() {
      if (alive()) killGroup('SIGKILL');
      await exited;
    },
    async stop(graceMs = 5000) {
      if (alive()) {
        killGroup('SIGTERM');
        await within(exited, graceMs);
        if (alive()) killGroup('SIGKILL');
      }
      await exited;
    },
  };
}

/** Takes down every process and cluster started here that is still up (afterAll). */
export function stopEverything(): void {
  for (const [key, cleanup] of [...cleanups.entries()]) {
    try {
      cleanup();
    } catch {
      // keep going: the rest must still be stopped
    }
    cleanups.delete(key);
  }
}
