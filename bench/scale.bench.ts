/**
 * Province scale: `--cases` cases (default 1,000,000) over 18 cities of two
 * counties each, built from engine-made template cases copied in SQL with
 * every hash recomputed (bench/case-copies.ts), ~5% of them open with their
 * pending deadlines spread around now (some past due, some reminded), the
 * rest rejected. Then the paths the province reads, through the real API
 * (`inject`, sequential requests after a warm-up), the verifications, and
 * last the timer catch-up (bench/catch-up-figure.ts: `--catch-up-count`
 * overdue timers, `--cases` by default, 0 to leave it out, against the Redis
 * path's rate over `--catch-up-steady` timers, a case read timed meanwhile
 * from a thread of its own). The catch-up is timed over its first
 * `--catch-up-seconds` (a sweeper pass is bounded and resumes where it
 * stopped, so that rate holds for the whole backlog; `bench:catch-up` times it
 * to the last timer); the figure says how many of the overdue timers fired.
 * The catch-up runs on a database and Redis prefix of its own, after the
 * other figures so that its load weighs on none of them: the open cases here
 * (5%) cannot carry `--cases` overdue timers, and adding the timer cases to
 * this data set would change a `--keep` data set and fire its own past-due
 * deadlines in the same passes (the reasons in catch-up-figure.ts).
 *
 *   npm run bench:scale -- [--admin-url URL] [--redis-url URL] [--cases 1000000] [--runs 40] [--keep]
 *     [--catch-up-count N] [--catch-up-steady 20000] [--catch-up-seconds 120]
 *
 * Creates its own database and drops it at the end. With `--keep` the
 * database is `pf_bench_scale_<cases>_kept` and stays; the next `--keep` run
 * of the same size reuses it (migrated to the latest schema, not rebuilt; its
 * deadlines then lie further in the past). Drop it by hand when done.
 * Progress on stderr, one
 * JSON line per figure on stdout:
 *   {"bench":"scale","figure":…,"p50_ms":…,"p95_ms":…,"target_ms":…,"raw_p95_ms":…,"ratio":…,"pass":…}
 * `raw_p95_ms` is a baseline measured in the same run, alternating with ours:
 * the plainest SQL for the same answer through `pg` (no views, no scope
 * rules, no HTTP); `ratio` is ours over it. `pass` is against the target.
 * `verify` gives `events_per_s` against its target, `bytes-per-case` its bytes,
 * `catch-up` `catch_up_per_s`, `steady_per_s`, their `ratio` and `read_p95_ms`.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { signToken } from '../api/auth';
import { buildServer } from '../api/server';
import { DEFAULT_POLICY } from '../config/default-policy';
import { DEFAULT_API_LIMITS } from '../config/load-config';
import { createAuditCheckpointService } from '../engine/audit-checkpoint.service';
import { createAuditService, type AuditService } from '../engine/audit.service';
import { encodePageCursor } from '../engine/page-cursor';
import { createPetitionEngine, type PetitionEngine } from '../engine/petition.engine';
import { createUnitDirectory } from '../engine/unit-directory.service';
import { createChinaCalendar } from '../engine/working-calendar';
import type { Actor } from '../machines/petition.roles';
import type { HumanRole } from '../machines/petition.vocabulary';
import { createBenchDatabase, DEFAULT_ADMIN_URL, keptBenchDatabase, markBuilt, type BenchDatabase } from './bench-database';
import { copyCases, templateOf, type Template } from './case-copies';
import { measureCatchUp } from './catch-up-figure';

const SECRET = 'bench-secret-with-at-least-32-characters!';
const CITIES = Array.from({ length: 18 }, (_, c) => `41${String(c + 1).padStart(2, '0')}`);
const COUNTIES = CITIES.flatMap((city) => [`${city}21`, `${city}22`]);
const CITY = '411600';
const COUNTY = '411621';
/** Share of the copies still open (a province's open cases are a few percent of its history). */
const OPEN_SHARE = 0.05;
const DAY_MS = 86_400_000;
const TARGETS = { board: 100, overdue: 20, cursorPage: 10, listPage: 30, countyVerifyMs: 15_000, eventsPerS: 100_000, bytesPerCase: 4_500 };

