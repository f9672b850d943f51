import type { Kysely } from 'kysely';
import type { UnitKind, UnitLevel } from '../machines/unit-tree';
import type { Database } from './schema';

/** A unit of the tree: a division (government), a petition bureau or a department. */
export interface UnitRecord {
  readonly code: string;
  readonly name: string;
  readonly kind: UnitKind;
  readonly level: UnitLevel;
  readonly parentCode: string | null;
  /** The body reviewing this unit's answers one level up (Arts 35-36), when not its parent. */
  readonly reviewBody: string | null;
  /** For readable case numbers (`扶信`). */
  readonly shortName: string | null;
}

/** Inserts or updates units; parents must come before children. */
export async function upsertUnits(db: Kysely<Database>, units: readonly UnitRecord[]): Promise<void> {
  if (units.length === 0) return;
  await db
    .insertInto('units')
    .values(
      units.map((u) => ({
        code: u.code,
        name: u.name,
        kind: u.kind,
        level: u.level,
        parent_code: u.parentCode,
        review_body: u.reviewBody,
        short_name: u.shortName,
      })),
    )
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        kind: eb.ref('excluded.kind'),
        level: eb.ref('excluded.level'),
        parent_code: eb.ref('excluded.parent_code'),
        review_body: eb.ref('excluded.review_body'),
        short_name: eb.ref('excluded.short_name'),
      })),
    )
    .execute();
}

/** All units, by code. */
export async function listUnits(db: Kysely<Database>): Promise<UnitRecord[]> {
  const rows = await db.selectFrom('units').selectAll().orderBy('code').execute();
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    kind: r.kind as UnitKind,
    level: r.level as UnitLevel,
    parentCode: r.parent_code,
    reviewBody: r.review_body,
    shortName: r.short_name,
  }));
}
