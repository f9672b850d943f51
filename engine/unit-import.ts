import { z } from 'zod';
import type { UnitRecord } from '../db/unit.repository';
import { divisionCodeSchema } from '../machines/petition.roles';
import { ValidationError } from './errors';

/** The unit file `petitionflow units import` reads: an array of units, parents before or after children. */
export const unitFileSchema = z
  .array(
    z.strictObject({
      code: divisionCodeSchema,
      name: z.string().trim().min(1).max(100),
      level: z.enum(['province', 'city', 'county', 'township', 'village']),
      parentCode: divisionCodeSchema.nullable().default(null),
    }),
  )
  .max(200_000);

function treeError(code: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: [code], message }]);
}

/**
 * Orders units so every parent comes before its children; throws a
 * ValidationError naming a unit whose parent is missing or that is its own ancestor.
 */
export function parentsFirst(units: readonly UnitRecord[], known: ReadonlySet<string> = new Set()): UnitRecord[] {
  const byCode = new Map(units.map((u) => [u.code, u]));
  const placed = new Set(known);
  const out: UnitRecord[] = [];
  const place = (u: UnitRecord, path: Set<string>): void => {
    if (placed.has(u.code)) return;
    if (path.has(u.code)) throw treeError(u.code, `unit ${u.code} is its own ancestor`);
    if (u.parentCode !== null && !placed.has(u.parentCode)) {
      const parent = byCode.get(u.parentCode);
      if (parent === undefined) {
        throw treeError(u.code, `unit ${u.code} names parent ${u.parentCode}, which is neither in the file nor in the database`);
      }
      place(parent, new Set([...path, u.code]));
    }
    placed.add(u.code);
    out.push(u);
  };
  for (const u of units) place(u, new Set());
  return out;
}
