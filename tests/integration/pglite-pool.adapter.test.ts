/**
 * The PGlite pool under Kysely's own PostgresDialect: transactions serialised
 * over the single connection, node-postgres value types, persistence on disk.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AbortedTransactionError, Kysely, PostgresDialect, sql, type Generated } from 'kysely';
import { createPglitePool, EmbeddedDatabaseBusyError, type PglitePool } from '../../db/driver/pglite-pool.adapter';

// PGlite's Emscripten loader calls `import('node:module')`, `import('fs/promises')`...
// which Jest's CommonJS sandbox rejects ("A dynamic import callback was invoked
// without --experimental-vm-modules"); Jest also routes `createRequire` back into
// its sandbox. So the real package is loaded by Node's own loader (`Module._load`,
// which Jest copies from Node unchanged); the adapter under test still runs
// inside Jest. Unnecessary, and harmless, under NODE_OPTIONS=--experimental-vm-modules.
jest.mock('@electric-sql/pglite', () => {
  const { Module } = jest.requireActual<{ Module: { _load(request: string): unknown } }>('node:module');
  return Module._load(require.resolve('@electric-sql/pglite'));
});

interface ItemTable {
  id: Generated<number>;
  name: string;
  payload: unknown;
  happened_at: Date | null;
  big: string | null;
  amount: string | null;
}

interface CounterTable {
  id: number;
  value: number;
}

interface TestDatabase {
  item: ItemTable;
  counter: CounterTable;
}

// initdb under WebAssembly takes tens of seconds on a slow machine.
const OPEN_TIMEOUT_MS = 180_000;

let dir: string;
let pool: PglitePool;
let db: Kysely<TestDatabase>;

async function open(): Promise<void> {
  pool = await createPglitePool(join(dir, 'pglite'));
  db = new Kysely<TestDatabase>({ dialect: new PostgresDialect({ pool }) });
}

async function names(): Promise<string[]> {
  const rows = await db.selectFrom('item').select('name').orderBy('id').execute();
  return rows.map((r) => r.name);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'petitionflow-pglite-'));
  await open();
  await db.schema
    .createTable('item')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb')
    .addColumn('happened_at', 'timestamptz')
    .addColumn('big', 'int8')
    .addColumn('amount', 'numeric(12, 2)')
    .execute();
  await db.schema
    .createTable('counter')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
}, OPEN_TIMEOUT_MS);

afterAll(async () => {
  await db?.destroy();
  // Kysely ends a pool only if it ever used it; the pool's own end() is idempotent and frees the folder lock.
  await pool?.end();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.deleteFrom('item').execute();
});

describe('transactions over the single connection', () => {
  it('serialises concurrent transactions and rolls back only the one that throws', async () => {
    const events: string[] = [];
    const [committed, failed] = await Promise.allSettled([
      db.transaction().execute(async (trx) => {
        events.push('A begin');
        await trx.insertInto('item').values({ name: 'a1' }).execute();
        // Yield for long enough that B would run now if the connection were shared.
        await sleep(50);
        await trx.insertInto('item').values({ name: 'a2' }).execute();
        events.push('A end');
      }),
      db.transaction().execute(async (trx) => {
        events.push('B begin');
        await trx.insertInto('item').values({ name: 'b1' }).execute();
        events.push('B end');
        throw new Error('boom');
      }),
    ]);

    expect(committed.status).toBe('fulfilled');
    expect(failed).toMatchObject({ status: 'rejected', reason: new Error('boom') });
    expect(events).toEqual(['A begin', 'A end', 'B begin', 'B end']);
    expect(await names()).toEqual(['a1', 'a2']);
  });

  it('keeps a read-modify-write correct under many concurrent transactions, with select ... for update', async () => {
    await db.insertInto('counter').values({ id: 1, value: 0 }).execute();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        db.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('counter').select('value').where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
          await sleep(1);
          await trx
            .updateTable('counter')
            .set({ value: row.value + 1 })
            .where('id', '=', 1)
            .execute();
        }),
      ),
    );
    const { value } = await db.selectFrom('counter').select('value').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(value).toBe(10);
  });

  it('reports an aborted transaction: COMMIT answered with ROLLBACK makes Kysely throw', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('item').values({ name: 'lost' }).execute();
        // The error is swallowed, but Postgres has aborted the transaction.
        await sql`select 1 / 0`.execute(trx).catch(() => undefined);
      }),
    ).rejects.toBeInstanceOf(AbortedTransactionError);
    // Nothing committed, and the connection is usable afterwards.
    expect(await names()).toEqual([]);
  });

  it('rolls back a transaction left open by a client released without COMMIT', async () => {
    const client = await pool.connect();
    await client.query('begin', []);
    await client.query('insert into item (name) values ($1)', ['leaked']);
    client.release();
    await db.insertInto('item').values({ name: 'after' }).execute();
    expect(await names()).toEqual(['after']);
  });

  it('makes a second connect() wait until the first client is released', async () => {
    const first = await pool.connect();
    let secondAcquired = false;
    const second = pool.connect().then((c) => {
      secondAcquired = true;
      return c;
    });
    await sleep(50);
    expect(secondAcquired).toBe(false);
    first.release();
    (await second).release();
    expect(secondAcquired).toBe(true);
  });
});

describe('results and values like node-postgres', () => {
  it('reports affected rows for INSERT/UPDATE/DELETE (command tag mapped for Kysely)', async () => {
    const inserted = await db
      .insertInto('item')
      .values([{ name: 'x' }, { name: 'y' }, { name: 'z' }])
      .executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n);
    const updated = await db.updateTable('item').set({ name: 'w' }).where('name', 'in', ['x', 'y']).executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(2n);
    const deleted = await db.deleteFrom('item').where('name', '=', 'z').executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(1n);
  });

  it('round-trips jsonb objects and JSON-encoded arrays', async () => {
    const payload = { kind: '信访', nested: { list: [1, 'two', null], flag: true } };
    const list = [{ a: 1 }, { b: [2, 3] }];
    await db
      .insertInto('item')
      .values([
        { name: 'object', payload },
        // As with node-postgres, a JS array parameter becomes a Postgres array literal, so JSON arrays are stringified.
        { name: 'array', payload: JSON.stringify(list) },
      ])
      .execute();
    const rows = await db.selectFrom('item').select(['name', 'payload']).orderBy('id').execute();
    expect(rows).toEqual([
      { name: 'object', payload },
      { name: 'array', payload: list },
    ]);
  });

  it('returns timestamptz as Date, int8 and numeric as strings', async () => {
    const at = new Date('2024-03-01T08:30:15.123Z');
    await db.insertInto('item').values({ name: 't', happened_at: at, big: '9007199254740993', amount: '1234.50' }).execute();
    const row = await db.selectFrom('item').select(['happened_at', 'big', 'amount']).executeTakeFirstOrThrow();
    expect(row.happened_at).toBeInstanceOf(Date);
    expect(row.happened_at?.getTime()).toBe(at.getTime());
    expect(row.big).toBe('9007199254740993');
    expect(row.amount).toBe('1234.50');
    const { rows } = await sql<{ n: string; d: Date }>`select count(*) as n, now() as d`.execute(db);
    expect(typeof rows[0]?.n).toBe('string');
    expect(rows[0]?.d).toBeInstanceOf(Date);
  });

  it('runs several statements in one string without parameters, and parameterised pool.query', async () => {
    await sql.raw(`insert into item (name) values ('m1'); insert into item (name) values ('m2')`).execute(db);
    expect(await names()).toEqual(['m1', 'm2']);

    const result = await pool.query<{ name: string }>('select name from item where name = $1', ['m2']);
    expect(result).toMatchObject({ command: 'SELECT', rowCount: 1, rows: [{ name: 'm2' }] });
    const health = await pool.query('select 1 as ok');
    expect(health.rows).toEqual([{ ok: 1 }]);
  });

  it('surfaces Postgres errors with their SQLSTATE code', async () => {
    await expect(pool.query('insert into counter (id, value) values ($1, $2)', [1, null])).rejects.toMatchObject({
      code: '23502',
    });
  });
});

describe('persistence', () => {
  it(
    'keeps committed data across close and reopen of the same directory',
    async () => {
      await db
        .insertInto('item')
        .values([{ name: 'kept-1' }, { name: 'kept-2' }])
        .execute();
      await db.destroy();
      await expect(pool.query('select 1')).rejects.toThrow(/after calling end/);

      await open();
      expect(await names()).toEqual(['kept-1', 'kept-2']);
    },
    OPEN_TIMEOUT_MS,
  );

  it(
    'refuses a second pool on a folder in use, and frees it on end()',
    async () => {
      await db.insertInto('item').values({ name: 'held' }).execute();
      await expect(createPglitePool(join(dir, 'pglite'))).rejects.toThrow(EmbeddedDatabaseBusyError);
      await db.destroy();
      const second = await createPglitePool(join(dir, 'pglite'));
      expect((await second.query('select count(*)::int as n from item')).rows).toEqual([{ n: 1 }]);
      await second.end();
      await open();
    },
    OPEN_TIMEOUT_MS,
  );
});
