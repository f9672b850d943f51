/**
 * The one place that builds what a `serve` or `worker` process runs: the
 * database, the deadline queues and timer scheduler, the engine, and (when
 * asked) the workers that consume the queues.
 *
 * The engine and the worker runtime need each other only in halves: the
 * engine arms timers after each commit through the runtime's producer side
 * (queues, scheduler), which needs nothing from the engine; the runtime's
 * consumers (deadline worker, notifications, sweeper) fire timers through the
 * engine. So they are built in the one order those halves allow, here and
 * nowhere else: producer side, then the engine over it, then the consumers.
 * No late-bound hook is left unset in between.
 */
import type { Kysely } from 'kysely';
import { resolvePeopleIndexKey } from '../config/people-index-key';
import type { Logger } from 'pino';
import { durationMillis } from '../machines/iso-duration';
import type { Config } from '../config/load-config';
import type { Database } from '../db/schema';
import { createPetitionEngine, type PetitionEngine } from '../engine/petition.engine';
import { createUnitDirectory, type UnitDirectory } from '../engine/unit-directory.service';
import { createChinaCalendar } from '../engine/working-calendar';
import { checkpointScheduleOf } from '../workers/audit-checkpoint.publisher';
import { createWorkerRuntime, type WorkerRuntime } from '../workers/worker-runtime';
import type { Lifecycle } from './lifecycle';
import { openDatabase } from './open-database';
import { checkRedis } from './redis-check';

/**
 * The queues and timer scheduler of this process (the runtime's producer
 * side); nothing is consumed until `startWorkers`. Short commands such as
 * `incidents retry` use it alone.
 */
export function createRuntime(
  config: Config,
  db: Kysely<Database>,
  logger: Logger,
  now?: () => Date,
  units?: UnitDirectory,
): WorkerRuntime {
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
    ...(units !== undefined && { units }),
  });
}

/** The engine of this process over a runtime's producer side: timers are armed after each commit. */
function createEngineFor(
  config: Config,
  db: Kysely<Database>,
  runtime: WorkerRuntime,
  units: UnitDirectory,
  now?: () => Date,
): PetitionEngine {
  return createPetitionEngine({
    db,
    units,
    policy: config.policy,
    calendar: createChinaCalendar(config.calendarOverrides),
    peopleIndexKey: resolvePeopleIndexKey(config),
    onCommitted: (change) => runtime.onCommitted(change),
    ...(now !== undefined && { now }),
    ...(units !== undefined && { units }),
  });
}

/** Options of {@link openProcessRuntime}. */
export interface ProcessRuntimeOptions {
  /** Start the deadline and notification workers and the sweeper in this process. */
  readonly workers: boolean;
  /** The engine's and the workers' clock; tests may pass a fake one. */
  readonly now?: (() => Date) | undefined;
}

/** What a long-running process runs on. */
export interface ProcessRuntime {
  readonly db: Kysely<Database>;
  readonly engine: PetitionEngine;
  /** The process's one cached copy of the unit tree, shared by the engine and the API. */
  readonly units: UnitDirectory;
  /** The queues, timers and (when started) workers of this process. */
  readonly runtime: WorkerRuntime;
}

/**
 * Checks Redis, opens and migrates the database, and builds the runtime and
 * the engine (starting the workers when `options.workers`), registering each
 * resource with `lifecycle` as it is opened so it is closed in reverse order.
 *
 * Redis is checked before the database is opened: a missing Redis is the
 * commonest start-up problem, and checking it first reports it in a second
 * instead of after PGlite's first-run initdb, and without creating `./data`.
 * Throws `RedisUnreachableError` in that case.
 */
export async function openProcessRuntime(
  config: Config,
  logger: Logger,
  lifecycle: Lifecycle,
  options: ProcessRuntimeOptions,
): Promise<ProcessRuntime> {
  await checkRedis(config.redisUrl);
  const database = await openDatabase(config, {
    onIdleClientError: (err) => logger.warn({ err }, 'idle database connection failed'),
  });
  lifecycle.onClose(() => database.close());
  for (const name of database.applied) logger.info({ migration: name }, 'migration applied');

  // One unit directory for the engine, the API and the notification worker.
  const units = createUnitDirectory(database.db);
  const runtime = createRuntime(config, database.db, logger, options.now, units);
  // Workers finish their jobs after the server (registered later) has closed, against a live database.
  lifecycle.onClose(() => runtime.close());
  const engine = createEngineFor(config, database.db, runtime, units, options.now);
  if (options.workers) runtime.startWorkers(engine);
  return { db: database.db, engine, units, runtime };
}
