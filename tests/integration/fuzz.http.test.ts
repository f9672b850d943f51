/**
 * Fuzzing every endpoint that takes input: arbitrary JSON, mutated valid
 * bodies (fields dropped or replaced, huge strings, deep nesting, wrong types,
 * unicode, NUL characters and lone surrogates), arbitrary content types and
 * Idempotency-Keys on the writes; arbitrary query strings on the reads.
 *
 * Whatever arrives: never a 500; every 4xx is the error shape
 * `{error: {code, message}}` and does not echo what was sent; a request that
 * fails writes nothing (cases, trail, deadlines, idempotency keys unchanged);
 * the hash chains stay intact. Through `inject`, no sockets.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { createAuditService, type AuditService } from '../../engine/audit.service';
import { CLOCK_NAMES, HUMAN_ROLES, type HumanRole, STATE_NAMES } from '../../machines/petition.vocabulary';
import { PERMISSIONS } from '../support/machine-fixtures';
import { CHANNELS, COMMAND_TYPES, type CommandType } from '../../machines/petition.schemas';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';
import { residentIdCheckCharacter } from '../../machines/resident-id';

// jest.config.js sets testTimeout per project, where jest ignores it: set it here.
jest.setTimeout(120_000);

const RUNS = 1000;
/** fast-check's own seed is printed on failure; FUZZ_SEED replays one. */
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED !== undefined && { seed: SEED }) };

let s: TestServer;
let audit: AuditService;
const tokens = new Map<string, string>();
/** Cases the command fuzzing aims at (some of them move on as valid commands get through). */
const caseIds: string[] = [];

async function tokenOf(role: HumanRole, unit: string): Promise<string> {
  const k = `${role}@${unit}`;
  let t = tokens.get(k);
  if (t === undefined) {
    t = `Bearer ${await s.token(role, unit, `${role}-${unit}`)}`;
    tokens.set(k, t);
  }
  return t;
}

beforeAll(async () => {
  s = await createTestServer('fuzz');
  audit = createAuditService(s.tdb.db);
  await addCases(6);
});
afterAll(async () => {
  await s?.close();
});

/** Records `n` cases and moves some along, so commands meet cases in several states. */
async function addCases(n: number): Promise<void> {
  lastCounts = undefined;
  const clerk = await tokenOf('clerk', '411621');
  for (let i = 0; i < n; i++) {
    const res = await s.app.inject({ method: 'POST', url: '/petitions', headers: { authorization: clerk }, payload: intakeBody() });
    const id = res.json().id as string;
    caseIds.push(id);
    const moves = [{ type: 'VERIFY' }, { type: 'ASSIGN', unit: '411621', handler: 'handler-1' }].slice(0, i % 3);
    for (const m of moves)
      await s.app.inject({ method: 'POST', url: `/petitions/${id}/events`, headers: { authorization: clerk }, payload: m });
  }
}

// ---------------------------------------------------------------------------
// Invariants.

/** The counts after the last request {@link write} sent; cleared by anything else that writes. */
let lastCounts: string | undefined;

async function counts(): Promise<string> {
  const r = await s.tdb.pool.query(
    `select (select count(*) from cases)::int as cases, (select count(*) from case_events)::int as events,
            (select count(*) from deadlines)::int as deadlines, (select count(*) from idempotency_keys)::int as keys`,
  );
  return JSON.stringify(r.rows[0]);
}

async function expectAuditOk(): Promise<void> {
  const v = await audit.verifyAudit();
  if (!v.ok) throw new Error(`audit trail broken: ${JSON.stringify(v.firstBroken)}`);
}

/** Values the fuzzers plant so that an echo in an error message can be recognised. */
const MARKER = /标记[a-z0-9]{12}/g;

