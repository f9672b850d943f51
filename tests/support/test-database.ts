import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { Kysely } from 'kysely';
import { createKysely } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import type { Database } from '../../db/schema';

/** The shared PostgreSQL server of the machine; each test file gets a database of its own on it. */
export const TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A private, migrated database for one test file. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Kysely<Database>;
  readonly pool: Pool;
  /** Destroys the pool and drops the database. */
  drop(): Promise<void>;
}

function urlFor(name: string): string {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Creates `pf_<label>_<random>`, migrates it, and returns a Kysely over it. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `pf_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = urlFor(name);
  const pool = new Pool({ connectionString: url, max: 10 });
  // drop() ends the pool and then drops the database WITH (FORCE): a connection still closing may be terminated by
  // the server first, which pg reports as an error event; unheard, it would fail a test file whose tests all passed.
  pool.on('error', () => undefined);
  const db = createKysely(pool);
  await migrateToLatest(db as Kysely<unknown>);
  return {
    name,
    url,
    db,
    pool,
    async drop() {
      await db.destroy();
      const a = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
