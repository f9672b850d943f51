import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { listUnits, upsertUnits, type UnitRecord } from '../db/unit.repository';
import type { Actor } from '../machines/petition.roles';
import { requireCapability } from './access';
import { NotFoundError } from './errors';
import { createUnitDirectory, type UnitDirectory, type UnitEntry } from './unit-directory.service';
import { checkUnitLinks, parentsFirst } from './unit-import';

export type { UnitEntry, UnitRecord };

/** Units in one statement at most: keeps the parameter count under PostgreSQL's limit. */
const CHUNK = 5000;

/** The unit tree: divisions (province > city > county > township > village), their bureaus and departments. */
export interface UnitService {
  /** All units, by code, as stored now (not the cached copy). */
  list(): Promise<UnitRecord[]>;
  /**
   * The tree for `GET /units` (the cached copy): every unit, or with `under`
   * that unit's subtree. Unit names are not personal data, so any subtree is
   * served to any person (`units.read`); NOT_FOUND for an `under` outside a loaded tree.
   */
  tree(actor: Actor, under?: string): Promise<UnitEntry[]>;
  /**
   * Inserts or updates units, parents first whatever their order; a unit whose
   * parent or review body is neither given nor stored, or whose kind and level
   * do not fit its parent, is a ValidationError and nothing is written.
   * Resolves to the number of units given; this process's directory reloads.
   */
  importUnits(units: readonly UnitRecord[]): Promise<number>;
}

/** Creates the unit service over the database and the process's unit directory. */
export function createUnitService(db: Kysely<Database>, directory: UnitDirectory = createUnitDirectory(db)): UnitService {
  return {
    list: () => listUnits(db),
    async tree(actor, under) {
      requireCapability(actor, 'units.read');
      const tree = await directory.tree();
      if (under !== undefined && tree.size > 0 && !tree.has(under)) throw new NotFoundError('unit');
      return tree.list(under);
    },
    async importUnits(units) {
      const stored = await listUnits(db);
      const ordered = parentsFirst(units, new Set(stored.map((u) => u.code)));
      checkUnitLinks(units, stored);
      for (let i = 0; i < ordered.length; i += CHUNK) await upsertUnits(db, ordered.slice(i, i + CHUNK));
      directory.invalidate();
      return units.length;
    },
  };
}
