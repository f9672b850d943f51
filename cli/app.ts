/**
 * Composition root: turns a validated {@link Config} into a running process
 * (database, Redis, engine, HTTP server) and takes it down again. The CLI
 * (`cli/main.ts`) and the integration tests both start the app through here,
 * so `npm start` and the tests share one code path.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { sql, type Kysely } from 'kysely';
import { pino, type Logger } from 'pino';
import { buildServer } from '../api/server';
import { resolveAuthSecret } from '../config/auth-secret';
import type { Config } from '../config/load-config';
import { createDatabasePool, type DatabasePool } from '../db/database-pool';
import { createKysely } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import type { Database } from '../db/schema';
import { createAuditCheckpointService } from '../engine/audit-checkpoint.service';
import { createAuditService } from '../engine/audit.service';
import { resolveAuditSigningKey } from '../config/audit-signing-key';
import { createPetitionEngine, type PetitionEngine } from '../engine/petition.engine';
import { durationMillis } from '../config/duration';
import { createWorkerRuntime, type WorkerRuntime } from '../workers/worker-runtime';
import { checkpointScheduleOf } from '../workers/audit-checkpoint.publisher';
import { createChinaCalendar } from '../engine/working-calendar';

/** How long start-up waits for Redis before calling it unreachable; a local Redis answers in milliseconds. */
export const REDIS_CHECK_TIMEOUT_MS = 3000;

/** How long one readiness probe (database or Redis) may take before it counts as not ready. */
const READINESS_TIMEOUT_MS = 2000;

/** After a shutdown signal, how long to wait for a clean close before forcing the process out. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Log paths that may carry personal data (DOMAIN.md, Privacy: nothing personal
 * is written to logs). `*.x` matches one level down, so the top-level names are
 * listed too; `representatives` carry names, ID numbers and phones like the petitioner.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'petitioner',
  'idNumber',
  'phone',
  'representatives',
  '*.petitioner',
  '*.idNumber',
  '*.phone',
  '*.representatives',
  'req.headers.authorization',
  // PostgreSQL errors quote the offending row or parameters (`detail`, `where`), which may hold a petitioner's data.
  'err.detail',
  'err.where',
  'err.parameters',
  'err.cause.detail',
  'err.cause.where',
];

/** The process logger: pino at the configured level, with personal data redacted. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name: 'petitionflow',
    level: config.logLevel,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A migrated database handle. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly pool: DatabasePool;
  /** Names of the migrations this call applied (empty when the schema was already current). */
  readonly applied: readonly string[];
  /** Destroys Kysely, which ends the pool (node-postgres) or closes the embedded database (PGlite). */
  close(): Promise<void>;
}

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Receives errors of idle PostgreSQL connections; without it node-postgres would crash the process. */
  readonly onIdleClientError?: (err: Error) => void;
}

/**
 * Opens the configured database (PostgreSQL when `databaseUrl` is set,
 * otherwise PGlite under `dataDir`) and brings its schema up to date. On a
 * failed migration the database is closed before the error propagates, so a
 * failed start leaves no open handle (and no PGlite directory lock) behind.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: OpenDatabaseOptions = {},
): Promise<OpenDatabase> {
  const pool = await createDatabasePool({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    ...(options.onIdleClientError !== undefined && { onIdleClientError: options.onIdleClientError }),
  });
  const db = createKysely(pool);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= db.destroy());
  try {
    const result = await migrateToLatest(db as Kysely<unknown>);
    const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    return { db, pool, applied, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

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
    return url;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Connects to Redis once, sends PING and quits. Throws a
 * {@link RedisUnreachableError} (one line, the underlying error as `cause`)
 * when Redis does not answer within `timeoutMs`. No retries: this runs at
 * start-up, where a missing Redis should be reported at once, not retried
 * forever the way ioredis does by default.
 */
export async function checkRedis(url: string, timeoutMs: number = REDIS_CHECK_TIMEOUT_MS): Promise<void> {
  const redis = new Redis(url, {
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

/** The queues, timer scheduler and (when started) workers of one process. */
export function createRuntime(config: Config, db: Kysely<Database>, logger: Logger, now?: () => Date): WorkerRuntime {
  return createWorkerRuntime({
    redisUrl: config.redisUrl,
    prefix: config.queuePrefix,
    db,
    logger,
    reconcileEveryMs: durationMillis(config.reconcileEvery),
    concurrency: config.workerConcurrency,
    webhook:
      config.notifyWebhookUrl !== undefined && config.notifyWebhookSecret !== undefined
        ? { url: config.notifyWebhookUrl, secret: config.notifyWebhookSecret }
        : undefined,
    checkpoint: checkpointScheduleOf(config, db, now),
    ...(now !== undefined && { now }),
  });
}

/** The engine of this process, arming timers after each commit. */
export function createEngineFor(config: Config, db: Kysely<Database>, runtime: WorkerRuntime, now?: () => Date): PetitionEngine {
  return createPetitionEngine({
    db,
    policy: config.policy,
    calendar: createChinaCalendar(config.calendarOverrides),
    onCommitted: (change) => runtime.onCommitted(change),
    ...(now !== undefined && { now }),
  });
}

/** A running worker process (`petitionflow worker`). */
export interface RunningWorker {
  readonly runtime: WorkerRuntime;
  close(): Promise<void>;
}

/**
 * Runs only the deadline and notification workers and the sweeper: any
 * number of these processes, on any number of machines, may share one Redis
 * and one PostgreSQL; the case lock and the deadline rows keep every
 * deadline firing once in effect.
 */
export async function startWorkerProcess(config: Config, logger: Logger, options: { handleSignals?: boolean; now?: () => Date } = {}): Promise<RunningWorker> {
  await checkRedis(config.redisUrl);
  const database = await openDatabase(config, {
    onIdleClientError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  const runtime = createRuntime(config, database.db, logger, options.now);
  runtime.startWorkers(createEngineFor(config, database.db, runtime, options.now));
  logger.info({ prefix: config.queuePrefix, concurrency: config.workerConcurrency }, 'petitionflow workers running');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await runtime.close();
      await database.close();
    })();
    return closing;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'workers shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    close().then(
      () => logger.info('workers stopped'),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exitCode = 1;
      },
    );
  };
  if (options.handleSignals !== false) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { runtime, close };
}