const info = (line: string) => process.stderr.write(`${line}\n`);
const figure = (f: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ bench: 'scale', ...f })}\n`);
const load = () => Number(loadavg()[0]?.toFixed(2));

function quantile(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] ?? Number.NaN;
}
const round = (x: number) => Math.round(x * 10) / 10;

/** Engine-made templates in every county: open ones (mediation, 5 to 9 entries) and rejected ones (information rounds, 6 to 12). */
async function makeTemplates(engine: PetitionEngine, db: BenchDatabase['db']): Promise<{ open: Template[]; closed: Template[] }> {
  const open: Template[] = [];
  const closed: Template[] = [];
  for (const [i, unit] of COUNTIES.entries()) {
    const as = (role: HumanRole): Actor => ({ id: `bench-${role}`, role, unit });
    const intake = () =>
      engine.intake(
        {
          channel: 'letter',
          unit,
          petitioner: { name: `张某${i}`, idNumber: '41272119900101341X', phone: '18749261234', address: '某县某乡某村' },
          matter: { category: 'land', summary: '宅基地纠纷，请求确权，邻里就院墙位置发生争执多年未决' },
        },
        as('clerk'),
      );
    const a = await intake();
    await engine.dispatch(a.id, { type: 'VERIFY' }, as('clerk'));
    await engine.dispatch(a.id, { type: 'ASSIGN', unit, handler: '李某' }, as('clerk'));
    await engine.dispatch(a.id, { type: 'START_MEDIATION', level: 'village', mediator: '王某' }, as('handler'));
    for (let s = 0; s < 1 + (i % 5); s++)
      await engine.dispatch(a.id, { type: 'RECORD_MEDIATION_SESSION', note: `第${s + 1}次调解，双方陈述意见` }, as('mediator'));
    open.push(await templateOf(db, a.id));
    const b = await intake();
    for (let s = 0; s < 2 + (i % 4); s++) {
      await engine.dispatch(b.id, { type: 'REQUEST_INFO', note: '请补充身份证明' }, as('clerk'));
      await engine.dispatch(b.id, { type: 'PROVIDE_INFO', note: '已补充' }, as('clerk'));
    }
    await engine.dispatch(b.id, { type: 'REJECT', reason: '已进入诉讼程序', route: 'litigation' }, as('clerk'));
    closed.push(await templateOf(db, b.id));
  }
  return { open, closed };
}

/** Builds the data set: templates, then copies spread over two years, the open ones with deadlines around now. */
async function buildData(bench: BenchDatabase, engine: PetitionEngine, cases: number, now: number): Promise<void> {
  const t0 = performance.now();
  const { open, closed } = await makeTemplates(engine, bench.db);
  const n = cases - open.length - closed.length;
  // A fixed pseudo-random sequence, so runs are comparable.
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const events = await copyCases(
    bench.pool,
    n,
    (i) => {
      const isOpen = random() < OPEN_SHARE;
      const pool = isOpen ? open : closed;
      const template = pool[i % pool.length] as Template;
      // Whole seconds over two years: cases of one second share their created_at, as imports do.
      const createdAt = new Date(Math.floor((now - random() * 730 * DAY_MS) / 1000) * 1000);
      return isOpen
        ? { template, createdAt, pendingDueAt: new Date(now + (random() - 0.3) * 30 * DAY_MS), remindersSent: random() < 0.3 ? 1 : 0 }
        : { template, createdAt };
    },
    (done) => info(`[${((performance.now() - t0) / 1000).toFixed(0)} s] copied ${done} of ${n} cases`),
  );
  info(`copies written (${events} trail entries); vacuum analyze`);
  await bench.pool.query('vacuum analyze');
  info(`data set: ${cases} cases built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** p50 and p95 of ours and of the raw baseline, in milliseconds. */
