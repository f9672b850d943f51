import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** A unit of the administrative tree. */
export interface UnitRecord {
  readonly code: string;
  readonly name: string;
  readonly level: 'province' | 'city' | 'county' | 'township' | 'village';
  readonly parentCode: string | null;
}

/** Inserts or renames units; parents must come before children. */
export async function upsertUnits(db: Kysely<Database>, units: readonly UnitRecord[]): Promise<void> {
  if (units.length === 0) return;
  await db
    .insertInto('units')
    .values(units.map((u) => ({ code: u.code, name: u.name, level: u.level, parent_code: u.parentCode })))
    .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({ name: eb.ref('excluded.name'), level: eb.ref('excluded.level'), parent_code: eb.ref('excluded.parent_code') })))
    .execute();
}

/** All units, by code. */
export async function listUnits(db: Kysely<Database>): Promise<UnitRecord[]> {
  const rows = await db.selectFrom('units').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, name: r.name, level: r.level as UnitRecord['level'], parentCode: r.parent_code }));
}

/**
 * Whether a unit code may be assigned to: `true` when it is in the tree, or
 * when no tree was loaded at all (an office that has not imported its units).
 */
export async function isAssignableUnit(db: Executor, code: string): Promise<boolean> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.exists(eb.selectFrom('units').select('code')).as('any_units'),
      eb.exists(eb.selectFrom('units').select('code').where('code', '=', code)).as('known'),
    ])
    .executeTakeFirstOrThrow();
  return !row.any_units || Boolean(row.known);
}
