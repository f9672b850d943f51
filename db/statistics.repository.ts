import { sql, type Kysely, type RawBuilder } from 'kysely';
import { caseFactsCte, type CaseFacts } from './case-facts.sql';
import { caseOverdue, deadlineAtRisk } from './open-case.sql';
import type { Database } from './schema';

/** A half-open period `[from, to)` of instants. */
export interface Period {
  readonly from: Date;
  readonly to: Date;
}

/** A child unit of the scope and the code prefix that names its subtree. */
export interface ChildPrefix {
  readonly code: string;
  readonly prefix: string;
}

/** One aggregate: a name and its SQL over the rows of `f` (which has the booleans `reg`, `acc`, `hand`). */
export type Aggregate = readonly [name: string, expr: RawBuilder<number>];

const inPeriod = (column: string, p: Period) => sql`(${sql.ref(column)} >= ${p.from} and ${sql.ref(column)} < ${p.to})`;

/** The facts columns the figures read (the aggregate never needs the others). */
const FACT_COLUMNS = sql.raw(
  [
    'unit',
    'body_unit',
    'channel',
    'class',
    'category',
    'head_count',
    'flag_group',
    'flag_skip_level',
    'flag_law_related',
    'flag_major_urgent',
    'flag_repeat',
    'flag_first',
    'acceptance',
    'handling',
    'answered_at',
    'outcome',
    'delivered_at',
    'rating_body',
    'rating_bureau',
    'closure',
    'transferred',
    'assigned',
    'supervised',
  ]
    .map((c) => `cf.${c}`)
    .join(', '),
);

/**
 * `unitSubtreePrefix` (machines/unit-tree.ts) in SQL, for units read in the
 * same statement: a 6-digit code ending in 0000 or 00 names its province or
 * city by its first 2 or 4 digits; every other code is its own prefix.
 * tests/integration/statistics-sql.test.ts holds the two equal.
 */
export function subtreePrefixSql(code: RawBuilder<string>): RawBuilder<string> {
  return sql<string>`(case when ${code} ~ '^[0-9]{2}0000$' then left(${code}, 2) when ${code} ~ '^[0-9]{4}00$' then left(${code}, 4) else ${code} end)`;
}

/**
 * Every figure of a scope and period in one statement: the scope's child
 * units (from the tree), the facts rows of the scope registered in the
 * period (`reg`), or whose intake clocks (`acc`) or handling clock (`hand`)
 * ended in it, each tagged with the child whose subtree holds its registering
 * unit; the aggregates for the whole scope and per child, the matters per
 * category and per handling body (with names), as one row of JSON.
 */
export function aggregateFactsQuery(q: {
  readonly scopeUnit: string;
  readonly scopePrefix: string;
  readonly period: Period;
  readonly aggregates: readonly Aggregate[];
}): RawBuilder<AggregateRow> {
  const like = `${q.scopePrefix}%`;
  const cols = q.aggregates.map(([name, expr]) => sql`coalesce(${expr}, 0)::int as ${sql.id(name)}`);
  return sql<AggregateRow>`
    with ch as (
      select code, name, ${subtreePrefixSql(sql`code`)} || '%' as pattern from units where parent_code = ${q.scopeUnit}
    ),
    f as materialized (
      select ${FACT_COLUMNS}, ch.code as child,
        ${inPeriod('cf.registered_at', q.period)} as reg,
        coalesce(${inPeriod('cf.acceptance_at', q.period)}, false) as acc,
        coalesce(${inPeriod('cf.handling_at', q.period)}, false) as hand
      from case_facts cf
      left join ch on cf.unit like ch.pattern
      where cf.unit like ${like}
        and (${inPeriod('cf.registered_at', q.period)} or ${inPeriod('cf.acceptance_at', q.period)} or ${inPeriod('cf.handling_at', q.period)})
    ),
    a as (select child, grouping(child)::int as whole, ${sql.join(cols)} from f group by grouping sets ((), (child))),
    c as (select category, count(*)::int as matters from f where reg group by category),
    b as (select body_unit as body, count(*)::int as matters from f where reg and body_unit is not null group by body_unit)
    select (select name from units where code = ${q.scopeUnit}) as name,
      (select json_agg(json_build_object('code', code, 'name', name) order by code) from ch) as children,
      (select json_agg(a) from a) as totals,
      (select json_agg(c) from c) as categories,
      (select json_agg(json_build_object('body', b.body, 'name', u.name, 'matters', b.matters)) from b left join units u on u.code = b.body) as bodies`;
}

/** The one row of {@link aggregateFactsQuery}. */
interface AggregateRow {
  readonly name: string | null;
  readonly children: { code: string; name: string }[] | null;
  readonly totals: Record<string, unknown>[] | null;
  readonly categories: { category: string; matters: number }[] | null;
  readonly bodies: { body: string; name: string | null; matters: number }[] | null;
}

