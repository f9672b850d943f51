/**
 * The one home of what each figure counts (the definitions the README's
 * "Statistics" section and docs/statistics.md spell out). Each count or rate
 * part is an SQL aggregate over the facts rows of a scope, where `reg` says
 * the matter was registered in the period, `acc` that its intake clocks ended
 * in it and `hand` that its handling clock ended in it.
 */
import { sql, type RawBuilder } from 'kysely';
import { STATISTICS_FLAGS, type StatisticsFlag } from '../../config/policy.schema';
import type { Aggregate } from '../../db/statistics.repository';
import { CHANNELS } from '../../machines/petition.schemas';
import { ITEM_CLASSES, V3_CLOSURES } from '../../machines/versions/v3/v3.vocabulary';

const count = (where: RawBuilder<unknown>): RawBuilder<number> => sql<number>`count(*) filter (where ${where})`;
const people = (where: RawBuilder<unknown>): RawBuilder<number> => sql<number>`sum(head_count) filter (where ${where})`;
const lit = (values: readonly string[]) => sql.join(values.map((v) => sql.lit(v)));

/** Answers that resolve the matter (Arts 29, 32, 33): supported, adopted (wholly or partly), or a mediation agreement. */
export const RESOLVING_OUTCOMES = ['support', 'adopted', 'partly-adopted', 'mediation-agreement'] as const;
/** Ratings that count as satisfied (Art 21): 满意 and 基本满意. */
export const SATISFIED_RATINGS = ['satisfied', 'basically-satisfied'] as const;
/** The counted flags, in the order reports show them (their one list is the policy schema's). */
export const FLAG_NAMES = STATISTICS_FLAGS;
export type FlagName = StatisticsFlag;
/** The rates, in the order reports show them. */
export const RATE_NAMES = ['timelyAcceptance', 'onTimeHandling', 'participation', 'satisfaction', 'resolution', 'repeat'] as const;
export type RateName = (typeof RATE_NAMES)[number];
const RATINGS = ['satisfied', 'basically-satisfied', 'unsatisfied'] as const;

const flagColumn: Record<FlagName, string> = {
  group: 'flag_group',
  skipLevel: 'flag_skip_level',
  majorUrgent: 'flag_major_urgent',
  lawRelated: 'flag_law_related',
  repeat: 'flag_repeat',
  first: 'flag_first',
};

const satisfied = sql`rating_body in (${lit(SATISFIED_RATINGS)})`;

/** Numerator and denominator of each rate. */
const RATE_PARTS: Record<RateName, readonly [RawBuilder<unknown>, RawBuilder<unknown>]> = {
  // 及时受理率: intake clocks (dispatch at the bureau, notice at the body) all met / ended in the period.
  timelyAcceptance: [sql`acc and acceptance = 'timely'`, sql`acc`],
  // 按期办结率: answered within the handling clock, extension included / answered or overdue in the period.
  onTimeHandling: [sql`hand and handling = 'on-time'`, sql`hand`],
  // 参评率: rated / delivered, of the matters registered in the period.
  participation: [sql`reg and delivered_at is not null and rating_body is not null`, sql`reg and delivered_at is not null`],
  // 满意率: 满意 + 基本满意 / rated.
  satisfaction: [sql`reg and ${satisfied}`, sql`reg and rating_body is not null`],
  // 化解率: resolved (supported, adopted, agreed, or rated satisfied) / answered.
  resolution: [
    sql`reg and answered_at is not null and (outcome in (${lit(RESOLVING_OUTCOMES)}) or ${satisfied})`,
    sql`reg and answered_at is not null`,
  ],
  // 重访率: flagged 重复信访 / registered.
  repeat: [sql`reg and flag_repeat`, sql`reg`],
};

/** Every aggregate the statistics read, by name (`matters`, `people`, `channel.visit`, `rate.resolution.num` …). */
export function statisticsAggregates(): Aggregate[] {
  const out: Aggregate[] = [
    ['matters', count(sql`reg`)],
    ['people', people(sql`reg`)],
    ['transferred', count(sql`reg and transferred`)],
    ['assigned', count(sql`reg and assigned`)],
    ['supervised', count(sql`reg and supervised`)],
    ['suggestions', count(sql`reg and class = 'suggestion'`)],
    ['suggestionsAdopted', count(sql`reg and class = 'suggestion' and outcome in ('adopted', 'partly-adopted')`)],
    ['answered', count(sql`reg and answered_at is not null`)],
    ['delivered', count(sql`reg and delivered_at is not null`)],
  ];
  for (const c of CHANNELS) out.push([`channel.${c}`, count(sql`reg and channel = ${sql.lit(c)}`)]);
  for (const c of ITEM_CLASSES) out.push([`class.${c}`, count(sql`reg and class = ${sql.lit(c)}`)]);
  for (const c of V3_CLOSURES) out.push([`closure.${c}`, count(sql`reg and closure = ${sql.lit(c)}`)]);
  out.push(['closure.open', count(sql`reg and closure is null`)]);
  for (const f of FLAG_NAMES) {
    out.push([`flag.${f}`, count(sql`reg and ${sql.ref(flagColumn[f])}`)]);
    out.push([`flagPeople.${f}`, people(sql`reg and ${sql.ref(flagColumn[f])}`)]);
  }
  for (const r of RATINGS) {
    out.push([`ratingBody.${r}`, count(sql`reg and rating_body = ${sql.lit(r)}`)]);
    out.push([`ratingBureau.${r}`, count(sql`reg and rating_bureau = ${sql.lit(r)}`)]);
  }
  for (const r of RATE_NAMES) {
    const [num, den] = RATE_PARTS[r];
    out.push([`rate.${r}.num`, count(num)], [`rate.${r}.den`, count(den)]);
  }
  return out;
}

/** The SQL column of a counted flag (for the zero-visit and 四无 criteria). */
export function flagColumnOf(flag: FlagName): string {
  return flagColumn[flag];
}

/** A rate: its parts and the share in percent with one decimal (half up), null when nothing is counted. */
export interface Rate {
  readonly num: number;
  readonly den: number;
  readonly pct: number | null;
}

/** num / den as a percentage to one decimal, rounded half up in integers (no binary-fraction surprises). */
export function rateOf(num: number, den: number): Rate {
  return { num, den, pct: den === 0 ? null : Math.floor((num * 2000 + den) / (2 * den)) / 10 };
}
