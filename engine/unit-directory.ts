/**
 * What the engine reads of the unit tree while it runs a command or builds a
 * view: whether a unit exists, its kind and name, the body that reviews its
 * decisions and the unit above it. One synchronous snapshot of the tree per
 * command or read (the tree is small: a city's governments, bureaus and
 * departments), so the pure machine code can ask it without I/O.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import { listUnits } from '../db/unit.repository';
import type { UnitTreeView } from '../machines/versions/v3/v3.relations';
import { inSubtree } from '../machines/unit-tree';

/** A unit's kind: a government (division), a petition bureau (信访局) or a department (教体局 …). */
export type UnitKind = 'division' | 'bureau' | 'department';

/** One unit as the directory knows it. */
export interface DirectoryUnit {
  readonly code: string;
  readonly name: string;
  readonly kind: UnitKind;
  readonly parentCode: string | null;
  /** The next-higher body that reviews its decisions (Arts 35-36); its parent unless the tree says otherwise. */
  readonly reviewBody: string | null;
}

/** The unit tree as the engine asks it. */
export interface UnitDirectory extends UnitTreeView {
  exists(code: string): boolean;
  kindOf(code: string): UnitKind | undefined;
  nameOf(code: string): string | undefined;
  /** The unit directly above (its parent), if any. */
  parentOf(code: string): string | null;
}

/** Where the engine gets the directory from: one load per command or read. */
export interface UnitDirectorySource {
  load(db: Kysely<Database> | Transaction<Database>): Promise<UnitDirectory>;
}

/** A directory over a list of units. */
export function unitDirectoryOf(units: readonly DirectoryUnit[]): UnitDirectory {
  const byCode = new Map(units.map((u) => [u.code, u]));
  return {
    exists: (code) => byCode.has(code),
    kindOf: (code) => byCode.get(code)?.kind,
    nameOf: (code) => byCode.get(code)?.name,
    parentOf: (code) => byCode.get(code)?.parentCode ?? null,
    reviewBodyOf: (code) => {
      const unit = byCode.get(code);
      return unit === undefined ? null : (unit.reviewBody ?? unit.parentCode);
    },
    within: (unit, scope) => inSubtree(unit, scope),
  };
}

/**
 * The directory over the `units` table as it stands: every unit a division,
 * reviewed by its parent. The unit tree with kinds and review bodies replaces
 * this loader when it lands; until then a v3 case registered anywhere is
 * registered at a body.
 */
export const tableUnitDirectory: UnitDirectorySource = {
  async load(db) {
    const rows = await listUnits(db);
    return unitDirectoryOf(rows.map((u) => ({ code: u.code, name: u.name, kind: 'division', parentCode: u.parentCode, reviewBody: null })));
  },
};