/** Checks one answer: no 5xx, the error shape, and no planted value in an error. */
function checkAnswer(what: string, res: LightMyRequestResponse, sent: string): void {
  const status = res.statusCode;
  const describe = () => `${what} → ${status} ${res.body.slice(0, 400)}\nsent: ${sent.slice(0, 400)}`;
  if (status >= 500) throw new Error(`server error: ${describe()}`);
  if (status >= 400) {
    let body: unknown;
    try {
      body = JSON.parse(res.body);
    } catch {
      throw new Error(`error body is not JSON: ${describe()}`);
    }
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string') throw new Error(`not the error shape: ${describe()}`);
    for (const m of sent.match(MARKER) ?? []) if (res.body.includes(m)) throw new Error(`error echoes ${m}: ${describe()}`);
  }
}

// ---------------------------------------------------------------------------
// Arbitraries.

const marker = fc.stringMatching(/^[a-z0-9]{12}$/).map((x) => `标记${x}`);
const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 3,
});
const unicodeText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.tuple(fc.string({ maxLength: 5 }), loneSurrogates, fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c),
  fc.constantFrom('\u0000', 'a\u0000b', '\u200b', '\ufeff', '𠮷野家', '🙂'.repeat(40), ' ', '', '\n\t'),
);
const hugeString = fc.integer({ min: 201, max: 40_000 }).map((n) => '长'.repeat(n));
function nest(depth: number, asArray: boolean): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { a: v };
  return v;
}
const deep = fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.boolean()).map(([d, a]) => nest(d, a));
const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2),
  fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.anything({ maxDepth: 2 }), { maxKeys: 3 }),
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: marker },
  { weight: 3, arbitrary: unicodeText },
  { weight: 3, arbitrary: wrongType },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deep },
);

type Path = (string | number)[];

/** Every path into a JSON value (containers and leaves), down to a depth that keeps deep values cheap. */
function pathsOf(v: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (prefix.length >= 8) return out;
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...prefix, i])));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...prefix, k]));
  return out;
}

/** One change to a valid body: drop a field, replace a value, or add an unexpected key. */
interface Mutation {
  readonly kind: 'drop' | 'replace' | 'add';
  readonly pick: number;
  readonly key: string;
  readonly value: unknown;
}
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('drop', 'replace', 'replace', 'add'),
  pick: fc.nat(),
  key: fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('__proto__', 'constructor', 'idNumber', 'type', 'expectedVersion')),
  value: anyValue,
});

function applyMutations(valid: unknown, mutations: readonly Mutation[]): unknown {
  let root: unknown = structuredClone(valid);
  for (const m of mutations) {
    const paths = pathsOf(root);
    const path = paths[m.pick % paths.length] ?? [];
    if (path.length === 0) {
      if (m.kind === 'replace') root = m.value;
      else if (m.kind === 'add' && typeof root === 'object' && root !== null && !Array.isArray(root)) {
        Object.defineProperty(root, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    type Container = Record<string | number, unknown>;
    const parent = path
      .slice(0, -1)
      .reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Container)[k] : undefined), root) as
      Container | null | undefined;
    const last = path[path.length - 1] as string | number;
    if (typeof parent !== 'object' || parent === null) continue;
    if (m.kind === 'drop') {
      if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
      else delete parent[last];
    } else if (m.kind === 'replace') {
      parent[last] = m.value;
    } else {
      const target = parent[last];
      if (typeof target === 'object' && target !== null && !Array.isArray(target)) {
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  return root;
}

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('已核实', '依法支持', '村级调解', 'note') },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }) },
  { weight: 2, arbitrary: marker },
  // NUL characters and lone surrogates pass the schema but not PostgreSQL's jsonb.
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('甲', 'a'), unicodeText).map(([a, b]) => a + b) },
);
// Mostly valid (a random body with its GB 11643 check character), sometimes a check character that may be wrong.
const idNumber = fc.oneof(
  fc.constant('41272119900101341X'),
  fc.stringMatching(/^\d{17}$/).map((body) => body + residentIdCheckCharacter(body)),
  fc.stringMatching(/^\d{17}[\dX]$/),
);
const phone = fc.oneof(fc.constant('18749261234'), fc.stringMatching(/^1\d{10}$/));
const unit = fc.constantFrom('411621', '411621', '411621206', '411622', '411600', '999999', '411621206001');
const person = fc.record({ name: text, idNumber, phone, address: text }, { requiredKeys: ['name', 'address'] });

