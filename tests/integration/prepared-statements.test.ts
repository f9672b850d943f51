/**
 * Repeated statements run as server-side prepared statements (db/driver/prepared-statements.ts):
 * a parameterised text is named on its third run, and runs under that name from then on, with the
 * same results; statements without parameters and texts run fewer times stay unnamed. Errors
 * reach the caller as the server sent them, named or not.
 * Each check runs in one transaction, so every statement runs on the connection whose
 * prepared statements `pg_prepared_statements` lists.
 */
import { sql, type Transaction } from 'kysely';
import { Pool } from 'pg';
import { createKysely } from '../../db/database';
import { PREPARE_AFTER } from '../../db/driver/prepared-statements';
import { supervisionCounts } from '../../db/supervision.repository';
import type { Database } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;

beforeAll(async () => {
  tdb = await createTestDatabase('prepared_statements');
});

afterAll(async () => {
  await tdb.drop();
});

/** The texts this connection has prepared (PREPARE through the protocol, not SQL). */
async function prepared(trx: Transaction<Database>): Promise<string[]> {
  const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements where not from_sql`.execute(trx);
  return rows.map((r) => r.statement);
}

describe('prepared statements', () => {
  it('names a parameterised text on its third run and keeps answering it the same', async () => {
    const text = 'select $1::int + 1 as n /* prepared-statements.test: sum */';
    await tdb.db.transaction().execute(async (trx) => {
      const answers: number[] = [];
      for (let i = 0; i < PREPARE_AFTER + 2; i++) {
        // Kysely sends this as `text`, the value as its one parameter.
        const { rows } = await sql<{ n: number }>`select ${i}::int + 1 as n /* prepared-statements.test: sum */`.execute(trx);
        answers.push(rows[0]?.n ?? Number.NaN);
        // Named from the third run on, not before.
        expect((await prepared(trx)).includes(text)).toBe(i + 1 >= PREPARE_AFTER);
      }
      expect(answers).toEqual(Array.from({ length: PREPARE_AFTER + 2 }, (_, i) => i + 1));
      expect(await prepared(trx)).toContain(text);
    });
  });

  it('leaves a text run fewer times, and a statement without parameters, unnamed', async () => {
    const rare = 'select $1::text as t /* prepared-statements.test: rare */';
    const plain = 'select 42 as n /* prepared-statements.test: plain */';
    await tdb.db.transaction().execute(async (trx) => {
      for (let i = 0; i < PREPARE_AFTER - 1; i++) {
        await sql`select ${String(i)}::text as t /* prepared-statements.test: rare */`.execute(trx);
      }
      for (let i = 0; i < PREPARE_AFTER + 2; i++) await sql.raw(plain).execute(trx);
      const texts = await prepared(trx);
      expect(texts).not.toContain(rare);
      expect(texts).not.toContain(plain);
    });
  });

  it("rejects with the server's error, named or not, and the pool answers on", async () => {
    for (let i = 0; i < PREPARE_AFTER + 2; i++) {
      // Division by zero (SQLSTATE 22012), whether the text runs unnamed (its first runs) or named.
      await expect(sql`select 1 / ${0}::int as n /* prepared-statements.test: error */`.execute(tdb.db)).rejects.toMatchObject({
        code: '22012',
      });
    }
    const { rows } = await sql<{ n: number }>`select ${41}::int + 1 as n`.execute(tdb.db);
    expect(rows[0]?.n).toBe(42);
  });

  it("plans the supervision board's counts for their values, prepared or not, with settings its transaction alone holds", async () => {
    // One connection, so that the statement's plan counts are this connection's.
    const pool = new Pool({ connectionString: tdb.url, max: 1 });
    const db = createKysely(pool);
    const settings = async () =>
      (
        await sql<{ mode: string; workers: string }>`
          select current_setting('plan_cache_mode') as mode, current_setting('max_parallel_workers_per_gather') as workers`.execute(db)
      ).rows[0];
    try {
      const before = await settings();
      for (let i = 0; i < PREPARE_AFTER + 8; i++) await supervisionCounts(db, '411600', new Date());
      const { rows } = await sql<{ generic: string; custom: string }>`
        select generic_plans as generic, custom_plans as custom from pg_prepared_statements
        where not from_sql and statement like '%count(*) filter%'`.execute(db);
      // PostgreSQL's own choice gives a statement this cheap the generic plan from its sixth run on.
      expect(rows.map((r) => ({ generic: Number(r.generic), custom: Number(r.custom) }))).toEqual([{ generic: 0, custom: 9 }]);
      // The settings were the counts' transaction's own.
      expect(await settings()).toEqual(before);
    } finally {
      await db.destroy();
    }
  });
});
