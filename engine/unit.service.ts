import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { listUnits, upsertUnits, type UnitRecord } from '../db/unit.repository';
import { parentsFirst } from './unit-import';

export type { UnitRecord };

/** Units in one statement at most: keeps the parameter count under PostgreSQL's limit. */
const CHUNK = 5000;

/** The administrative unit tree (province > city > county > township > village). */
export interface UnitService {
  /** All units, by code. */
  list(): Promise<UnitRecord[]>;
  /**
   * Inserts or renames units, parents first whatever their order; a unit whose
   * parent is neither given nor stored is a ValidationError and nothing is written.
   * Resolves to the number of units given.
   */
  importUnits(units: readonly UnitRecord[]): Promise<number>;
}

/** Creates the unit service over the database. */
export function createUnitService(db: Kysely<Database>): UnitService {
  return {
    list: () => listUnits(db),
    async importUnits(units) {
      const existing = new Set((await listUnits(db)).map((u) => u.code));
      const ordered = parentsFirst(units, existing);
      for (let i = 0; i < ordered.length; i += CHUNK) await upsertUnits(db, ordered.slice(i, i + CHUNK));
      return units.length;
    },
  };
}
