/**
 * 属地管理、分级负责: units form a tree encoded in their codes, so subtree
 * tests need no lookups. Divisions (governments) keep their administrative
 * division codes: 6 digits (province 410000, city 411600, county 411621), 9
 * (township 411621206) or 12 (village 411621206201). A petition bureau or a
 * department is its division's code plus `-` and two digits (411621-01
 * 扶沟县信访局, 411621-11 扶沟县教育体育局); `-01` is the bureau by convention,
 * but a unit's kind is data (the unit tree), never read from its code.
 */

/** What a unit is: a government, a petition bureau (信访部门) or a department (有权处理的机关). */
export const UNIT_KINDS = ['division', 'bureau', 'department'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** The level of a unit; a bureau or department has its division's level. */
export const UNIT_LEVELS = ['province', 'city', 'county', 'township', 'village'] as const;
export type UnitLevel = (typeof UNIT_LEVELS)[number];

/** An administrative division code: 6, 9 or 12 digits. */
export const DIVISION_CODE = /^\d{6}(\d{3}(\d{3})?)?$/;
/** A bureau's or department's code: its division's 6-digit code, `-`, two digits. */
export const BODY_CODE = /^\d{6}-\d{2}$/;
/** Any unit code: a division's or a bureau's or department's (one pattern, so the API description shows it). */
export const UNIT_CODE = /^\d{6}(\d{3}(\d{3})?|-\d{2})?$/;

/**
 * The code prefix that names a unit's subtree: trailing zero pairs of a
 * 6-digit code are the levels below it (411600 周口市 → 4116 covers 411621,
 * 411621-11 and 411600-11). 9- and 12-digit township and village codes are
 * their own prefixes, and so is a bureau's or department's suffixed code.
 */
export function unitSubtreePrefix(code: string): string {
  if (code.length !== 6) return code;
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** Whether `unit` lies in the subtree of `scopeUnit` (itself included). */
export function inSubtree(unit: string, scopeUnit: string): boolean {
  return unit.startsWith(unitSubtreePrefix(scopeUnit));
}

/** Whether `upper` lies strictly above `unit`: `unit` is in its subtree and is not `upper` itself. */
export function isStrictAncestor(upper: string, unit: string): boolean {
  return upper !== unit && inSubtree(unit, upper);
}

/** The division (government) a unit belongs to: `411621-11` → `411621`; a division is its own. */
export function divisionOf(code: string): string {
  const dash = code.indexOf('-');
  return dash === -1 ? code : code.slice(0, dash);
}

/**
 * The division directly above a unit, read from its code: a department's or
 * bureau's division, a village's township, a township's county, a county's
 * city, a city's province; null above a province. A district directly under
 * a province-level city (e.g. 110101) has that city (110100) as its parent.
 */
export function parentDivisionOf(code: string): string | null {
  const division = divisionOf(code);
  if (division !== code) return division;
  if (code.length > 6) return code.slice(0, code.length - 3);
  if (code.endsWith('0000')) return null;
  if (code.endsWith('00')) return `${code.slice(0, 2)}0000`;
  return `${code.slice(0, 4)}00`;
}

/** Every unit above `code` by its code, nearest first (`411621-11` → 411621, 411600, 410000). */
export function ancestorsOf(code: string): string[] {
  const out: string[] = [];
  for (let up = parentDivisionOf(code); up !== null; up = parentDivisionOf(up)) out.push(up);
  return out;
}
