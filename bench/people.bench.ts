/**
 * The person index at a province's scale: 1,000,000 cases and 800,000 people
 * built through SQL (generate_series, not the API), then p95 latencies of the
 * four reads a clerk makes at registration, each after a warm-up:
 * exact ID search, phone search, partial-name search (GET /people) and
 * related matters (GET /petitions/:id/related), through the same service
 * functions the routes call.
 *
 *   npm run bench:people -- [--admin-url URL] [--cases 1000000] [--people 800000] [--samples 200] [--keep]
 *
 * Creates its own database on the server of the admin URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and drops it at the end.
 * With `--keep` the database is `pf_bench_people_<cases>_<people>_kept` and
 * stays after the run; the next `--keep` run of the same size reuses it
 * (migrated to the latest schema, not rebuilt), so a read path can be
 * measured again in seconds. Drop it by hand when done. Prints
 * JSON lines: {"bench":"people","figure":"id-search","p95_ms":…,"target_ms":20,"raw_p95_ms":…,"ratio":…,"pass":true}
 * where `raw_p95_ms` is a baseline measured in the same run, alternating with
 * ours on the same inputs: the plainest SQL for the lookup through `pg` (see
 * `rawLookups`); `ratio` is ours over it. `pass` is against the target.
 */
import { createHmac } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createPeopleQueryService, type PeopleQueryService } from '../engine/people/people-query.service';
import type { Actor } from '../machines/petition.roles';
import { createBenchDatabase, DEFAULT_ADMIN_URL, keptBenchDatabase, markBuilt } from './bench-database';

const KEY = Buffer.from('bench-people-index-key-not-a-secret-0001');
/** A supervisor of the province: every case in scope, identifiers masked (no access log writes in the timings). */
const VIEWER: Actor = { id: 'bench-supervisor', role: 'supervisor', unit: '410000' };
const WARMUP = 50;

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN =
  '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建国文辉力海鹏飞云宇浩然子涵欣怡梓轩雨泽晨阳思博瑞佳琪一诺志远德福永春秋冬梅兴旺德才学成';
const TOPICS = [
  '宅基地边界纠纷请求确权',
  '征地补偿款未足额发放请求补发',
  '拖欠农民工工资请求支付',
  '村内道路损坏严重请求维修',
  '撤并学校学生上学不便',
  '民办教师待遇未落实',
  '低保资格被取消请求复核',
  '养老保险待遇计算有误',
  '企业排污影响生活请求治理',
  '房屋拆迁安置不到位',
  '土地承包经营权被侵占',
  '医疗费用报销不及时',
];
const PLACES = '城关曹里练寺大新包屯汴岗白潭韭园崔桥江村固城吕潭柴岗大李庄城郊';

interface Options {
  readonly adminUrl: string;
  readonly cases: number;
  readonly people: number;
  readonly samples: number;
  readonly keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'admin-url': { type: 'string' },
      cases: { type: 'string', default: '1000000' },
      people: { type: 'string', default: '800000' },
      samples: { type: 'string', default: '200' },
      keep: { type: 'boolean', default: false },
    },
  });
  return {
    adminUrl: values['admin-url'] ?? DEFAULT_ADMIN_URL,
    cases: Number(values.cases),
    people: Number(values.people),
    samples: Number(values.samples),
    keep: values.keep,
  };
}

/** Helper functions of the data set: a valid GB 11643 ID number and the gram arrays, as intake computes them. */
async function createHelpers(db: Kysely<Database>): Promise<void> {
  await sql`create extension if not exists pgcrypto`.execute(db);
  await sql`
    create function bench_resident_id(body text) returns text language sql immutable as $$
      select body || substr('10X98765432', (select sum(substr(body, k, 1)::int * (array[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[k]) from generate_series(1, 17) k)::int % 11 + 1, 1)
    $$`.execute(db);
  await sql`
    create function bench_grams(t text, unigrams boolean) returns text[] language sql immutable as $$
      select array(select distinct g from (
        select substr(t, i, 1) g from generate_series(1, length(t)) i where unigrams
        union all select substr(t, i, 2) from generate_series(1, length(t) - 1) i) x)
    $$`.execute(db);
  await sql`
    create function bench_pick(chars text, n bigint) returns text language sql immutable as $$
      select substr(chars, (n % length(chars))::int + 1, 1)
    $$`.execute(db);
}

/** 100 counties in 10 cities of province 41, with names. */
async function loadUnits(db: Kysely<Database>): Promise<void> {
  await sql`
    insert into units (code, name, level, parent_code, short_name)
    select '41' || lpad((c + 10)::text, 2, '0') || lpad((k + 21)::text, 2, '0'), '县' || c || '-' || k, 'county', null, bench_pick(${PLACES}, c * 10 + k) || '信'
    from generate_series(0, 9) c, generate_series(0, 9) k`.execute(db);
}