interface Timings {
  readonly p50: number;
  readonly p95: number;
  readonly rawP50: number;
  readonly rawP95: number;
}

/**
 * Sequential timings of `run` and of `raw` (the baseline: the plainest SQL
 * for the same answer, through `pg`) after `warmUp` untimed calls of each,
 * the two alternating so that a busy machine weighs on both alike.
 */
async function timings(
  runs: number,
  warmUp: number,
  run: (i: number) => Promise<void>,
  raw: (i: number) => Promise<void>,
): Promise<Timings> {
  for (let i = 0; i < warmUp; i++) {
    await run(i);
    await raw(i);
  }
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await run(i);
    ours.push(performance.now() - t);
    t = performance.now();
    await raw(i);
    base.push(performance.now() - t);
  }
  return { p50: quantile(ours, 0.5), p95: quantile(ours, 0.95), rawP50: quantile(base, 0.5), rawP95: quantile(base, 0.95) };
}

/** One latency figure: ours against its target, the raw baseline of the same run, and their ratio. */
function latencyFigure(name: string, fields: Record<string, unknown>, t: Timings, targetMs: number): void {
  figure({
    figure: name,
    ...fields,
    p50_ms: round(t.p50),
    p95_ms: round(t.p95),
    target_ms: targetMs,
    raw_p50_ms: round(t.rawP50),
    raw_p95_ms: round(t.rawP95),
    ratio: Math.round((t.p95 / t.rawP95) * 100) / 100,
    load_1m: load(),
    pass: t.p95 <= targetMs,
  });
}

/** The raw baselines: what a hand-written query through `pg` answers, without views, scope rules or HTTP. */
function rawQueries(bench: BenchDatabase) {
  const q = (text: string, params: unknown[]) => async () => void (await bench.pool.query(text, params));
  const open = `c.state not in ('closed', 'rejected')`;
  const inScope = `exists (select 1 from case_units u where u.case_id = c.id and u.unit like $1)`;
  return {
    board: q(`select c.unit, count(*) from cases c where ${open} and c.unit like $1 group by c.unit`, [`${CITY.slice(0, 4)}%`]),
    overdue: q(
      `select c.* from cases c where ${open} and ${inScope}
       and exists (select 1 from deadlines d where d.case_id = c.id and (d.status = 'breached' or (d.status = 'pending' and d.due_at < now())))
       order by c.created_at desc, c.id desc limit 21`,
      [`${CITY.slice(0, 4)}%`],
    ),
    cursorPage: (at: Date, id: string) =>
      q(`select c.* from cases c where ${inScope} and (c.created_at, c.id) < ($2, $3) order by c.created_at desc, c.id desc limit 21`, [
        `${COUNTY}%`,
        at,
        id,
      ]),
    listPage: q(`select c.* from cases c where ${inScope} order by c.created_at desc, c.id desc limit 101`, [`${CITY.slice(0, 4)}%`]),
  };
}

/**
 * A GET through the API as `role` of `unit`; anything but 200 stops the benchmark. Tokens are signed once, as a
 * client does. It answers the response body unparsed: a client in another process parses it on its own time, and
 * parsing it here (a megabyte of objects for a list page of 100) would load the API's collector with the client's work.
 */
function getter(app: FastifyInstance) {
  const tokens = new Map<string, string>();
  return async (role: HumanRole, unit: string, url: string): Promise<string> => {
    const key = `${role}@${unit}`;
    const token = tokens.get(key) ?? (await signToken(SECRET, { sub: `bench-${key}`, role, unit }));
    tokens.set(key, token);
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
    if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    return res.body;
  };
}

/** A response body read as the object the API documents. */
const parsed = (body: string) => JSON.parse(body) as Record<string, unknown>;

