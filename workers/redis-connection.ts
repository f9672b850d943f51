import IORedis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';

/** A connection to one Redis server or to a Redis Cluster; BullMQ and the probes take either. */
export type RedisClient = IORedis | Cluster;

/** The scheme of a Redis Cluster in `REDIS_URL`: `redis+cluster://[user:password@]host:port,host:port,…` (`rediss+cluster` for TLS). */
const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)\/?$/;

/** The seed nodes and credentials of a cluster URL; undefined for a plain `redis://` URL. */
export function parseClusterUrl(url: string): { nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean } | undefined {
  const m = CLUSTER_URL.exec(url);
  if (m === null) return undefined;
  const nodes = (m[4] ?? '').split(',').map((hostPort) => {
    const at = hostPort.lastIndexOf(':');
    const host = at < 0 ? hostPort : hostPort.slice(0, at).replace(/^\[|\]$/g, '');
    const port = at < 0 ? 6379 : Number(hostPort.slice(at + 1));
    if (host === '' || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`REDIS_URL: "${hostPort}" is not host:port`);
    return { host, port };
  });
  const decode = (s: string | undefined) => (s === undefined || s === '' ? undefined : decodeURIComponent(s));
  const username = decode(m[2]);
  const password = decode(m[3]);
  return { nodes, ...(username !== undefined && { username }), ...(password !== undefined && { password }), tls: m[1] === 'rediss' };
}

/** Whether a `REDIS_URL` names a Redis Cluster. */
export function isClusterUrl(url: string): boolean {
  return CLUSTER_URL.test(url);
}

/**
 * A client for `url`: one server (`redis://`, `rediss://`) or a cluster
 * (`redis+cluster://`, see {@link parseClusterUrl}). The options apply to
 * every node's connection; the cluster keeps retrying and queuing as they say.
 */
export function createRedisClient(url: string, options: RedisOptions): RedisClient {
  const cluster = parseClusterUrl(url);
  if (cluster === undefined) return new IORedis(url, options);
  const { lazyConnect, enableOfflineQueue, enableReadyCheck, retryStrategy, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: {
      ...perNode,
      ...(cluster.username !== undefined && { username: cluster.username }),
      ...(cluster.password !== undefined && { password: cluster.password }),
      ...(cluster.tls && { tls: {} }),
    },
    ...(lazyConnect !== undefined && { lazyConnect }),
    ...(enableOfflineQueue !== undefined && { enableOfflineQueue }),
    ...(enableReadyCheck !== undefined && { enableReadyCheck }),
    ...(retryStrategy != null && { clusterRetryStrategy: (times: number) => retryStrategy(times) ?? null }),
  };
  return new Cluster(cluster.nodes, clusterOptions);
}

/**
 * A Redis connection for BullMQ. Workers block on Redis and must retry
 * forever (`maxRetriesPerRequest: null`, as BullMQ requires); producers fail
 * fast instead (`enableOfflineQueue: false`), so an unreachable Redis never
 * holds up a command: the sweeper re-arms from PostgreSQL later. On a
 * cluster the same holds per node; a producer queues commands briefly while
 * a failover moves slots, since a refused command there would only be re-armed
 * by the sweeper later.
 */
export function createRedisConnection(url: string, role: 'worker' | 'producer'): RedisClient {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: isClusterUrl(url), connectTimeout: 2000 };
  return createRedisClient(url, options);
}
