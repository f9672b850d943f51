/**
 * Server-side prepared statements for the statements a process runs again and
 * again (the engine's lock, deadline read and transition write), the way JDBC
 * drivers do it: a parameterised statement seen {@link PREPARE_AFTER} times
 * gets a name, and from then on node-postgres parses it once per connection
 * and sends only Bind/Execute. PostgreSQL skips parsing and, once its plan
 * cache settles on a generic plan, planning: most of the server's cost of a
 * transition's multi-CTE write, and the client stops sending its text.
 *
 * The names are per process and never reused for another text; at most
 * {@link MAX_PREPARED} texts are named (statements with variable-length `in`
 * lists make new texts, and every connection would keep each one). A
 * prepared `select *` fails with "cached plan must not change result type"
 * if its table's columns change under a running process: migrations run
 * before the process serves, and they run through statements nothing repeats.
 * Behind a transaction-pooling proxy (PgBouncer before 1.21), named
 * statements need its prepared-statement support.
 *
 * A named statement, after five runs on a connection, may be given
 * PostgreSQL's generic plan (made without the values) where an unnamed one is
 * always planned for its values. PostgreSQL keeps the custom plan when the
 * generic one looks dearer, which it does for the list pages; a statement it
 * misjudges sets `plan_cache_mode` in its own transaction (the supervision
 * board's counts, db/supervision.repository.ts), and a transaction whose
 * statements find their rows by key asks for generic plans (the command
 * lock, db/case.repository.ts).
 */
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/** Executions of one text after which it is prepared. */
export const PREPARE_AFTER = 3;
/** Texts prepared at most per process. */
export const MAX_PREPARED = 200;
/** Texts counted at most before the counts start over (so one-off texts cannot grow the map without bound). */
const MAX_COUNTED = 2_000;

/** A statement as node-postgres takes it: its text, values and, once prepared, its name. */
interface QueryConfig {
  readonly name?: string | undefined;
  readonly text: string;
  readonly values: readonly unknown[];
}

/** node-postgres' `query` with a config object and a callback (Kysely's client type declares only its promise forms). */
type CallbackQuery = <R>(config: QueryConfig, callback: (err: Error | null, result: PostgresQueryResult<R>) => void) => void;

/**
 * Runs a statement through node-postgres' callback form, the promise made here.
 * Its promise form, with the same results, was measured to keep each result
 * reachable past the next young-generation collection: a list page's rows
 * (3 MB a collection) were copied and promoted every time, pauses of 10-18 ms
 * that landed on whichever request was running, against 0.5 ms with the
 * callback (the same 200 reads of 100 cases, node-postgres 8.23, Node 20).
 */
function runQuery<R>(query: CallbackQuery, config: QueryConfig): Promise<PostgresQueryResult<R>> {
  return new Promise((resolve, reject) => {
    query<R>(config, (err, result) => (err === null ? resolve(result) : reject(err)));
  });
}

/** Which texts are named, and how often the others have run. */
class StatementNames {
  private readonly named = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  /** The name to run `text` under, once it has run often enough; undefined until then. */
  nameOf(text: string): string | undefined {
    const name = this.named.get(text);
    if (name !== undefined || this.named.size >= MAX_PREPARED) return name;
    const seen = (this.counts.get(text) ?? 0) + 1;
    if (seen < PREPARE_AFTER) {
      if (this.counts.size >= MAX_COUNTED) this.counts.clear();
      this.counts.set(text, seen);
      return undefined;
    }
    this.counts.delete(text);
    const given = `pf_${this.named.size + 1}`;
    this.named.set(text, given);
    return given;
  }
}

/** A pool client whose repeated parameterised statements run as named ones. */
function namingClient(client: PostgresPoolClient, names: StatementNames): PostgresPoolClient {
  const send = (client.query as unknown as CallbackQuery).bind(client);
  function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  function query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  function query<R>(first: string | PostgresCursor<R>, parameters: readonly unknown[] = []) {
    if (typeof first !== 'string') return client.query(first);
    // Without parameters node-postgres sends a simple query (begin, commit, DDL): nothing to prepare.
    const name = parameters.length === 0 ? undefined : names.nameOf(first);
    return runQuery<R>(send, { name, text: first, values: parameters });
  }
  return {
    query,
    release: (destroy?: boolean) => client.release(destroy),
    // Kysely reads the backend's pid to cancel a query.
    get processID() {
      return client.processID;
    },
  };
}

/**
 * Wraps a node-postgres pool for Kysely's `PostgresDialect` so that repeated
 * statements are prepared (see the file's description). Each pooled client
 * keeps one wrapper, so Kysely's per-client connection state stays per client.
 */
export function preparingPool(pool: PostgresPool): PostgresPool {
  const names = new StatementNames();
  const wrappers = new WeakMap<PostgresPoolClient, PostgresPoolClient>();
  return {
    // Kysely reads the pool's `Client` and `options` to open a control connection when it cancels a query.
    Client: pool.Client,
    options: pool.options,
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (wrapper === undefined) {
        wrapper = namingClient(client, names);
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
