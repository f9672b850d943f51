/**
 * An embedded PostgreSQL (PGlite) presented as a node-postgres-shaped pool, so
 * that Kysely's own `PostgresDialect` drives it: one SQL code path whether or
 * not `DATABASE_URL` is set.
 *
 * PGlite is a single Postgres backend (one session) in WebAssembly. A real
 * `pg.Pool` hands each Kysely transaction its own connection; here there is
 * only one, so the pool lends it to one holder at a time and queues the rest.
 * That exclusive lease is what keeps Kysely's `begin` / ... / `commit`, sent as
 * plain queries over one client, from interleaving with another transaction's.
 *
 * Values are converted the node-postgres way in both directions (see
 * {@link createPglitePool}), so repository code sees the same JS types either way.
 */
import { mkdir } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { resolve } from 'node:path';
import { PGlite, types as pgliteTypes, type ParserOptions, type Results, type SerializerOptions } from '@electric-sql/pglite';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import * as pg from 'pg';

/** Result of {@link PglitePool.query}: the fields of node-postgres' `QueryResult` that PGlite can supply. */
export interface PgliteQueryResult<R = Record<string, unknown>> {
  /** Command tag's verb, e.g. `SELECT`, `INSERT`, `BEGIN`; `''` for an empty query (node-postgres gives `null`). */
  readonly command: string;
  /** Rows reported by the command tag; `null` for commands without a count (CREATE, BEGIN...), as in node-postgres. */
  readonly rowCount: number | null;
  readonly rows: R[];
  readonly fields: ReadonlyArray<{ readonly name: string; readonly dataTypeID: number }>;
}

/** Options of {@link createPglitePool}. */
export interface PglitePoolOptions {
  /**
   * How long `connect()` / `query()` wait for the single connection before
   * rejecting; `0` waits forever (node-postgres' default). Defaults to 30 s:
   * with one connection, a long wait nearly always means a deadlock, typically
   * code inside `db.transaction()` querying through `db` instead of `trx`,
   * which works on a real pool but can never proceed here.
   */
  readonly acquireTimeoutMillis?: number;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 30_000;

// pg's runtime module carries `utils.prepareValue` (the function node-postgres
// runs on every parameter) but @types/pg does not declare it.
type PrepareValue = (value: unknown) => string | Buffer | null;
const prepareValue = (pg as unknown as { utils?: { prepareValue?: PrepareValue } }).utils?.prepareValue;

// Typed locally: @types/pg declares the id as pg-types' TypeId enum and the result as `any`.
const getTypeParser = pg.types.getTypeParser as unknown as (oid: number, format: 'text') => (value: string) => unknown;

/**
 * PGlite result parsers that defer to node-postgres' own type parsers (`pg.types`):
 * int8 and numeric as strings, date/timestamp/timestamptz as `Date`, json/jsonb
 * parsed, bytea as `Buffer`, interval as pg's interval object. PGlite's defaults
 * differ (int8 as number/BigInt, bytea as Uint8Array, interval as text).
 * Arrays of these types are parsed by PGlite element by element with these parsers.
 */
function nodePostgresParsers(): ParserOptions {
  const oids = new Set<number>([
    ...Object.values(pg.types.builtins).map(Number),
    // PGlite's own defaults are keyed by OID and by type name; only the OIDs matter.
    ...Object.keys(pgliteTypes.parsers).map(Number).filter(Number.isInteger),
  ]);
  const parsers: ParserOptions = {};
  for (const oid of oids) {
    // Looked up per value rather than captured, so that `pg.types.setTypeParser`
    // calls made by the application apply to both back ends, as they do in pg.
    parsers[oid] = (value: string) => getTypeParser(oid, 'text')(value);
  }
  return parsers;
}

/**
 * PGlite serializers that send strings verbatim. Parameters have already been
 * through pg's `prepareValue`, so they are exactly the strings node-postgres
 * would put on the wire; PGlite's typed serializers would otherwise reject some
 * of them (bytea as `\x..` text, booleans spelled `yes`...). Buffers, the one
 * non-string left, still go to PGlite's serializer (bytea as hex).
 */
function passThroughSerializers(): SerializerOptions {
  const serializers: SerializerOptions = {};
  for (const [key, serialize] of Object.entries(pgliteTypes.serializers)) {
    const oid = Number(key);
    if (!Number.isInteger(oid)) continue;
    serializers[oid] = (value: unknown) => (typeof value === 'string' ? value : serialize(value));
  }
  return serializers;
}

function toQueryResult<R>(result: Results<R> | undefined): PgliteQueryResult<R> {
  return {
    command: result?.command ?? '',
    // PGlite's `affectedRows` is cumulative over a multi-statement string; `rowCount` is this statement's tag.
    rowCount: result?.rowCount ?? null,
    rows: result?.rows ?? [],
    fields: result?.fields ?? [],
  };
}

/** Runs one query on PGlite with node-postgres' protocol choice and parameter encoding. */
async function runOnPglite<R>(db: PGlite, sql: string, parameters: ReadonlyArray<unknown> | undefined): Promise<PgliteQueryResult<R>> {
  if (parameters === undefined || parameters.length === 0) {
    // node-postgres uses the simple protocol when there are no values, which
    // allows several statements in one string (migrations rely on it). It
    // returns an array of results then; we return the last statement's.
    const results = await db.exec(sql);
    return toQueryResult(results.at(-1) as Results<R> | undefined);
  }
  if (prepareValue === undefined) {
    throw new Error('pg no longer exposes utils.prepareValue; update db/driver/pglite-pool.adapter.ts');
  }
  return toQueryResult(
    await db.query<R>(
      sql,
      parameters.map((value) => prepareValue(value)),
    ),
  );
}

/** FIFO lock over the single connection; handing over directly to the next waiter keeps the order fair. */
class ConnectionLock {
  #held = false;
  readonly #waiters: Array<{ grant: () => void; timer: NodeJS.Timeout | undefined }> = [];

