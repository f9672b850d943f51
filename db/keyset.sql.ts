import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * The one form of a keyset cursor: a row comparison `(at, id) < ($1, $2)`
 * (newest first) or `> ($1, $2)` (oldest first). PostgreSQL starts a btree
 * scan at a row comparison over the index's leading columns, so page k costs
 * what page 1 costs; the equivalent `at < $1 or (at = $1 and id < $2)` cannot
 * start a scan and re-reads every earlier page.
 */
export function keysetAfter(
  columns: readonly [at: string, id: string],
  position: { readonly at: Date; readonly id: string },
  order: 'asc' | 'desc',
): Expression<SqlBool> {
  const op = sql.raw(order === 'desc' ? '<' : '>');
  return sql<SqlBool>`(${sql.ref(columns[0])}, ${sql.ref(columns[1])}) ${op} (${position.at}, ${position.id})`;
}