/** Intakes valid by the schema (some outside the caller's unit, some accusations). */
const validIntake = fc.record(
  {
    channel: fc.constantFrom(...CHANNELS),
    unit,
    petitioner: person,
    matter: fc.record(
      {
        category: fc.constantFrom('land', 'education', 'benefits'),
        summary: text,
        details: text,
        accusation: fc.boolean(),
        accusedUnit: unit,
      },
      { requiredKeys: ['category', 'summary'] },
    ),
    representatives: fc.array(fc.record({ name: text, idNumber, phone }, { requiredKeys: ['name'] }), { maxLength: 6 }),
  },
  { requiredKeys: ['channel', 'unit', 'petitioner', 'matter'] },
);

const duration = fc.oneof(
  fc.constantFrom('P1D', 'P10D', 'P30D', 'P31D', 'PT1H', 'P1Y'),
  // Far-off due times: past what PostgreSQL and JavaScript dates hold.
  fc.constantFrom('P9999Y', 'P300000Y', 'PT99999999999H', 'P1000000000D'),
  fc.constantFrom('PT0S', 'bogus', '-P1D', 'P', ''),
);
const rating = fc.constantFrom('satisfied', 'basically-satisfied', 'unsatisfied', 'happy');
const someCase = fc.nat().map((i) => caseIds[i % caseIds.length] ?? '00000000-0000-4000-8000-000000000000');

/** Fields of each command type, valid by the schema most of the time. */
const COMMAND_FIELDS = {
  VERIFY: fc.record({ note: text }, { requiredKeys: [] }),
  REJECT: fc.record({ reason: text, route: fc.constantFrom('litigation', 'discipline', 'other') }),
  REQUEST_INFO: fc.record({ note: text }),
  PROVIDE_INFO: fc.record({ note: text }),
  MERGE: fc.record({ intoCaseId: fc.oneof(someCase, fc.uuid()) }),
  ASSIGN: fc.record({ unit, handler: text }, { requiredKeys: ['unit'] }),
  OBJECT: fc.record({ reason: text }),
  START_MEDIATION: fc.record({ level: fc.constantFrom('county', 'township', 'village'), mediator: text }, { requiredKeys: ['level'] }),
  RECORD_MEDIATION_SESSION: fc.record({ note: text }),
  MEDIATION_AGREED: fc.record({ agreement: text }),
  MEDIATION_FAILED: fc.record({ reason: text }),
  RESOLVE: fc.record({ outcome: fc.constantFrom('support', 'explain', 'not-support'), opinion: text }),
  DELIVER: fc.record({ method: fc.constantFrom('in-person', 'post', 'electronic'), proof: text }, { requiredKeys: ['method'] }),
  REQUEST_EXTENSION: fc.record({ duration, reason: text }),
  APPROVE_EXTENSION: fc.record({ note: text }, { requiredKeys: [] }),
  ESCALATE: fc.record({ reason: text, dueIn: duration }, { requiredKeys: ['reason'] }),
  REASSIGN: fc.record({ unit, handler: text, dueIn: duration }, { requiredKeys: ['unit'] }),
  RATE_SATISFACTION: fc.record({ body: rating, bureau: rating }),
  REQUEST_REVIEW: fc.record({ reason: text }),
  ASSIGN_LEADER: fc.record({ leader: text }),
  PAUSE_CLOCK: fc.record({ clock: fc.constantFrom(...CLOCK_NAMES, 'bogus'), reason: text }, { requiredKeys: ['clock'] }),
  RESUME_CLOCK: fc.record({ clock: fc.constantFrom(...CLOCK_NAMES, 'bogus'), reason: text }, { requiredKeys: ['clock'] }),
  LINK_CONFERENCE: fc.record({ conference: text, departments: fc.array(text, { maxLength: 4 }) }),
} satisfies Record<CommandType, fc.Arbitrary<Record<string, unknown>>>;