/** The figures of {@link aggregateFactsQuery}. */
export interface AggregateResult {
  /** The scope unit's name, null when the tree does not know it. */
  readonly name: string | null;
  /** The scope's child units in the tree, by code. */
  readonly children: readonly { readonly code: string; readonly name: string }[];
  readonly total: Readonly<Record<string, number>>;
  readonly perChild: ReadonlyMap<string, Readonly<Record<string, number>>>;
  readonly categories: readonly { readonly category: string; readonly matters: number }[];
  readonly bodies: readonly { readonly body: string; readonly name: string | null; readonly matters: number }[];
}

/** Runs {@link aggregateFactsQuery}: one round trip. */
export async function aggregateFacts(db: Kysely<Database>, q: Parameters<typeof aggregateFactsQuery>[0]): Promise<AggregateResult> {
  const { rows } = await aggregateFactsQuery(q).execute(db);
  const row = rows[0];
  const numbers = (r: Record<string, unknown>) => Object.fromEntries(q.aggregates.map(([name]) => [name, Number(r[name] ?? 0)]));
  const totals = row?.totals ?? [];
  const total = totals.find((r) => r.whole === 1);
  return {
    name: row?.name ?? null,
    children: row?.children ?? [],
    total: total === undefined ? {} : numbers(total),
    perChild: new Map(totals.filter((r) => r.whole === 0 && r.child !== null).map((r) => [String(r.child), numbers(r)])),
    categories: row?.categories ?? [],
    bodies: row?.bodies ?? [],
  };
}

/** Matters and the 四无 flags of each township and village under a scope, zeros included. */
export interface PlaceCounts {
  readonly code: string;
  readonly name: string;
  readonly level: string;
  readonly matters: number;
  readonly flagged: Readonly<Record<string, number>>;
}

/**
 * Every township and village (the governments, not their departments) of the unit tree under a scope with its matters
 * registered in the period (its own and its subtree's) and, per flag, how many
 * carried it: one scan of the scope's facts, each counted for its township
 * (the first 9 digits) and its village (12), joined to the tree so that units
 * with no matter appear with 0.
 */
export async function placeCounts(
  db: Kysely<Database>,
  q: { readonly scopePrefix: string; readonly period: Period; readonly flags: readonly string[] },
): Promise<PlaceCounts[]> {
  const like = `${q.scopePrefix}%`;
  const flagCols = q.flags.map((f) => sql`coalesce(a.${sql.id(f)}, 0)::int as ${sql.id(f)}`);
  const flagAggs = q.flags.map((f) => sql`count(*) filter (where ${sql.ref(`f.flag_${snake(f)}`)}) as ${sql.id(f)}`);
  const { rows } = await sql<Record<string, unknown>>`
    with f as (
      select unit, flag_group, flag_skip_level, flag_law_related, flag_major_urgent, flag_repeat, flag_first
      from case_facts where unit like ${like} and ${inPeriod('registered_at', q.period)}
    ),
    -- A township's own matter (a 9-digit code) is its township and its "village" prefix at once: counted once.
    a as (
      select t.code, count(*) as matters ${flagAggs.length > 0 ? sql`, ${sql.join(flagAggs)}` : sql``}
      from f cross join lateral (select distinct c from (values (left(f.unit, 9)), (left(f.unit, 12))) as v(c)) as t(code)
      group by t.code
    )
    select u.code, u.name, u.level, coalesce(a.matters, 0)::int as matters ${flagCols.length > 0 ? sql`, ${sql.join(flagCols)}` : sql``}
    from units u left join a on a.code = u.code
    where u.code like ${like} and u.kind = 'division' and u.level in ('township', 'village')
    order by u.code`.execute(db);
  return rows.map((r) => ({
    code: String(r.code),
    name: String(r.name),
    level: String(r.level),
    matters: Number(r.matters),
    flagged: Object.fromEntries(q.flags.map((f) => [f, Number(r[f])])),
  }));
}

/** `skipLevel` → `skip_level`. */
function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** The units directly under `code` (its children in the tree), by code. */
export async function childUnits(db: Kysely<Database>, code: string): Promise<{ code: string; name: string }[]> {
  return db.selectFrom('units').select(['code', 'name']).where('parent_code', '=', code).orderBy('code').execute();
}

