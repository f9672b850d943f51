/**
 * What the engine reads of the unit tree while it runs a command or builds a
 * view: whether a unit exists, its kind and name, the body that reviews its
 * decisions and the unit above it. One synchronous snapshot of the tree per
 * command or read (the tree is small: a city's governments, bureaus and
 * departments), so the pure machine code can ask it without I/O.
 */
import type { UnitTreeView } from '../machines/versions/v3/v3.relations';
import { divisionOf, inSubtree, type UnitKind } from '../machines/unit-tree';
import type { UnitDirectory as UnitDirectoryService, UnitTree } from './unit-directory.service';

export type { UnitKind };

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

/** Where the engine gets the directory from: the process's unit directory (engine/unit-directory.service.ts). */
export type UnitDirectorySource = Pick<UnitDirectoryService, 'tree'>;

/** A directory over a list of units (tests and callers holding units already). */
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
 * The engine's view over a loaded tree of the unit directory. A bureau stands
 * above what its division holds (a county bureau supervises the county's
 * townships), as reach reads it (engine/access/unit-reach.ts).
 */
export function directoryOfTree(tree: UnitTree): UnitDirectory {
  const scopeOf = (code: string) => (tree.kindOf(code) === 'bureau' ? divisionOf(code) : code);
  return {
    exists: (code) => tree.has(code),
    kindOf: (code) => tree.kindOf(code),
    nameOf: (code) => tree.nameOf(code),
    parentOf: (code) => tree.get(code)?.parentCode ?? null,
    reviewBodyOf: (code) => tree.reviewBodyOf(code),
    within: (unit, scope) => inSubtree(unit, scopeOf(scope)),
  };
}

/** Loads the tree of a source (cached by the directory) as the engine reads it. */
export async function loadDirectory(source: UnitDirectorySource): Promise<{ tree: UnitTree; directory: UnitDirectory }> {
  const tree = await source.tree();
  return { tree, directory: directoryOfTree(tree) };
}