const validCommand = fc
  .tuple(
    // Commands that set or move clocks a little more often: they write deadline rows.
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...COMMAND_TYPES) },
      { weight: 1, arbitrary: fc.constantFrom<CommandType>('ESCALATE', 'REASSIGN', 'REQUEST_EXTENSION', 'PAUSE_CLOCK', 'RESUME_CLOCK') },
    ),
    fc.option(fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: -3, max: 0 })), { nil: undefined, freq: 2 }),
  )
  .chain(([type, expectedVersion]) =>
    COMMAND_FIELDS[type].map((fields) => ({ type, ...fields, ...(expectedVersion !== undefined && { expectedVersion }) })),
  );

/** The roles that may send a command type in some state (the permission matrix). */
function rolesFor(type: CommandType): HumanRole[] {
  const roles = Object.values(PERMISSIONS[type] ?? {}).flatMap((r) => r ?? []);
  return HUMAN_ROLES.filter((r) => roles.includes(r));
}

/** A body as sent: raw text (or none). */
function bodyArb(valid: fc.Arbitrary<unknown>): fc.Arbitrary<string | undefined> {
  const json = (v: unknown): string | undefined => JSON.stringify(v);
  return fc.oneof(
    { weight: 6, arbitrary: valid.map(json) },
    {
      weight: 6,
      arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([v, ms]) => json(applyMutations(v, ms))),
    },
    { weight: 1, arbitrary: fc.anything().map(json) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'null',
        '[]',
        '{',
        '{"__proto__": {"polluted": true}}',
        '{"constructor": {"prototype": {"polluted": true}}}',
        `\ufeff${JSON.stringify(intakeBody())}`,
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
        `{"petitioner": "${'x'.repeat(1_100_000)}"}`,
        JSON.stringify(intakeBody()).replace('张某', '张\\ud800某'),
        JSON.stringify(intakeBody()).replace('张某', '\\u0000'),
      ),
    },
  );
}

const contentType = fc.option(
  fc.oneof(
    { weight: 16, arbitrary: fc.constant('application/json') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'APPLICATION/JSON',
        'text/plain',
        'text/plain; charset=utf-8',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/merge-patch+json',
        '*/*',
        '',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }) },
  ),
  { nil: undefined, freq: 20 },
);

const KEY_POOL = ['fuzz-key-0001', 'fuzz-key-0002', 'fuzz-key-0003'];
const idempotencyKey = fc.option(
  fc.oneof(
    fc.constantFrom(...KEY_POOL),
    fc.stringMatching(/^[A-Za-z0-9._~-]{8,40}$/),
    fc.string({ unit: 'grapheme-ascii', maxLength: 140 }),
  ),
  { nil: undefined, freq: 2 },
);

/** Who calls: a role and unit (mostly the county of the cases), no token, or a bad one. */
type Caller = { role: HumanRole; unit: string } | 'none' | 'bad';
const caller: fc.Arbitrary<Caller> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      role: fc.constantFrom(...HUMAN_ROLES),
      unit: fc.constantFrom('411621', '411621', '411621206', '411622', '411600'),
    }),
  },
  { weight: 1, arbitrary: fc.constantFrom<Caller>('none', 'bad') },
);

async function authOf(c: Caller): Promise<Record<string, string>> {
  if (c === 'none') return {};
  if (c === 'bad') return { authorization: 'Bearer not.a.token' };
  return { authorization: await tokenOf(c.role, c.unit) };
}

