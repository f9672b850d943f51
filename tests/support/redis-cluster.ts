/**
 * A throwaway Redis Cluster on loopback ports for the tests: `masters`
 * redis-server processes in cluster mode plus one replica each, created with
 * `redis-cli --cluster create … --cluster-yes` in a temporary directory, and
 * every process killed (and the directory removed) by `stop()` or, as a last
 * resort, when the test process exits. Same style as private-services.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitUntil } from './private-services';

/** One redis-server of the cluster. */
export interface ClusterNode {
  readonly port: number;
  readonly process: ChildProcess;
  /** SIGKILL, as a crashed machine would stop. */
  kill(): void;
}

/** The running cluster. */
export interface TestRedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…` (every node as a seed). */
  readonly url: string;
  /** The node serving `key`'s slot as master right now (asked of any live node). */
  masterOf(key: string): Promise<ClusterNode>;
  /** Waits until every live node reports `cluster_state:ok` and `key`'s slot has a live master. */
  waitHealthy(key: string, timeoutMs: number): Promise<void>;
  stop(): void;
}

/** Whether nothing listens on `port` (bound and released at once). */
function isFree(port: number): Promise<boolean> {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

/** A free port whose cluster bus port (+10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 > 65535 || taken.has(port) || taken.has(port + 10000) || !(await isFree(port + 10000))) continue;
    taken.add(port).add(port + 10000);
    return port;
  }
}

async function ask<T>(port: number, run: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 1000 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await run(r);
  } finally {
    r.disconnect();
  }
}

/** Starts `masters` masters and as many replicas, joins them into one cluster, and waits until it serves every slot. */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'pf-redis-cluster-'));
  const taken = new Set<number>();
  const nodes: ClusterNode[] = [];
  const stop = () => {
    for (const n of nodes) n.kill();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  try {
    for (let i = 0; i < masters * 2; i += 1) {
      const port = await clusterPort(taken);
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: 'ignore' },
      );
      nodes.push({ port, process: child, kill: () => (child.exitCode === null && child.signalCode === null ? void child.kill('SIGKILL') : undefined) });
    }
    for (const n of nodes) await waitUntil(() => ask(n.port, (r) => r.ping()).then(() => true), 10_000, `redis-server on ${n.port}`);
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
  } catch (err) {
    stop();
    throw err;
  }
  const live = () => nodes.filter((n) => n.process.exitCode === null && n.process.signalCode === null);

  async function masterOf(key: string): Promise<ClusterNode> {
    for (const n of live()) {
      try {
        const slot = await ask(n.port, (r) => r.cluster('KEYSLOT', key));
        const slots = await ask(n.port, (r) => r.cluster('SLOTS'));
        const owner = slots.find(([from, to]) => from <= Number(slot) && Number(slot) <= to)?.[2]?.[1];
        const node = nodes.find((x) => x.port === owner);
        if (node !== undefined) return node;
      } catch {
        // that node is going down; ask another
      }
    }
    throw new Error(`no live node knows the master of ${key}`);
  }

  return {
    nodes,
    url: `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`,
    masterOf,
    async waitHealthy(key, timeoutMs) {
      await waitUntil(
        async () => {
          const states = await Promise.all(live().map((n) => ask(n.port, (r) => r.cluster('INFO')).catch(() => '')));
          if (!states.every((s) => String(s).includes('cluster_state:ok'))) return false;
          const master = await masterOf(key);
          return live().includes(master);
        },
        timeoutMs,
        'the Redis Cluster to serve every slot',
        250,
      );
    },
    stop,
  };
}
