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

/**
 * {@link caseInUnitScope} tested row by row, for walks of an index in list
 * order that stop at a page. `offset 0` keeps PostgreSQL from turning the
 * test into a semi-join or a hashed subplan, which would first read every
 * `case_units` row of the subtree (tens of thousands for a city at a million
 * cases) to answer a page that needs a few hundred probes of the primary key.
 */
export function caseInUnitScopeByProbe(scopeUnit: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from case_units where case_units.case_id = ${sql.ref('cases.id')} and ${caseUnitInScope(sql.ref('case_units.unit'), scopeUnit)} offset 0)`;
}

/** A `case_units.unit` column lies in the subtree of `scopeUnit` (the test inside {@link caseInUnitScope}). */
export function caseUnitInScope(unit: Expression<string>, scopeUnit: string): Expression<SqlBool> {
  return sql<SqlBool>`${unit} like ${`${unitSubtreePrefix(scopeUnit)}%`}`;
}
