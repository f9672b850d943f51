/**
 * `petitionflow serve` (and `npm start`): the whole engine in one process,
 * the HTTP API on `config.host:config.port` and, by default, the deadline
 * workers. The integration tests start the app through here too, so they and
 * `npm start` share one code path.
 */
import { availableParallelism } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { buildServer } from '../api/server';
import { resolveAuthSecret } from '../config/auth-secret';
import { resolvePeopleIndexKey } from '../config/people-index-key';
import type { Config } from '../config/load-config';
import type { Database } from '../db/schema';
import { resolveAuditSigningKey } from '../config/audit-signing-key';
import { createAuditCheckpointService } from '../engine/audit-checkpoint.service';
import { createAuditService } from '../engine/audit.service';
import type { WorkerRuntime } from '../workers/worker-runtime';
import { createLifecycle } from './lifecycle';
import { openProcessRuntime } from './process-runtime';
import { openReadiness } from './readiness';

/** Options of {@link startApp}. */
export interface StartAppOptions {
  /** Install SIGTERM/SIGINT handlers that close the app (default true; tests pass false). */
  readonly handleSignals?: boolean;
  /** The engine's clock; tests may pass a fake one. */
  readonly now?: () => Date;
  /** Run the deadline workers and the sweeper in this process too (default true, as `npm start` does). */
  readonly workers?: boolean;
  /** Receives the one plain line that ends start-up (where the console is, how to sign in); the CLI writes it to stderr. */
  readonly announce?: (line: string) => void;
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
  /** Closes the HTTP server, then the workers, Redis and the database. Idempotent. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The plain line a person reads after `npm start` (the logs around it are JSON
 * for machines): where the console is and how to get a first account. A
 * wildcard bind address is shown as `localhost`, which is where a first look
 * comes from.
 */
export function startLine(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' || host === '' ? 'localhost' : urlHost(host);
  return `petitionflow: console at http://${shown}:${port}/console/ — sign in with a user from \`npx petitionflow users add\` or \`npx petitionflow seed-demo\``;
}

/**
 * Starts the whole engine in this process: checks Redis, opens and migrates
 * the database, builds the engine, audit service and HTTP API, and listens on
 * `config.host:config.port`. Throws `RedisUnreachableError` when Redis does
 * not answer (the CLI prints its message as one line and exits 1), before the
 * database is touched. Anything opened before a failure is closed.
 */
export async function startApp(config: Config, logger: Logger, options: StartAppOptions = {}): Promise<RunningApp> {
  const lifecycle = createLifecycle(logger);
  const { db, runtime, server } = await lifecycle.starting(async () => {
    const opened = await openProcessRuntime(config, logger, lifecycle, { workers: options.workers !== false, now: options.now });
    const readiness = await openReadiness(config.redisUrl, opened.db, logger, lifecycle);
    // Background verifications leave a CPU to the requests being served.
    const audit = createAuditService(opened.db, { connectionString: config.databaseUrl, threads: Math.max(1, availableParallelism() - 1) });
    const app = await buildServer({
      engine: opened.engine,
      audit,
      checkpoints: createAuditCheckpointService({
        db: opened.db,
        audit,
        signingKey: () => resolveAuditSigningKey(config),
        ...(options.now !== undefined && { now: options.now }),
      }),
      db: opened.db,
      units: opened.units,
      authSecret: resolveAuthSecret(config),
      peopleIndexKey: resolvePeopleIndexKey(config),
      logger,
      limits: config.api,
      fourNone: config.policy.statistics?.fourNone,
      sessions: config.sessions,
      attachments: config.attachments,
      incidents: opened.runtime,
      readiness,
      corsOrigins: config.corsOrigins,
      ...(options.now !== undefined && { now: options.now }),
    });
    // The server closes first, so in-flight requests finish against a live database and workers.
    lifecycle.onClose(() => app.close());
    await app.listen({ host: config.host, port: config.port });
    return { ...opened, server: app };
  });

  const bound = server.server.address() as AddressInfo;
  const address = { host: bound.address, port: bound.port };
  logger.info(
    { address: `${urlHost(address.host)}:${address.port}`, embedded: config.databaseUrl === undefined },
    'petitionflow listening',
  );
  options.announce?.(startLine(config.host, address.port));
  if (options.handleSignals !== false) lifecycle.handleSignals();
  return { server, db, runtime, address, url: `http://${urlHost(address.host)}:${address.port}`, close: lifecycle.close };
}