/** Options of {@link startApp}. */
export interface StartAppOptions {
  /** Install SIGTERM/SIGINT handlers that close the app (default true; tests pass false). */
  readonly handleSignals?: boolean;
  /** The engine's clock; tests may pass a fake one. */
  readonly now?: () => Date;
  /** Run the deadline workers and the sweeper in this process too (default true, as `npm start` does). */
  readonly workers?: boolean;
}

/** A started app. */
export interface RunningApp {
  readonly server: FastifyInstance;
  readonly db: Kysely<Database>;
  /** The bound address (with `PORT=0`, the port the OS chose). */
  readonly address: { readonly host: string; readonly port: number };
  /** `http://host:port` of the bound address, for clients and tests. */
  readonly url: string;
  /** The queues, timers and workers of this process. */
  readonly runtime: WorkerRuntime;
  /** Closes the HTTP server, then Redis and the database. Idempotent. */
  close(): Promise<void>;
}

/** Resolves true when `probe` succeeds within the readiness timeout. */
async function probe(run: () => Promise<unknown>, what: string): Promise<boolean> {
  try {
    await withTimeout(run(), READINESS_TIMEOUT_MS, what);
    return true;
  } catch {
    return false;
  }
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Starts the whole engine in this process: checks Redis, opens and migrates
 * the database, builds the engine, audit service and HTTP API, and listens on
 * `config.host:config.port`.
 *
 * Redis is checked before the database is opened: a missing Redis is the
 * commonest start-up problem, and checking it first reports it in a second
 * instead of after PGlite's first-run initdb, and without creating `./data`.
 * Throws {@link RedisUnreachableError} in that case (the CLI prints its
 * message as one line and exits 1). Anything opened before a failure is closed.
 */
export async function startApp(config: Config, logger: Logger, options: StartAppOptions = {}): Promise<RunningApp> {
  await checkRedis(config.redisUrl);

  const database = await openDatabase(config, {
    onIdleClientError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  for (const name of database.applied) logger.info({ migration: name }, 'migration applied');

  // Kept open for readiness probes. Unlike the start-up check it reconnects
  // forever (ioredis' default), and fails commands at once while disconnected
  // so /readyz answers "not ready" instead of hanging.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  let redisDown = false;
  redis.on('error', (err: Error) => {
    // Logged once per outage, not once per reconnect attempt.
    if (!redisDown) logger.warn({ err: { message: err.message } }, 'Redis connection lost');
    redisDown = true;
  });
  redis.on('ready', () => {
    if (redisDown) logger.info('Redis connection restored');
    redisDown = false;
  });

  const runtime = createRuntime(config, database.db, logger, options.now);
  let server: FastifyInstance | undefined;
  const closeAll = async (): Promise<void> => {
    // The server first, so in-flight requests finish against a live database; then the workers finish their jobs.
    if (server !== undefined) await server.close();
    await runtime.close();
    await redis.quit().catch(() => redis.disconnect());
    await database.close();
  };

  try {
    await redis.connect();
    const db = database.db;
    const engine = createEngineFor(config, db, runtime, options.now);
    if (options.workers !== false) runtime.startWorkers(engine);
    const audit = createAuditService(db);
    server = await buildServer({
      engine,
      audit,
      checkpoints: createAuditCheckpointService({ db, audit, signingKey: () => resolveAuditSigningKey(config), ...(options.now !== undefined && { now: options.now }) }),
      db,
      authSecret: resolveAuthSecret(config),
      logger,
      incidents: runtime,
      readiness: async () => ({
        database: await probe(() => sql`select 1`.execute(db), 'database probe'),
        redis: await probe(() => redis.ping(), 'Redis probe'),
      }),
      ...(options.now !== undefined && { now: options.now }),
    });
    await server.listen({ host: config.host, port: config.port });
  } catch (err) {
    await closeAll().catch(() => undefined);
    throw err;
  }

  const listening = server;
  const bound = listening.server.address() as AddressInfo;
  const address = { host: bound.address, port: bound.port };
  logger.info({ address: `${urlHost(address.host)}:${address.port}`, embedded: config.databaseUrl === undefined }, 'petitionflow listening');

  let closing: Promise<void> | undefined;
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing !== undefined) {
      // A second Ctrl-C means "now".
      logger.warn({ signal }, 'second signal, exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    // Something (a stuck connection, a timer) could keep the loop alive after close; do not hang a deploy.
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    close().then(
      () => logger.info('stopped'),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exitCode = 1;
      },
    );
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const s of signals) process.off(s, onSignal);
      await closeAll();
    })();
    return closing;
  };
  if (options.handleSignals !== false) for (const s of signals) process.on(s, onSignal);

  return { server: listening, db: database.db, runtime, address, url: `http://${urlHost(address.host)}:${address.port}`, close };
}
