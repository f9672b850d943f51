import { z } from 'zod';
import type { UnitRecord } from '../db/unit.repository';
import { divisionCodeSchema } from '../machines/petition.roles';
import { DIVISION_CODE, divisionOf, UNIT_KINDS, UNIT_LEVELS } from '../machines/unit-tree';
import { ValidationError } from './errors';

/**
 * The unit file `petitionflow units import` reads: an array of units, parents
 * before or after children. `kind` defaults to `division`, so files written
 * before bureaus and departments were units still load; `reviewBody` (null:
 * the parent reviews) and `shortName` are optional.
 */
export const unitFileSchema = z
  .array(
    z
      .strictObject({
        code: divisionCodeSchema,
        name: z.string().trim().min(1).max(100),
        kind: z.enum(UNIT_KINDS).default('division'),
        level: z.enum(UNIT_LEVELS),
        parentCode: divisionCodeSchema.nullable().default(null),
        reviewBody: divisionCodeSchema.nullable().default(null),
        shortName: z.string().trim().min(1).max(20).nullable().default(null),
      })
      .superRefine((u, ctx) => {
        // The code-prefix subtree needs divisions on division codes and bureaus/departments on suffixed ones.
        if ((u.kind === 'division') !== DIVISION_CODE.test(u.code)) {
          const message =
            u.kind === 'division' ? 'a division has a division code (411621)' : `a ${u.kind} has its division's code plus -NN (411621-11)`;
          ctx.addIssue({ code: 'custom', path: ['code'], message });
        }
        if (u.kind !== 'division' && u.parentCode !== divisionOf(u.code)) {
          ctx.addIssue({ code: 'custom', path: ['parentCode'], message: `a ${u.kind}'s parent is its division ${divisionOf(u.code)}` });
        }
        if (u.reviewBody === u.code) ctx.addIssue({ code: 'custom', path: ['reviewBody'], message: 'a unit does not review itself' });
      }),
  )
  .max(200_000);

function treeError(code: string, message: string): ValidationError {
  return new ValidationError(message, [{ path: [code], message }]);
}

/**
 * Orders units so every parent given comes before its children (a stored
 * parent needs no place); throws a ValidationError naming a unit whose parent
 * is missing or that is its own ancestor. Every unit given is returned, stored
 * ones too, so an import renames them.
 */
export function parentsFirst(units: readonly UnitRecord[], known: ReadonlySet<string> = new Set()): UnitRecord[] {
  const byCode = new Map(units.map((u) => [u.code, u]));
  // A stored unit may be a parent already, but one given in the file is still written (renamed, re-kinded).
  const emitted = new Set<string>();
  const out: UnitRecord[] = [];
  const place = (u: UnitRecord, path: Set<string>): void => {
    if (emitted.has(u.code)) return;
    if (path.has(u.code)) throw treeError(u.code, `unit ${u.code} is its own ancestor`);
    if (u.parentCode !== null && !emitted.has(u.parentCode)) {
      const parent = byCode.get(u.parentCode);
      if (parent !== undefined) place(parent, new Set([...path, u.code]));
      else if (!known.has(u.parentCode)) {
        throw treeError(u.code, `unit ${u.code} names parent ${u.parentCode}, which is neither in the file nor in the database`);
      }
    }
    emitted.add(u.code);
    out.push(u);
  };
  for (const u of units) place(u, new Set());
  return out;
}

/**
 * The rules that need the rest of the tree (the file and the stored units):
 * a bureau or department has its division's level and hangs under a division,
 * and a review body is a unit of the tree. Throws a ValidationError naming the unit.
 */
export function checkUnitLinks(units: readonly UnitRecord[], stored: readonly UnitRecord[]): void {
  const byCode = new Map([...stored, ...units].map((u) => [u.code, u]));
  for (const u of units) {
    const parent = u.parentCode === null ? undefined : byCode.get(u.parentCode);
    if (parent !== undefined && parent.kind !== 'division') {
      throw treeError(u.code, `unit ${u.code} hangs under ${parent.code}, a ${parent.kind}: only divisions have units below them`);
    }
    if (u.kind !== 'division' && parent !== undefined && parent.level !== u.level) {
      throw treeError(u.code, `unit ${u.code} is a ${u.kind} of ${parent.code}, so its level is ${parent.level}`);
    }
    if (u.reviewBody !== null && !byCode.has(u.reviewBody)) {
      throw treeError(u.code, `unit ${u.code} names review body ${u.reviewBody}, which is neither in the file nor in the database`);
    }
  }
}
