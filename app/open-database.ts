/**
 * Opening the configured database for any command: the driver
 * (`db/driver/`), Kysely over it, and the schema brought up to date.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load-config';
import { createKysely } from '../db/database';
import { createDatabasePool, type DatabasePool } from '../db/driver/database-pool';
import { migrateToLatest } from '../db/migrator';
import { backfillFactsAfter } from '../engine/statistics/facts-rebuild';
import type { Database } from '../db/schema';

/** A migrated database handle. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly pool: DatabasePool;
  /** Names of the migrations this call applied (empty when the schema was already current). */
  readonly applied: readonly string[];
  /** Destroys Kysely, which ends the pool (node-postgres) or closes the embedded database (PGlite). Idempotent. */
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
    await backfillFactsAfter(db, applied);
    return { db, pool, applied, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

/**
 * Opens and migrates the database for one short command, runs `run`, and
 * always closes the database, whether `run` succeeded or not.
 */
export async function withDatabase<T>(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  run: (db: Kysely<Database>, applied: readonly string[]) => Promise<T>,
): Promise<T> {
  const database = await openDatabase(config);
  try {
    return await run(database.db, database.applied);
  } finally {
    await database.close();
  }
}