/** The position after `offset` cases of a unit's list (newest first), and the cursor the API would have returned for it. */
async function cursorAt(bench: BenchDatabase, unit: string, offset: number): Promise<{ at: Date; id: string; cursor: string }> {
  const prefix = unit.endsWith('00') ? unit.slice(0, 4) : unit;
  const { rows } = await bench.pool.query<{ id: string; created_at: Date }>(
    `select c.id, c.created_at from cases c where exists (select 1 from case_units u where u.case_id = c.id and u.unit like $1)
     order by c.created_at desc, c.id desc offset $2 limit 1`,
    [`${prefix}%`, offset - 1],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`fewer than ${offset} cases in ${unit}`);
  return { at: row.created_at, id: row.id, cursor: encodePageCursor({ at: row.created_at, id: row.id }) };
}

async function apiFigures(bench: BenchDatabase, app: FastifyInstance, runs: number): Promise<void> {
  const get = getter(app);
  const raw = rawQueries(bench);
  const board = await timings(runs, 5, async () => void (await get('supervisor', CITY, '/supervision')), raw.board);
  const b = parsed(await get('supervisor', CITY, '/supervision'));
  info(`board ${CITY}: ${JSON.stringify((b.units as unknown[]).slice(0, 2))}…`);
  latencyFigure('board-city', { unit: CITY }, board, TARGETS.board);

  const overdue = await timings(runs, 5, async () => void (await get('supervisor', CITY, '/petitions?overdue=true')), raw.overdue);
  const o = parsed(await get('supervisor', CITY, '/petitions?overdue=true'));
  info(`overdue ${CITY}: ${(o.items as unknown[]).length} on the first page`);
  latencyFigure('overdue-list', { unit: CITY }, overdue, TARGETS.overdue);

  // Page 100 of a county's list (the default 20 a page), and pages around it, by the cursor the API gives.
  // A small data set (development runs) has fewer pages: then its last pages.
  const counted = await bench.pool.query<{ n: string }>(`select count(*) as n from case_units where unit like $1`, [`${COUNTY}%`]);
  const pages = Math.floor(Number(counted.rows[0]?.n) / 20);
  const deepest = Math.min(100, pages - 5);
  const cursors = await Promise.all([deepest - 5, deepest, deepest + 5].map((page) => cursorAt(bench, COUNTY, (page - 1) * 20)));
  info(`cursor pages ${deepest - 5}, ${deepest}, ${deepest + 5} of ${COUNTY}`);
  const nth = (i: number) => cursors[i % cursors.length] as (typeof cursors)[number];
  const deep = await timings(
    runs,
    3,
    async (i) => void (await get('clerk', COUNTY, `/petitions?cursor=${nth(i).cursor}`)),
    (i) => raw.cursorPage(nth(i).at, nth(i).id)(),
  );
  latencyFigure('cursor-page-100', { unit: COUNTY, page: deepest }, deep, TARGETS.cursorPage);

  const page = await timings(runs, 5, async () => void (await get('supervisor', CITY, '/petitions?limit=100')), raw.listPage);
  latencyFigure('list-page-100', { unit: CITY }, page, TARGETS.listPage);
}

