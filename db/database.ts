import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import type { Database } from './schema';

/** A Kysely instance over any pg-compatible pool (node-postgres, or the PGlite adapter). */
export function createKysely(pool: PostgresPool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