async function loadPeople(db: Kysely<Database>, people: number): Promise<void> {
  await sql`
    insert into persons (id, id_hash, id_number, phone, name, name_key, address, address_key, name_grams, created_at, updated_at)
    select md5('p' || i)::uuid, hmac('id:' || idn, ${KEY}, 'sha256'), idn, ph, nm, nm, addr, addr, bench_grams(nm, true), now(), now()
    from (
      -- Unique per person: the birth date and sequence number together spell i.
      select i, bench_resident_id('41' || lpad((i / 7 % 90 + 10)::text, 2, '0') || '21' || to_char(date '1950-01-01' + (i / 1000), 'YYYYMMDD') || lpad((i % 1000)::text, 3, '0')) idn,
             '13' || lpad(i::text, 9, '0') ph,
             bench_pick(${SURNAMES}, i) || bench_pick(${GIVEN}, i / 97) || case when i % 3 = 0 then '' else bench_pick(${GIVEN}, i / 7) end nm,
             bench_pick(${PLACES}, i / 13) || '镇' || (i % 40) || '村' addr
      from generate_series(1, ${people}) i) s`.execute(db);
  await sql`insert into person_phones (phone_hash, person_id) select hmac('phone:' || phone, ${KEY}, 'sha256'), id from persons`.execute(
    db,
  );
}

async function loadCases(db: Kysely<Database>, cases: number, people: number): Promise<void> {
  const topics = sql`${TOPICS}::text[]`;
  await sql`
    insert into cases (id, unit, assignee_unit, state, channel, listed, version, machine_version, snapshot, last_hash, created_at, updated_at, number)
    select md5('c' || i)::uuid, u, null, st, 'letter', false, 1, 2,
           jsonb_build_object('value', st, 'context', jsonb_build_object('closure', case when st = 'closed' then 'final' end,
             'intake', jsonb_build_object('matter', jsonb_build_object('category', 'land', 'summary', sm)))),
           decode(md5('h' || i) || md5(i || 'h'), 'hex'), now() - (i % 1000) * interval '1 day', now(), bench_pick(${PLACES}, i) || '信〔2026〕' || i || '号'
    from (
      select i, '41' || lpad(((i % 10) + 10)::text, 2, '0') || lpad(((i / 10 % 10) + 21)::text, 2, '0') u,
             (array['received','verified','assigned','resolved','closed','rejected'])[(i % 6) + 1] st,
             bench_pick(${PLACES}, i / 3) || (${topics})[(i % ${TOPICS.length}) + 1] sm
      from generate_series(1, ${cases}) i) s`.execute(db);
  // A case is in a viewer's scope through the units it passed (case_units, the one scope predicate): here its registering unit.
  await sql`insert into case_units (case_id, unit) select id, unit from cases`.execute(db);
  await sql`
    insert into case_persons (case_id, person_id, role)
    select md5('c' || i)::uuid, md5('p' || ((i::bigint * 7919) % ${people} + 1))::uuid, 'petitioner'
    from generate_series(1, ${cases}) i`.execute(db);
  await sql`
    insert into case_summaries (case_id, unit, grams, unit_grams)
    select id, unit, g, array(select unit || '|' || x from unnest(g) x)
    from (select id, unit, bench_grams(snapshot #>> '{context,intake,matter,summary}', false) g from cases) c`.execute(db);
}

/**
 * Runs a bulk load with the GIN indexes of the person index dropped, then
 * creates them again from their own definitions (as the migration made them):
 * one index build is far faster than a million incremental GIN inserts.
 */
async function withGinIndexesDeferred(db: Kysely<Database>, load: () => Promise<void>): Promise<void> {
  const r = await sql<{ name: string; def: string }>`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = current_schema() and tablename in ('persons', 'case_summaries') and indexdef ilike '% using gin %'`.execute(db);
  for (const index of r.rows) await sql`drop index ${sql.id(index.name)}`.execute(db);
  await load();
  for (const index of r.rows) await sql.raw(index.def).execute(db);
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
}

/**
 * Times `run` over the inputs after a warm-up, alternating with `raw` (the
 * baseline) on the same input so that a busy machine weighs on both alike,
 * and prints the figure with both p95s and their ratio.
 */
