import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { Kysely } from 'kysely';
import { createKysely } from '../db/database';
import { migrateToLatest } from '../db/migrator';
import type { Database } from '../db/schema';

/** The default admin connection: the machine's PostgreSQL as its superuser. Overridden with `--admin-url`. */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** A throwaway, migrated database for one benchmark run. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  readonly db: Kysely<Database>;
  /** The pool under `db` (the engine's connections). */
  readonly pool: Pool;
  /** Destroys `db` and drops the database, whoever is still connected. */
  drop(): Promise<void>;
}

function urlFor(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

const safeLabel = (label: string) => label.replace(/[^a-z0-9]/gi, '_').toLowerCase();

/** Creates `pf_bench_<label>_<random>` on the server of `adminUrl`, migrates it, and returns a Kysely over it. */
export async function createBenchDatabase(adminUrl: string, label: string, poolSize: number): Promise<BenchDatabase> {
  const name = `pf_bench_${safeLabel(label)}_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return openBenchDatabase(adminUrl, name, poolSize);
}

/**
 * The kept database of `label` (`pf_bench_<label>_kept`, the label naming the
 * data set's size): opened and migrated to the latest schema when an earlier
 * run finished building it (it holds the `bench_built` marker table), else
 * created afresh (a half-built one is dropped first). `built` says which; the
 * caller calls {@link markBuilt} once its data set is complete.
 */
export async function keptBenchDatabase(
  adminUrl: string,
  label: string,
  poolSize: number,
): Promise<{ bench: BenchDatabase; built: boolean }> {
  const name = `pf_bench_${safeLabel(label)}_kept`;
  const admin = new Pool({ connectionString: adminUrl, max: 1 });
  try {
    const exists = await admin.query(`select 1 from pg_database where datname = $1`, [name]);
    if (exists.rowCount !== 0) {
      const bench = await openBenchDatabase(adminUrl, name, poolSize);
      const marker = await bench.pool.query<{ built: boolean }>(`select to_regclass('bench_built') is not null as built`);
      if (marker.rows[0]?.built === true) return { bench, built: true };
      await bench.drop();
    }
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return { bench: await openBenchDatabase(adminUrl, name, poolSize), built: false };
}

/** Marks a kept database's data set as complete, so the next `--keep` run reuses it. */
export async function markBuilt(bench: BenchDatabase): Promise<void> {
  await bench.pool.query(`create table bench_built (at timestamptz not null default now())`);
}

async function openBenchDatabase(adminUrl: string, name: string, poolSize: number): Promise<BenchDatabase> {
  const url = urlFor(adminUrl, name);
  const pool = new Pool({ connectionString: url, max: poolSize });
  // drop() ends the pool, then drops the database WITH (FORCE): a connection still closing may be terminated by the
  // server first, which pg reports as an error event; unheard, it would crash the benchmark after its figures.
  pool.on('error', () => undefined);
  const db = createKysely(pool);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await db.destroy();
    const a = new Pool({ connectionString: adminUrl, max: 1 });
    try {
      await a.query(`drop database if exists ${name} with (force)`);
    } finally {
      await a.end();
    }
  };
  try {
    await migrateToLatest(db as Kysely<unknown>);
  } catch (err) {
    await drop();
    throw err;
  }
  return { name, url, db, pool, drop };
}
