import { sql, type Expression, type SqlBool } from 'kysely';
import { unitSubtreePrefix } from '../machines/unit-tree';

/**
 * The one SQL form of the case scope (`engine/access/case-scope.ts`): the
 * case's own unit or the unit it is assigned to lies in the subtree of
 * `scopeUnit`. A prefix match on the division code, which the
 * `text_pattern_ops` indexes on both columns serve. The query must have the
 * `cases` table in scope under its own name.
 */
export function caseInUnitScope(scopeUnit: string): Expression<SqlBool> {
  const prefix = `${unitSubtreePrefix(scopeUnit)}%`;
  return sql<SqlBool>`(${sql.ref('cases.unit')} like ${prefix} or ${sql.ref('cases.assignee_unit')} like ${prefix})`;
}