  acquire(timeoutMs: number): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise<void>((grant, reject) => {
      const waiter = { grant, timer: undefined as NodeJS.Timeout | undefined };
      if (timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          const index = this.#waiters.indexOf(waiter);
          if (index >= 0) this.#waiters.splice(index, 1);
          reject(
            new Error(
              `PGlite pool: no connection after ${timeoutMs} ms. The embedded database has one connection; ` +
                'is code inside a transaction querying through the outer Kysely instance instead of `trx`?',
            ),
          );
        }, timeoutMs);
      }
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next === undefined) {
      this.#held = false;
      return;
    }
    clearTimeout(next.timer);
    next.grant();
  }
}

/**
 * The single connection as Kysely's `PostgresPoolClient`. One object is reused
 * across leases, as pg reuses a `Client`, so Kysely's per-client state (and
 * `onCreateConnection`) behaves as with a real pool; it is replaced only when
 * released with `destroy`, as pg replaces a destroyed client.
 */
class PglitePoolClient implements PostgresPoolClient {
  readonly #db: PGlite;
  readonly #onRelease: (client: PglitePoolClient, destroy: boolean, rollback: boolean) => void;
  #leased = false;
  // True when a transaction may be open: after BEGIN/START, and after any
  // error (a failed BEGIN-containing string, or a statement failing inside a
  // transaction the caller then abandons). Cleared by COMMIT/ROLLBACK.
  #maybeInTransaction = false;

  constructor(db: PGlite, onRelease: (client: PglitePoolClient, destroy: boolean, rollback: boolean) => void) {
    this.#db = db;
    this.#onRelease = onRelease;
  }