async function measure(
  figure: string,
  targetMs: number,
  inputs: readonly string[],
  run: (input: string) => Promise<unknown>,
  raw: (input: string) => Promise<unknown>,
): Promise<boolean> {
  for (const input of inputs.slice(0, WARMUP)) {
    await run(input);
    await raw(input);
  }
  const times: number[] = [];
  const rawTimes: number[] = [];
  const timed = async (into: number[], f: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    await f();
    into.push(Number(process.hrtime.bigint() - t) / 1e6);
  };
  for (const input of inputs.slice(WARMUP)) {
    await timed(times, () => run(input));
    await timed(rawTimes, () => raw(input));
  }
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const value = r2(percentile(times, 0.95));
  const rawValue = r2(percentile(rawTimes, 0.95));
  console.log(
    JSON.stringify({
      bench: 'people',
      figure,
      p95_ms: value,
      p50_ms: r2(percentile(times, 0.5)),
      target_ms: targetMs,
      raw_p95_ms: rawValue,
      ratio: Math.round((value / rawValue) * 100) / 100,
      samples: times.length,
      pass: value <= targetMs,
    }),
  );
  return value <= targetMs;
}

/**
 * The raw baselines: the plainest SQL through `pg` for each lookup: an index
 * lookup of the digest, the name grams' GIN lookup, the unit's summaries
 * sharing a bigram (no scope, masking, access log or similarity ranking).
 */
function rawLookups(pool: Pool) {
  const digest = (kind: string, value: string) => createHmac('sha256', KEY).update(`${kind}:${value}`, 'utf8').digest();
  const person = 'select id, name, id_number, phone, address from persons';
  return {
    id: (q: string) => pool.query(`${person} where id_hash = $1`, [digest('id', q)]),
    phone: (q: string) =>
      pool.query(`${person} where id in (select person_id from person_phones where phone_hash = $1)`, [
        digest('phone', q.replace(/\D/g, '')),
      ]),
    name: (q: string) => pool.query(`${person} where name_grams @> bench_grams($1, true) order by name_key, id limit 20`, [q]),
    related: (caseId: string) =>
      pool.query(
        `select cs.case_id from case_summaries cs, case_summaries me
         where me.case_id = $1 and cs.unit = me.unit and cs.unit_grams && me.unit_grams and cs.case_id <> me.case_id limit 20`,
        [caseId],
      ),
  };
}

async function sampleOf(db: Kysely<Database>, query: string, n: number): Promise<string[]> {
  const rows = await sql<{ v: string }>`${sql.raw(query)} order by random() limit ${n}`.execute(db);
  return rows.rows.map((r) => r.v);
}

async function runFigures(db: Kysely<Database>, pool: Pool, service: PeopleQueryService, n: number): Promise<boolean> {
  const raw = rawLookups(pool);
  const ids = await sampleOf(db, 'select id_number v from persons', n);
  const phones = (await sampleOf(db, 'select phone v from persons', n)).map((p) => `${p.slice(0, 3)}-${p.slice(3, 7)} ${p.slice(7)}`);
  const names = await sampleOf(db, 'select substr(name, 1, 2) v from persons', n);
  const cases = await sampleOf(db, 'select id::text v from cases', n);
  const results = [
    await measure('id-search', 20, ids, (q) => service.search(q, VIEWER), raw.id),
    await measure('phone-search', 20, phones, (q) => service.search(q, VIEWER), raw.phone),
    await measure('name-search', 100, names, (q) => service.search(q, VIEWER), raw.name),
    await measure('related', 100, cases, (id) => service.related(id, VIEWER), raw.related),
  ];
  return results.every(Boolean);
}

async function buildData(db: Kysely<Database>, opts: Options): Promise<void> {
  await sql`set maintenance_work_mem = '512MB'`.execute(db);
  await createHelpers(db);
  await loadUnits(db);
  await withGinIndexesDeferred(db, async () => {
    await loadPeople(db, opts.people);
    await loadCases(db, opts.cases, opts.people);
  });
  await sql`analyze`.execute(db);
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const { bench, built } = opts.keep
    ? await keptBenchDatabase(opts.adminUrl, `people_${opts.cases}_${opts.people}`, 4)
    : { bench: await createBenchDatabase(opts.adminUrl, 'people', 4), built: false };
  let ok = false;
  try {
    const started = Date.now();
    if (!built) await buildData(bench.db, opts);
    if (opts.keep && !built) await markBuilt(bench);
    const counts = await sql<{
      cases: string;
      people: string;
    }>`select (select count(*) from cases) cases, (select count(*) from persons) people`.execute(bench.db);
    console.log(
      JSON.stringify({
        bench: 'people',
        figure: 'build',
        cases: Number(counts.rows[0]?.cases),
        people: Number(counts.rows[0]?.people),
        seconds: Math.round((Date.now() - started) / 1000),
        reused: built,
      }),
    );
    ok = await runFigures(bench.db, bench.pool, createPeopleQueryService(bench.db, KEY), opts.samples + WARMUP);
  } finally {
    if (opts.keep) await bench.db.destroy();
    else await bench.drop();
  }
  process.exitCode = ok ? 0 : 1;
}

void main();
