/**
 * The SQL the statistics statement uses for a unit's subtree prefix is the
 * same rule as `unitSubtreePrefix` (machines/unit-tree.ts), for every kind of
 * code: province, city, county, township, village, bureau and department.
 */
import { sql } from 'kysely';
import { subtreePrefixSql } from '../../db/statistics.repository';
import { unitSubtreePrefix } from '../../machines/unit-tree';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('statssql');
});
afterAll(async () => {
  await tdb?.drop();
});

it.each(['410000', '411600', '411621', '411621206', '411621206201', '411621-01', '411600-11', '410000-01', '411000', '411700'])(
  '%s',
  async (code) => {
    const { rows } = await sql<{ prefix: string }>`select ${subtreePrefixSql(sql`${code}::text`)} as prefix`.execute(tdb.db);
    expect(rows[0]?.prefix).toBe(unitSubtreePrefix(code));
  },
);