  /** @internal Marks the start of a lease; called by the pool. */
  lease(): this {
    this.#leased = true;
    return this;
  }

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(
    sqlOrCursor: string | PostgresCursor<R>,
    parameters?: ReadonlyArray<unknown>,
  ): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') {
      // pg-cursor drives node-postgres' wire protocol directly; there is none here.
      throw new Error('PGlite pool: cursors (Kysely .stream()) are not supported');
    }
    // Kysely reads only command/rowCount/rows; its type narrows `command` to the
    // verbs it acts on, while the runtime value may be any tag (CREATE, BEGIN...).
    return this.run<R>(sqlOrCursor, parameters) as unknown as Promise<PostgresQueryResult<R>>;
  }

  /** @internal Runs a query with the full {@link PgliteQueryResult}; used by `query` and `PglitePool.query`. */
  async run<R>(sql: string, parameters: ReadonlyArray<unknown> | undefined): Promise<PgliteQueryResult<R>> {
    if (!this.#leased) {
      throw new Error('PGlite pool: query on a client that has been released to the pool');
    }
    try {
      const result = await runOnPglite<R>(this.#db, sql, parameters);
      if (result.command === 'BEGIN' || result.command === 'START') this.#maybeInTransaction = true;
      if (result.command === 'COMMIT' || result.command === 'ROLLBACK') this.#maybeInTransaction = false;
      return result;
    } catch (err) {
      this.#maybeInTransaction = true;
      throw err;
    }
  }

  /**
   * Returns the connection to the pool. With `destroy` (Kysely passes it when a
   * ROLLBACK itself failed) pg would close the connection; this one cannot be
   * closed, so any open transaction is rolled back instead, as it also is when a
   * holder releases mid-transaction: on one shared session a leaked transaction
   * would silently swallow every later statement and never commit.
   */
  release(destroy = false): void {
    if (!this.#leased) {
      throw new Error('Release called on client which has already been released to the pool.');
    }
    this.#leased = false;
    const rollback = destroy || this.#maybeInTransaction;
    this.#maybeInTransaction = false;
    this.#onRelease(this, destroy, rollback);
  }
}

/**
 * A pg.Pool-like pool over one PGlite database; satisfies Kysely's `PostgresPool`.
 *
 * At most one client is checked out at a time; further `connect()` calls wait
 * in FIFO order until it is released. `query()` checks out, runs and releases.
 *
 * Differences from node-postgres that callers may notice:
 * - one connection: a second `connect()` waits (see {@link PglitePoolOptions.acquireTimeoutMillis});
 *   session state (`SET`, temp tables) is shared by every checkout;
 * - a multi-statement string without parameters resolves to the last
 *   statement's result, not an array of results;
 * - errors are PGlite's `DatabaseError` (same `code`, `detail`, `constraint`...
 *   fields), not `instanceof pg.DatabaseError`;
 * - no cursors/streaming and no query cancellation (abort signals wait for the query);
 * - the server time zone is UTC unless set with `SET TIME ZONE` / `postgresqlconf`.
 */
export class PglitePool implements PostgresPool {
  /** Read by Kysely only to build a control client, which this pool does not offer. */
  readonly options: { readonly dataDir: string | undefined; readonly max: 1 };
  readonly #db: PGlite;
  readonly #lock = new ConnectionLock();
  readonly #acquireTimeoutMillis: number;
  #client: PglitePoolClient;
  #ending: Promise<void> | undefined;

  /**
   * Wraps an open PGlite instance, which the pool then owns (closed by {@link end}).
   * For value conversion like node-postgres' create it through {@link createPglitePool}.
   */
  /** Releases the folder lock taken by {@link createPglitePool}; absent for a pool over a caller's own PGlite. */
  readonly #releaseFolder: (() => Promise<void>) | undefined;

  constructor(db: PGlite, options: PglitePoolOptions = {}, releaseFolder?: () => Promise<void>) {
    this.#db = db;
    this.#releaseFolder = releaseFolder;
    this.#acquireTimeoutMillis = options.acquireTimeoutMillis ?? DEFAULT_ACQUIRE_TIMEOUT_MS;
    this.options = { dataDir: db.dataDir, max: 1 };
    this.#client = this.#newClient();
  }

  /** Checks out the connection, waiting for the current holder to release it. */
  async connect(): Promise<PostgresPoolClient> {
    return this.#acquire();
  }

