/**
 * The start-up check of Redis: `serve` and `worker` need it for every
 * deadline, so a missing Redis is reported at once, in one line, before
 * anything else is opened.
 */
import { createRedisClient } from '../workers/redis-connection';
import { withTimeout } from './timeout';

/** How long start-up waits for Redis before calling it unreachable; a local Redis answers in milliseconds. */
export const REDIS_CHECK_TIMEOUT_MS = 3000;

/** Redis could not be reached at start-up; the message is the one line an operator needs. */
export class RedisUnreachableError extends Error {
  readonly code = 'REDIS_UNREACHABLE';
  constructor(
    readonly url: string,
    options?: ErrorOptions,
  ) {
    super(`Redis is not reachable at ${url}; start one with: redis-server --daemonize yes --port 6379`, options);
    this.name = 'RedisUnreachableError';
  }
}

/** A Redis URL fit for logs and error messages: any password replaced by `***`. */
export function displayRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    // A cluster URL lists several hosts, which URL does not parse: mask the password by pattern.
    return url.replace(/^([^:]+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
  }
}

/**
 * Connects to Redis once, sends PING and quits. Throws a
 * {@link RedisUnreachableError} (one line, the underlying error as `cause`)
 * when Redis does not answer within `timeoutMs`. No retries: this runs at
 * start-up, where a missing Redis should be reported at once, not retried
 * forever the way ioredis does by default.
 */
export async function checkRedis(url: string, timeoutMs: number = REDIS_CHECK_TIMEOUT_MS): Promise<void> {
  const redis = createRedisClient(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    enableOfflineQueue: false,
  });
  // Without a listener ioredis prints "[ioredis] Unhandled error event" with a stack trace.
  redis.on('error', () => undefined);
  try {
    await withTimeout(
      (async () => {
        await redis.connect();
        await redis.ping();
      })(),
      timeoutMs,
      'Redis PING',
    );
  } catch (err) {
    // After a refused connection ioredis has already ended; disconnect() then would hold the process ~2 s longer.
    if (redis.status !== 'end') redis.disconnect();
    throw new RedisUnreachableError(displayRedisUrl(url), { cause: err });
  }
  await redis.quit().catch(() => redis.disconnect());
}
