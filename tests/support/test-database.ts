import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { Kysely } from 'kysely';
import { createKysely } from '../../db/database';
import { setUpAppRole } from '../../db/database-roles';
import { migrateToLatest } from '../../db/migrator';
import type { Database } from '../../db/schema';

/** The shared PostgreSQL server of the machine; each test file gets a database of its own on it. */
export const TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A private, migrated database for one test file. `db`, `pool` and `url` are
 * the least-privilege application role, as production runs; `ownerDb` and
 * `ownerPool` are the owner that ran the migrations (the server's superuser
 * here), for tests that tamper with what the application role cannot.
 */
export interface TestDatabase {
  readonly name: string;
  /** Connection URL as the application role. */
  readonly url: string;
  readonly db: Kysely<Database>;
  readonly pool: Pool;
  /** The application role's name, unique to this database (roles are cluster-wide). */
  readonly appRole: string;
  readonly ownerUrl: string;
  readonly ownerDb: Kysely<Database>;
  readonly ownerPool: Pool;
  /** Destroys the pools, drops the database and its application role. */
  drop(): Promise<void>;
}

function urlFor(name: string, user?: string): string {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${name}`;
  if (user !== undefined) {
    u.username = user;
    u.password = '';
  }
  return u.toString();
}

function quietPool(url: string, max: number, idleTimeoutMillis?: number): Pool {
  const pool = new Pool({ connectionString: url, max, ...(idleTimeoutMillis !== undefined && { idleTimeoutMillis }) });
  // drop() ends the pool and then drops the database WITH (FORCE): a connection still closing may be terminated by
  // the server first, which pg reports as an error event; unheard, it would fail a test file whose tests all passed.
  pool.on('error', () => undefined);
  return pool;
}

/** Creates `pf_<label>_<random>`, migrates it as the owner, sets up `<name>_app` and returns Kyselys over both. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `pf_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const appRole = `${name}_app`;
  const admin = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
  await admin.query(`create database ${name}`);
  await admin.end();
  const ownerUrl = urlFor(name);
  // The owner migrates and, in a few tests, tampers: two connections are plenty, and idle ones close soon, since
  // the server's connection slots are shared by every test file running at once.
  const ownerPool = quietPool(ownerUrl, 2, 1000);
  const ownerDb = createKysely(ownerPool);
  await migrateToLatest(ownerDb as Kysely<unknown>);
  await setUpAppRole(ownerDb as Kysely<unknown>, { role: appRole });
  const url = urlFor(name, appRole);
  const pool = quietPool(url, 10);
  const db = createKysely(pool);
  return {
    name,
    url,
    db,
    pool,
    appRole,
    ownerUrl,
    ownerDb,
    ownerPool,
    async drop() {
      await db.destroy();
      await ownerDb.destroy();
      const a = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
      try {
        await a.query(`drop database if exists ${name} with (force)`);
        await a.query(`drop role if exists ${appRole}`);
      } finally {
        await a.end();
      }
    },
  };
}