  /**
   * Runs one query on a checked-out connection (pg.Pool#query). Parameters are
   * `$1..$n`; without parameters the string may hold several statements.
   */
  async query<R = Record<string, unknown>>(sql: string, parameters?: ReadonlyArray<unknown>): Promise<PgliteQueryResult<R>> {
    const client = await this.#acquire();
    try {
      return await client.run<R>(sql, parameters);
    } finally {
      client.release();
    }
  }

  /**
   * Waits for the current holder and everyone already queued, then closes the
   * database. Later `connect()`/`query()` calls reject. Idempotent.
   */
  end(): Promise<void> {
    this.#ending ??= (async () => {
      // Queued behind existing waiters, so work already requested completes first.
      await this.#lock.acquire(0);
      await this.#db.close();
      await this.#releaseFolder?.();
    })();
    return this.#ending;
  }

  async #acquire(): Promise<PglitePoolClient> {
    if (this.#ending !== undefined) {
      throw new Error('Cannot use a pool after calling end on the pool');
    }
    await this.#lock.acquire(this.#acquireTimeoutMillis);
    return this.#client.lease();
  }

  #newClient(): PglitePoolClient {
    return new PglitePoolClient(this.#db, (client, destroy, rollback) => this.#onRelease(client, destroy, rollback));
  }

  #onRelease(client: PglitePoolClient, destroy: boolean, rollback: boolean): void {
    if (destroy && client === this.#client) {
      // A new object, as pg creates a new Client: Kysely has marked the old one discarded.
      this.#client = this.#newClient();
    }
    if (!rollback) {
      this.#lock.release();
      return;
    }
    // The lock stays held until the ROLLBACK finishes, so the next holder starts
    // outside any transaction. A failure here has no caller to report to; the
    // next query surfaces a broken database anyway.
    void this.#db
      .exec('rollback')
      .catch(() => undefined)
      .finally(() => this.#lock.release());
  }
}

/**
 * Opens (creating on first use) a PGlite database stored on disk under
 * `dataDir` and returns it as a {@link PglitePool} for Kysely's `PostgresDialect`:
 *
 * ```ts
 * const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: await createPglitePool(dir) }) });
 * ```
 *
 * Values convert as with node-postgres: parameters go through pg's own
 * `prepareValue` (Date in local time with offset, arrays as Postgres array
 * literals, other objects as JSON, Buffer as bytea) and results through
 * `pg.types` parsers (int8/numeric as string, timestamptz/timestamp/date as
 * `Date`, json/jsonb parsed, bytea as Buffer). Custom parsers registered with
 * `pg.types.setTypeParser` for built-in types apply here too.
 *
 * First creation runs initdb (tens of seconds under WebAssembly; reopening
 * takes a few). The directory must be used by one process at a time.
 */
export async function createPglitePool(dataDir: string, options: PglitePoolOptions = {}): Promise<PglitePool> {
  const dir = resolve(dataDir);
  await mkdir(dir, { recursive: true });
  // PGlite is one process's database: a second process opening the same folder (say `petitionflow replay` beside
  // `npm start`) would corrupt it. A lock held for the pool's life turns that into a clear error instead.
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      stale: 15_000,
      update: 5_000,
      retries: 0,
      realpath: false,
      // The default throws from a timer when the lock file vanishes (someone removed the folder): that would kill
      // the server for a lock that only guards against a second process. The database itself reports real damage.
      onCompromised: () => undefined,
    });
  } catch (err) {
    if ((err as { code?: string }).code === 'ELOCKED') {
      throw new EmbeddedDatabaseBusyError(dir);
    }
    throw err;
  }
  try {
    const db = await PGlite.create(dir, {
      parsers: nodePostgresParsers(),
      serializers: passThroughSerializers(),
    });
    return new PglitePool(db, options, release);
  } catch (err) {
    await release();
    throw err;
  }
}

/** The embedded database folder is in use by another process. */
export class EmbeddedDatabaseBusyError extends Error {
  constructor(dir: string) {
    super(
      `the embedded database in ${dir} is in use by another petitionflow process; stop it, or set DATABASE_URL to share a PostgreSQL server`,
    );
    this.name = 'EmbeddedDatabaseBusyError';
  }
}