/** A path segment for a case id: mostly a real case, sometimes an unknown id or garbage. */
const caseSegment = fc.oneof(
  { weight: 8, arbitrary: someCase },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom('x'.repeat(300), '..', '%', '%2F')).map(enc) },
);

interface WriteInput {
  readonly who: Caller;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
  readonly key: string | undefined;
}

/** One write request, with the invariants: no 5xx, the error shape, and nothing written when it fails. */
async function write(url: string, input: WriteInput): Promise<void> {
  // The counts after the previous request are the counts before this one (nothing else writes meanwhile).
  const before = lastCounts ?? (await counts());
  const res = await s.app.inject({
    method: 'POST',
    url,
    headers: {
      ...(await authOf(input.who)),
      ...(input.contentType !== undefined && { 'content-type': input.contentType }),
      ...(input.key !== undefined && { 'idempotency-key': input.key }),
    },
    ...(input.body !== undefined && { payload: input.body }),
  });
  const sent = `${input.body ?? ''} key=${input.key ?? ''}`;
  checkAnswer(`POST ${url} as ${JSON.stringify(input.who)} (${input.contentType ?? 'no content type'})`, res, sent);
  const after = await counts();
  lastCounts = after;
  if (res.statusCode >= 400 && after !== before) {
    throw new Error(
      `a failed request wrote: ${before} → ${after}\nPOST ${url} → ${res.statusCode} ${res.body.slice(0, 300)}\nsent: ${sent.slice(0, 300)}`,
    );
  }
}

/** Percent-encoding that also takes lone surrogates (as the U+FFFD a client would send instead). */
function enc(v: string): string {
  return Array.from(Buffer.from(v, 'utf8'), (b) =>
    /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
}

/** A query string: known keys with arbitrary values, unknown keys, repeats, and raw garbage. */
function queryArb(known: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<string> {
  const names = Object.keys(known);
  const value = (name: string) =>
    fc.oneof(
      { weight: 4, arbitrary: known[name] ?? fc.string() },
      { weight: 2, arbitrary: fc.oneof(unicodeText, marker, fc.integer().map(String), fc.string({ maxLength: 20 })) },
      { weight: 1, arbitrary: fc.constantFrom('', 'x'.repeat(5000), 'true', '-1', '1e400', 'NaN', '[]', '{}') },
    );
  const pair = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...names).chain((n) => value(n).map((v) => `${enc(n)}=${enc(v)}`)) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([k, v]) => `${enc(k)}=${enc(v)}`) },
    { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => n) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E4%B8', '=', '&', '==', '%00', 'a[b]=c', '__proto__[x]=1', 'constructor=1') },
  );
  return fc.array(pair, { maxLength: 5 }).map((ps) => ps.join('&'));
}

const isoDate = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
const cursor = fc.oneof(
  fc.tuple(isoDate, fc.uuid()).map((t) => Buffer.from(JSON.stringify(t)).toString('base64url')),
  fc.anything({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? '').toString('base64url')),
  fc.string({ maxLength: 40 }),
);

/** One read request, with the invariants of {@link checkAnswer}. */
async function read(url: string, who: Caller, contentType: string | undefined): Promise<void> {
  const res = await s.app.inject({
    method: 'GET',
    url,
    headers: { ...(await authOf(who)), ...(contentType !== undefined && { 'content-type': contentType }) },
  });
  checkAnswer(`GET ${url} as ${JSON.stringify(who)}`, res, url);
}

/** Runs a read property; reads never write, checked once around the whole run and every 200 requests. */
async function fuzzReads(arb: fc.Arbitrary<{ url: string; who: Caller; contentType: string | undefined }>): Promise<void> {
  const before = await counts();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(arb, async ({ url, who, contentType }) => {
      await read(url, who, contentType);
      if (++n % 200 === 0 && (await counts()) !== before) throw new Error(`a read wrote (around ${url})`);
    }),
    params,
  );
  expect(await counts()).toBe(before);
  await expectAuditOk();
}

