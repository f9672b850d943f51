import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import { Pool } from 'pg';
import { preparingPool } from './driver/prepared-statements';
import type { Database } from './schema';

/**
 * A Kysely instance over any pg-compatible pool (node-postgres, or the PGlite
 * adapter). Over node-postgres, statements the process repeats run as
 * prepared statements (db/driver/prepared-statements.ts); PGlite is one
 * in-process backend, whose parse and plan cost no round trip.
 */
export function createKysely(pool: PostgresPool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool instanceof Pool ? preparingPool(pool) : pool }) });
}
