import { CHANNELS } from '../../machines/petition.schemas';
import { ITEM_CLASSES, V3_CLOSURES } from '../../machines/versions/v3/v3.vocabulary';
import { FLAG_NAMES, RATE_NAMES, rateOf, type FlagName, type Rate, type RateName } from './figures';

const RATINGS = ['satisfied', 'basically-satisfied', 'unsatisfied'] as const;
const CLOSURE_KEYS = [...V3_CLOSURES, 'open'] as const;

/** The counts of a scope (or of one child unit) over the matters registered in the period. */
export interface StatsCounts {
  /** 件: matters registered. */
  readonly matters: number;
  /** 人次: people, a group visit counting its head count. */
  readonly people: number;
  readonly byChannel: Readonly<Record<string, number>>;
  readonly byClass: Readonly<Record<string, number>>;
  /** Per flag: matters (件) and people (人次). */
  readonly flags: Readonly<Record<FlagName, { readonly matters: number; readonly people: number }>>;
  /** Per closure; `open` for matters not closed yet. */
  readonly byClosure: Readonly<Record<string, number>>;
  readonly ratings: { readonly body: Readonly<Record<string, number>>; readonly bureau: Readonly<Record<string, number>> };
  readonly answered: number;
  readonly delivered: number;
  readonly transferred: number;
  readonly assigned: number;
  readonly supervised: number;
  readonly suggestions: { readonly total: number; readonly adopted: number };
}

/** The six rates, each `{num, den, pct}`. */
export type StatsRates = Readonly<Record<RateName, Rate>>;

const per = <K extends string>(keys: readonly K[], prefix: string, v: Readonly<Record<string, number>>) =>
  Object.fromEntries(keys.map((k) => [k, v[`${prefix}.${k}`] ?? 0])) as Record<K, number>;

/** The aggregate values of a scope or unit, by name (none: all zero). */
type Values = Readonly<Record<string, number>> | undefined;

/** The counts of one aggregate row. */
export function countsOf(values: Values): StatsCounts {
  const v = values ?? {};
  const n = (name: string) => v[name] ?? 0;
  return {
    matters: n('matters'),
    people: n('people'),
    byChannel: per(CHANNELS, 'channel', v),
    byClass: per(ITEM_CLASSES, 'class', v),
    flags: Object.fromEntries(
      FLAG_NAMES.map((f) => [f, { matters: n(`flag.${f}`), people: n(`flagPeople.${f}`) }]),
    ) as StatsCounts['flags'],
    byClosure: per(CLOSURE_KEYS, 'closure', v),
    ratings: { body: per(RATINGS, 'ratingBody', v), bureau: per(RATINGS, 'ratingBureau', v) },
    answered: n('answered'),
    delivered: n('delivered'),
    transferred: n('transferred'),
    assigned: n('assigned'),
    supervised: n('supervised'),
    suggestions: { total: n('suggestions'), adopted: n('suggestionsAdopted') },
  };
}

/** The rates of one aggregate row. */
export function ratesOf(values: Values): StatsRates {
  const v = values ?? {};
  return Object.fromEntries(RATE_NAMES.map((r) => [r, rateOf(v[`rate.${r}.num`] ?? 0, v[`rate.${r}.den`] ?? 0)])) as StatsRates;
}
