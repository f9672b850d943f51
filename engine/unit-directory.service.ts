import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { listUnits, type UnitRecord } from '../db/unit.repository';
import { inSubtree, type UnitKind } from '../machines/unit-tree';

/**
 * How long a process trusts its copy of the unit tree. Units change rarely
 * and by `units import`, usually in another process (the CLI), which cannot
 * tell this one: after at most this long the next lookup reloads the tree.
 * An import through this process's own {@link UnitDirectory} takes effect at once.
 */
export const UNIT_CACHE_TTL_MS = 60_000;

/** One unit as the engine and the API see it, with its review body resolved (its parent unless configured). */
export interface UnitEntry extends UnitRecord {
  /** The body one level up that reviews this unit's answers (Arts 35-36); null for a unit without a parent. */
  readonly effectiveReviewBody: string | null;
}

/** A loaded copy of the unit tree: synchronous lookups, no I/O. */
export interface UnitTree {
  /** How many units are loaded; 0 means no tree was imported at all. */
  readonly size: number;
  /** The unit of a code, if it is in the tree. */
  get(code: string): UnitEntry | undefined;
  /** Whether a code names a unit of the tree. */
  has(code: string): boolean;
  /** A unit's name, or undefined for a code outside the tree. */
  nameOf(code: string): string | undefined;
  /** A unit's kind, or undefined for a code outside the tree. */
  kindOf(code: string): UnitKind | undefined;
  /** The body reviewing a unit's answers one level up (configured, else its parent); null when none. */
  reviewBodyOf(code: string): string | null;
  /** The names of the given codes that are in the tree, by code. */
  namesOf(codes: readonly string[]): Record<string, string>;
  /** Every unit, by code; with `under`, that unit's subtree (itself included). */
  list(under?: string): UnitEntry[];
}

/** Builds the lookups over a list of units (exported for tests and for callers holding units already). */
export function unitTreeOf(units: readonly UnitRecord[]): UnitTree {
  const byCode = new Map<string, UnitEntry>(units.map((u) => [u.code, { ...u, effectiveReviewBody: u.reviewBody ?? u.parentCode }]));
  const sorted = [...byCode.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return {
    size: byCode.size,
    get: (code) => byCode.get(code),
    has: (code) => byCode.has(code),
    nameOf: (code) => byCode.get(code)?.name,
    kindOf: (code) => byCode.get(code)?.kind,
    reviewBodyOf: (code) => byCode.get(code)?.effectiveReviewBody ?? null,
    namesOf: (codes) =>
      Object.fromEntries(
        codes.flatMap((c) => {
          const u = byCode.get(c);
          return u === undefined ? [] : [[c, u.name]];
        }),
      ),
    list: (under) => (under === undefined ? sorted : sorted.filter((u) => inSubtree(u.code, under))),
  };
}

/** The unit tree as the engine reads it: a cached copy, reloaded after {@link UNIT_CACHE_TTL_MS}. */
export interface UnitDirectory {
  /** The current copy of the tree (loaded on first use and when expired; concurrent callers share one load). */
  tree(): Promise<UnitTree>;
  /** Forgets the copy: the next {@link tree} reloads (called after an import through this process). */
  invalidate(): void;
}

/** Options of {@link createUnitDirectory}; tests shorten the TTL and move the clock. */
export interface UnitDirectoryOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/** Creates a unit directory over the database, one per process. */
export function createUnitDirectory(db: Kysely<Database>, options: UnitDirectoryOptions = {}): UnitDirectory {
  const ttl = options.ttlMs ?? UNIT_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  let cached: { tree: Promise<UnitTree>; loadedAt: number } | undefined;
  return {
    tree() {
      if (cached === undefined || now() - cached.loadedAt >= ttl) {
        const loading = { tree: listUnits(db).then(unitTreeOf), loadedAt: now() };
        // A failed load is not cached: the next call tries again.
        loading.tree.catch(() => {
          if (cached === loading) cached = undefined;
        });
        cached = loading;
      }
      return cached.tree;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
