import IORedis, { type RedisOptions } from 'ioredis';

/**
 * A Redis connection for BullMQ. Workers block on Redis and must retry
 * forever (`maxRetriesPerRequest: null`, as BullMQ requires); producers fail
 * fast instead (`enableOfflineQueue: false`), so an unreachable Redis never
 * holds up a command: the sweeper re-arms from PostgreSQL later.
 */
export function createRedisConnection(url: string, role: 'worker' | 'producer'): IORedis {
  const options: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true }
      : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  return new IORedis(url, options);
}
