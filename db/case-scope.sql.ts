import { sql, type Expression, type SqlBool } from 'kysely';
import { unitSubtreePrefix } from '../machines/unit-tree';

/**
 * The one SQL form of the case scope (`engine/access/case-scope.ts`): some
 * unit the case has passed through (`case_units`: its registering unit,
 * transferring bureaus, handling and review bodies) lies in the subtree of
 * `scopeUnit`. A prefix match on the unit code, which the
 * `(unit text_pattern_ops, case_id)` index serves, so a scoped scan can start
 * from the viewer's units. The query must have the `cases` table in scope
 * under its own name.
 */
export function caseInUnitScope(scopeUnit: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from case_units where case_units.case_id = ${sql.ref('cases.id')} and ${caseUnitInScope(sql.ref('case_units.unit'), scopeUnit)})`;
}

/** A `case_units.unit` column lies in the subtree of `scopeUnit` (the test inside {@link caseInUnitScope}). */
export function caseUnitInScope(unit: Expression<string>, scopeUnit: string): Expression<SqlBool> {
  return sql<SqlBool>`${unit} like ${`${unitSubtreePrefix(scopeUnit)}%`}`;
}

/**
 * {@link caseInUnitScope} read from the case row: `cases.scope_units` holds the units of the case's `case_units`
 * rows, space-separated and between spaces (` 411621 411621206 `), written by the statement that adds them
 * (writeTransitions), and the newest-first indexes carry it. A list walk then tests each case it passes from the
 * index tuple, where {@link caseInUnitScope} probes `case_units` once per case (at a million cases, 748 probes for
 * a county's page of 20). Unit codes hold digits and `-` only, so a space never occurs inside one.
 */
export function caseInUnitScopeByRow(scopeUnit: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref('cases.scope_units')} like ${`% ${unitSubtreePrefix(scopeUnit)}%`}`;
}

/**
 * `cases.scope_units` of a set of unit codes, given as a query of one column with each code once: the codes in
 * byte order, each followed by a space, after a leading space (empty for none, which no scope matches).
 */
export function scopeUnitsOf(units: Expression<unknown>): Expression<string> {
  return sql<string>`(select coalesce(' ' || string_agg(s.u, ' ' order by s.u collate "C") || ' ', '') from (${units}) s(u))`;
}