async function verifyFigures(audit: AuditService, bench: BenchDatabase): Promise<void> {
  let t = performance.now();
  const county = await audit.verifyAudit(COUNTY, { pool: true });
  const countyMs = performance.now() - t;
  info(`county ${COUNTY}: ok=${county.ok} ${county.checked} events in ${county.cases} cases in ${(countyMs / 1000).toFixed(1)} s`);
  figure({
    figure: 'verify-county',
    unit: COUNTY,
    cases: county.cases,
    events: county.checked,
    p95_ms: Math.round(countyMs),
    target_ms: TARGETS.countyVerifyMs,
    load_1m: load(),
    pass: county.ok && countyMs <= TARGETS.countyVerifyMs,
  });
  t = performance.now();
  const whole = await audit.verifyAudit(undefined, { pool: true });
  const seconds = (performance.now() - t) / 1000;
  const rate = whole.checked / seconds;
  info(`whole: ok=${whole.ok} ${whole.checked} events in ${whole.cases} cases in ${seconds.toFixed(1)} s`);
  figure({
    figure: 'verify',
    cases: whole.cases,
    events: whole.checked,
    seconds: round(seconds),
    events_per_s: Math.round(rate),
    target: TARGETS.eventsPerS,
    load_1m: load(),
    pass: whole.ok && rate >= TARGETS.eventsPerS,
  });
  const { rows } = await bench.pool.query<{ bytes: string; cases: string }>(
    `select (select count(*) from cases) as cases, sum(pg_total_relation_size(t::regclass)) as bytes
     from unnest(array['cases', 'case_events', 'deadlines', 'case_units', 'case_facts']) as t`,
  );
  const perCase = Number(rows[0]?.bytes) / Number(rows[0]?.cases);
  const parts = await bench.pool.query<{ t: string; bytes: string }>(
    `select t, pg_total_relation_size(t::regclass) as bytes from unnest(array['cases', 'case_events', 'deadlines', 'case_units', 'case_facts']) as t`,
  );
  info(`bytes: ${parts.rows.map((r) => `${r.t} ${(Number(r.bytes) / Number(rows[0]?.cases)).toFixed(0)}`).join(', ')} per case`);
  figure({ figure: 'bytes-per-case', bytes: Math.round(perCase), target: TARGETS.bytesPerCase, pass: perCase <= TARGETS.bytesPerCase });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'admin-url': { type: 'string', default: DEFAULT_ADMIN_URL },
      'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
      cases: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '40' },
      keep: { type: 'boolean', default: false },
      'catch-up-count': { type: 'string' },
      'catch-up-steady': { type: 'string', default: '20000' },
      'catch-up-seconds': { type: 'string', default: '120' },
    },
  });
  const catchUpCount = Number(values['catch-up-count'] ?? values.cases);
  const started = performance.now();
  const { bench, built } = values.keep
    ? await keptBenchDatabase(values['admin-url'], `scale_${values.cases}`, 4)
    : { bench: await createBenchDatabase(values['admin-url'], 'scale', 4), built: false };
  info(`database ${bench.name}${built ? ' (reused)' : ''}; load ${load()}`);
  const now = Date.now();
  try {
    const engine = createPetitionEngine({
      db: bench.db,
      policy: { ...DEFAULT_POLICY, machineVersion: 2 },
      calendar: createChinaCalendar(),
    });
    if (!built) await buildData(bench, engine, Number(values.cases), now);
    if (values.keep && !built) await markBuilt(bench);
    const audit = createAuditService(bench.db, { connectionString: bench.url });
    const { privateKey } = generateKeyPairSync('ed25519');
    const app = await buildServer({
      engine,
      audit,
      checkpoints: createAuditCheckpointService({ db: bench.db, audit, signingKey: () => privateKey }),
      db: bench.db,
      units: createUnitDirectory(bench.db),
      authSecret: SECRET,
      logger: false,
      readiness: async () => ({ database: true }),
      limits: DEFAULT_API_LIMITS,
    });
    try {
      await apiFigures(bench, app, Number(values.runs));
    } finally {
      await app.close();
    }
    await verifyFigures(audit, bench);
  } finally {
    if (values.keep) {
      info(`kept database ${bench.name}`);
      await bench.db.destroy();
    } else await bench.drop();
  }
  // The scale data set is closed (or dropped) first: the catch-up's own database is the only one it loads.
  if (catchUpCount > 0) {
    const catchUpStarted = performance.now();
    const catchUp = await measureCatchUp({
      count: catchUpCount,
      steady: Number(values['catch-up-steady']),
      seconds: Number(values['catch-up-seconds']),
      adminUrl: values['admin-url'],
      redisUrl: values['redis-url'],
      concurrency: 64,
      info,
    });
    figure({ ...catchUp });
    info(`catch-up in ${((performance.now() - catchUpStarted) / 1000).toFixed(0)} s`);
  }
  info(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; load ${load()}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
