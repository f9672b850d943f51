/**
 * Chooses the database behind Kysely's `PostgresDialect`: PostgreSQL over
 * node-postgres when a URL is configured, otherwise the embedded PGlite
 * database on disk. Both are pools of the same shape, so everything above this
 * file (Kysely, repositories, migrations) has a single SQL code path.
 */
import { join } from 'node:path';
import type { PostgresPool } from 'kysely';
import { Pool } from 'pg';
import { createPglitePool } from './pglite-pool.adapter';

/** What both back ends return from `query`: the common part of node-postgres' `QueryResult`. */
export interface DatabaseQueryResult<R> {
  readonly command: string;
  readonly rowCount: number | null;
  readonly rows: R[];
}

/**
 * A pool Kysely's `PostgresDialect` accepts, which can also run a query
 * directly (health checks, one-off statements) like `pg.Pool#query`.
 */
export interface DatabasePool extends PostgresPool {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, parameters?: unknown[]): Promise<DatabaseQueryResult<R>>;
}

/** Inputs of {@link createDatabasePool}; a `Config` from `loadConfig` fits. */
export interface DatabasePoolConfig {
  /** PostgreSQL connection string; unset or empty selects the embedded database. */
  readonly databaseUrl?: string | undefined;
  /** The application's data directory; the embedded database lives in its `pglite` subfolder. */
  readonly dataDir: string;
  /**
   * Receives errors of idle PostgreSQL connections (e.g. the server restarted).
   * Without a listener node-postgres' pool re-throws them and the process
   * exits, so long-running processes should pass their logger here.
   */
  readonly onIdleClientError?: (err: Error) => void;
}

/** Folder under `dataDir` for PGlite's files, kept apart from other state there (e.g. `auth-secret`). */
export const PGLITE_SUBDIR = 'pglite';

/**
 * Returns a `pg.Pool` (10 connections, `application_name` `petitionflow`) when
 * `databaseUrl` is set, else a {@link PglitePool} on `<dataDir>/pglite`
 * (created on first use). Hand the result to `new PostgresDialect({ pool })`;
 * `Kysely#destroy()` then ends it.
 *
 * The embedded database has a single connection: transactions run one after
 * another, and a query issued through the outer Kysely instance while a
 * transaction holds the connection waits (and times out) instead of running on
 * a second connection. See `db/driver/pglite-pool.adapter.ts` for other differences.
 */
export async function createDatabasePool(config: DatabasePoolConfig): Promise<DatabasePool> {
  if (config.databaseUrl !== undefined && config.databaseUrl !== '') {
    const pool = new Pool({ connectionString: config.databaseUrl, max: 10, application_name: 'petitionflow' });
    const onError = config.onIdleClientError ?? (() => undefined);
    pool.on('error', onError);
    // A checked-out client that loses its server (PostgreSQL restarted) emits 'error' too, and the pool does not
    // listen while the client is lent out: without this the process dies; with it the query fails and is retried.
    pool.on('connect', (client) => client.on('error', onError));
    return pool;
  }
  return createPglitePool(join(config.dataDir, PGLITE_SUBDIR));
}
