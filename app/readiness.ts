/**
 * The readiness probe of `serve` (`GET /readyz`): can this process reach its
 * database and its Redis right now?
 */
import { createRedisClient } from '../workers/redis-connection';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema';
import type { Lifecycle } from './lifecycle';
import { withTimeout } from './timeout';

/** How long one readiness probe (database or Redis) may take before it counts as not ready. */
const READINESS_TIMEOUT_MS = 2000;

/** What `/readyz` reports (a type alias, so it fits the server's `Record<string, boolean>`). */
export type ReadinessReport = { readonly database: boolean; readonly redis: boolean };

/** Resolves true when `run` succeeds within the readiness timeout. */
async function probe(run: () => Promise<unknown>, what: string): Promise<boolean> {
  try {
    await withTimeout(run(), READINESS_TIMEOUT_MS, what);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the Redis connection the probe keeps (registered with `lifecycle`)
 * and returns the probe. Unlike the start-up check the connection reconnects
 * forever (ioredis' default), and fails commands at once while disconnected,
 * so `/readyz` answers "not ready" instead of hanging; an outage is logged
 * once, not once per reconnect attempt.
 */
export async function openReadiness(
  redisUrl: string,
  db: Kysely<Database>,
  logger: Logger,
  lifecycle: Lifecycle,
): Promise<() => Promise<ReadinessReport>> {
  const redis = createRedisClient(redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  let redisDown = false;
  redis.on('error', (err: Error) => {
    if (!redisDown) logger.warn({ err: { message: err.message } }, 'Redis connection lost');
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) logger.info('Redis connection restored');
    redisDown = false;
  });
  lifecycle.onClose(() =>
    redis.quit().then(
      () => undefined,
      () => redis.disconnect(),
    ),
  );
  await redis.connect();
  return async () => ({
    database: await probe(() => sql`select 1`.execute(db), 'database probe'),
    redis: await probe(() => redis.ping(), 'Redis probe'),
  });
}
