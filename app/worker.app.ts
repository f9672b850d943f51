/**
 * `petitionflow worker`: only the deadline and notification workers and the
 * sweeper. Any number of these processes, on any number of machines, may
 * share one Redis and one PostgreSQL; the case lock and the deadline rows
 * keep every deadline firing once in effect.
 */
import type { Logger } from 'pino';
import type { Config } from '../config/load-config';
import type { WorkerRuntime } from '../workers/worker-runtime';
import { createLifecycle } from './lifecycle';
import { openProcessRuntime } from './process-runtime';

/** Options of {@link startWorkerProcess}. */
export interface StartWorkerOptions {
  /** Install SIGTERM/SIGINT handlers that close the process (default true; tests pass false). */
  readonly handleSignals?: boolean;
  /** The engine's clock; tests may pass a fake one. */
  readonly now?: () => Date;
}

/** A running worker process. */
export interface RunningWorker {
  readonly runtime: WorkerRuntime;
  /** Stops the workers and the sweeper, then closes Redis and the database. Idempotent. */
  close(): Promise<void>;
}

/** Checks Redis, opens the database and starts the workers; throws `RedisUnreachableError` without Redis. */
export async function startWorkerProcess(config: Config, logger: Logger, options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const lifecycle = createLifecycle(logger, { name: 'workers' });
  const { runtime } = await lifecycle.starting(() => openProcessRuntime(config, logger, lifecycle, { workers: true, now: options.now }));
  logger.info({ prefix: config.queuePrefix, concurrency: config.workerConcurrency }, 'petitionflow workers running');
  if (options.handleSignals !== false) lifecycle.handleSignals();
  return { runtime, close: lifecycle.close };
}
