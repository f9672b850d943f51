/**
 * 属地管理、分级负责: units form a tree (province > city > county > township >
 * village) encoded in their division codes, so subtree tests need no lookups.
 */

/**
 * The division-code prefix that names a unit's subtree: trailing zero pairs of
 * a 6-digit code are the levels below it (411600 周口市 → 4116 covers 411621).
 * 9- and 12-digit township and village codes are their own prefixes.
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