/** Names of the given units (those the tree knows). */
export async function unitNames(db: Kysely<Database>, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.selectFrom('units').select(['code', 'name']).where('code', 'in', codes).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** Writes facts rows (the same upsert as a transition's), e.g. when rebuilding them from the trails. */
export async function upsertFacts(db: Kysely<Database>, facts: readonly CaseFacts[]): Promise<void> {
  if (facts.length === 0) return;
  await sql`with ${caseFactsCte(facts)} select 1`.execute(db);
}

const isoOrNull = (d: Date | null) => (d === null ? null : d.toISOString());

/** The stored facts rows of the given cases, as the engine computes them (times as ISO strings). */
export async function readFacts(db: Kysely<Database>, caseIds: readonly string[]): Promise<Map<string, CaseFacts>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db.selectFrom('case_facts').selectAll().where('case_id', 'in', caseIds).execute();
  return new Map(
    rows.map((r) => [
      r.case_id,
      {
        caseId: r.case_id,
        machineVersion: r.machine_version,
        unit: r.unit,
        bodyUnit: r.body_unit,
        registeredAt: r.registered_at.toISOString(),
        channel: r.channel,
        class: r.class,
        category: r.category,
        headCount: r.head_count,
        flags: {
          group: r.flag_group,
          skipLevel: r.flag_skip_level,
          lawRelated: r.flag_law_related,
          majorUrgent: r.flag_major_urgent,
          repeat: r.flag_repeat,
          first: r.flag_first,
        },
        acceptance: r.acceptance as CaseFacts['acceptance'],
        acceptanceAt: isoOrNull(r.acceptance_at),
        handling: r.handling as CaseFacts['handling'],
        handlingAt: isoOrNull(r.handling_at),
        answeredAt: isoOrNull(r.answered_at),
        outcome: r.outcome,
        deliveredAt: isoOrNull(r.delivered_at),
        ratingBody: r.rating_body,
        ratingBureau: r.rating_bureau,
        closure: r.closure,
        closedAt: isoOrNull(r.closed_at),
        transferred: r.transferred,
        assigned: r.assigned,
        supervised: r.supervised,
        reviewStage: r.review_stage as CaseFacts['reviewStage'],
      },
    ]),
  );
}

/** Ids of cases, by id, after `after` (paging), at most `limit`; with `missingFacts`, only those without a facts row. */
export async function caseIdsPage(db: Kysely<Database>, after: string | null, limit: number, missingFacts = false): Promise<string[]> {
  let q = db.selectFrom('cases').select('cases.id').orderBy('cases.id').limit(limit);
  if (after !== null) q = q.where('cases.id', '>', after);
  if (missingFacts)
    q = q.where((eb) => eb.not(eb.exists(eb.selectFrom('case_facts').select('case_id').whereRef('case_facts.case_id', '=', 'cases.id'))));
  return (await q.execute()).map((r) => r.id);
}

/** A case of the weekly risk review (研判): registered in the week, or open and overdue or at risk now. */
export interface ReviewCaseRow {
  readonly caseId: string;
  readonly unit: string;
  readonly child: string | null;
  readonly category: string;
  readonly registeredAt: Date;
  readonly headCount: number;
  readonly registeredInPeriod: boolean;
  readonly repeat: boolean;
  readonly group: boolean;
  readonly skipLevel: boolean;
  readonly majorUrgent: boolean;
  readonly overdue: boolean;
  readonly atRisk: boolean;
}

/**
 * The cases of a weekly risk review in one statement: every matter registered
 * in the period, and every open matter of the scope that is overdue (a
 * breached duty, or a pending one past due: `cases.overdue_from`) or at risk
 * (a reminder of a pending deadline fired, not yet due) at `now`, as the
 * supervision board counts them (db/open-case.sql.ts); each tagged with the child unit holding its registering unit.
 */
export async function reviewCases(
  db: Kysely<Database>,
  q: { readonly scopePrefix: string; readonly children: readonly ChildPrefix[]; readonly period: Period; readonly now: Date },
): Promise<ReviewCaseRow[]> {
  const { rows } = await sql<Record<string, unknown>>`
    with f as (
      select cf.*, ${inPeriod('cf.registered_at', q.period)} as reg,
        cf.closure is null and exists (select 1 from cases where cases.id = cf.case_id and ${caseOverdue(q.now)}) as overdue,
        cf.closure is null and exists (select 1 from deadlines d where d.case_id = cf.case_id and ${deadlineAtRisk(q.now)}) as at_risk
      from case_facts cf
      where cf.unit like ${`${q.scopePrefix}%`} and (${inPeriod('cf.registered_at', q.period)} or cf.closure is null)
    )
    select f.*, ch.code as child from f
    left join unnest(${q.children.map((c) => c.code)}::text[], ${q.children.map((c) => `${c.prefix}%`)}::text[]) as ch(code, pattern)
      on f.unit like ch.pattern
    where f.reg or f.overdue or f.at_risk
    order by f.registered_at, f.case_id`.execute(db);
  return rows.map((r) => ({
    caseId: String(r.case_id),
    unit: String(r.unit),
    child: (r.child as string | null) ?? null,
    category: String(r.category),
    registeredAt: r.registered_at as Date,
    headCount: Number(r.head_count),
    registeredInPeriod: Boolean(r.reg),
    repeat: Boolean(r.flag_repeat),
    group: Boolean(r.flag_group),
    skipLevel: Boolean(r.flag_skip_level),
    majorUrgent: Boolean(r.flag_major_urgent),
    overdue: Boolean(r.overdue),
    atRisk: Boolean(r.at_risk) && !r.overdue,
  }));
}