describe('fuzzing the HTTP API: never a 500, always the error shape, never a partial write', () => {
  it(`POST /petitions (${RUNS} runs)`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ who: caller, body: bodyArb(validIntake), contentType, key: idempotencyKey }), async (input) => {
        await write('/petitions', input);
        if (++n % 250 === 0) await expectAuditOk();
      }),
      params,
    );
    await expectAuditOk();
  });

  it(`POST /petitions/:id/events (${RUNS} runs)`, async () => {
    // Half of the runs send a well-formed command as a role that may send it in some state, so that many
    // requests get through validation to the engine (the case lock, the machine, the deadline rows).
    const coherent = validCommand.chain((cmd) =>
      fc.record({
        id: someCase,
        who: fc.constantFrom(...rolesFor(cmd.type)).map((role): Caller => ({ role, unit: '411621' })),
        body: fc.constant<string | undefined>(JSON.stringify(cmd)),
        contentType: fc.constant<string | undefined>('application/json'),
        key: fc.option(fc.constantFrom(...KEY_POOL, 'fuzz-key-0004', 'fuzz-key-0005'), { nil: undefined }),
      }),
    );
    const anyCommand = fc.record({ id: caseSegment, who: caller, body: bodyArb(validCommand), contentType, key: idempotencyKey });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 2, arbitrary: coherent }, { weight: 1, arbitrary: anyCommand }), async ({ id, ...input }) => {
        await write(`/petitions/${id}/events`, input);
        n += 1;
        // Fresh cases now and then, so commands keep meeting early states.
        if (n % 50 === 0) await addCases(3);
        if (n % 250 === 0) await expectAuditOk();
      }),
      params,
    );
    await expectAuditOk();
  });

  it(`GET /petitions?… (${RUNS} runs)`, async () => {
    const query = queryArb({
      state: fc.constantFrom(...STATE_NAMES),
      unit,
      overdue: fc.constantFrom('true', 'false'),
      limit: fc.integer({ min: -5, max: 150 }).map(String),
      cursor,
    });
    await fuzzReads(fc.record({ url: query.map((q) => `/petitions?${q}`), who: caller, contentType }));
  });

  it(`GET /petitions/:id/replay?at=… (${RUNS} runs)`, async () => {
    const at = fc.oneof(
      isoDate,
      fc.constantFrom(
        '2026-03-02T01:00:00+08:00',
        '0000-01-01T00:00:00Z',
        '9999-12-31T23:59:59.999Z',
        '2026-02-30T00:00:00Z',
        '2026-13-01T00:00:00Z',
        'yesterday',
      ),
    );
    const query = queryArb({ at });
    await fuzzReads(
      fc.record({ url: fc.tuple(caseSegment, query).map(([id, q]) => `/petitions/${id}/replay?${q}`), who: caller, contentType }),
    );
  });

  it(`GET /supervision?… (${RUNS} runs)`, async () => {
    const query = queryArb({ unit, limit: fc.integer({ min: -5, max: 700 }).map(String) });
    await fuzzReads(fc.record({ url: query.map((q) => `/supervision?${q}`), who: caller, contentType }));
  });

  it(`GET /audit/verify?… (${RUNS} runs)`, async () => {
    const query = queryArb({ unit });
    await fuzzReads(fc.record({ url: query.map((q) => `/audit/verify?${q}`), who: caller, contentType }));
  });

  it(`GET /petitions/:id/history?format=… (${RUNS} runs)`, async () => {
    const query = queryArb({ format: fc.constantFrom('json', 'csv', 'xml', 'CSV') });
    await fuzzReads(
      fc.record({ url: fc.tuple(caseSegment, query).map(([id, q]) => `/petitions/${id}/history?${q}`), who: caller, contentType }),
    );
  });
});
