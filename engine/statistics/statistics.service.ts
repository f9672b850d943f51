import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { aggregateFacts, placeCounts, unitNames } from '../../db/statistics.repository';
import type { Actor } from '../../machines/petition.roles';
import { unitSubtreePrefix } from '../../machines/unit-tree';
import { narrowScope, requireCapability } from '../access';
import { RATE_NAMES, statisticsAggregates, type FlagName } from './figures';
import { periodOfDates, type NamedPeriod } from './period';
import { countsOf, ratesOf, type StatsCounts, type StatsRates } from './stats-shape';

/** A unit as reports name it. */
export interface NamedUnit {
  readonly code: string;
  readonly name: string;
}

/** The figures of one child unit. */
export interface UnitFigures extends NamedUnit {
  readonly counts: StatsCounts;
  readonly rates: StatsRates;
}

/** What units can be ranked by: a count, a rate (by its pct; units with no pct last), or the code. */
export const SORT_KEYS = ['matters', 'people', ...RATE_NAMES, 'code'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** `GET /stats`: counts and rates of a unit's subtree over a period, and the same per child unit, ranked. */
export interface StatsReport {
  readonly unit: NamedUnit;
  readonly period: { readonly from: string; readonly to: string };
  readonly counts: StatsCounts;
  readonly rates: StatsRates;
  readonly byCategory: readonly { readonly category: string; readonly matters: number }[];
  /** The handling bodies with the most matters registered in the period (the most complained-of units). */
  readonly bodies: readonly (NamedUnit & { readonly matters: number })[];
  readonly units: readonly UnitFigures[];
}

/** A statistics query: the unit (narrowed to the caller's subtree), Beijing dates, the ranking. */
export interface StatsQuery {
  readonly unit?: string | undefined;
  readonly from: string;
  readonly to: string;
  readonly sort?: SortKey | undefined;
  readonly order?: 'asc' | 'desc' | undefined;
}

/** One township or village of the 零访 / 四无 list. */
export interface PlaceLine extends NamedUnit {
  readonly level: string;
  readonly matters: number;
  /** 零访: no matter registered in the period. */
  readonly zeroVisit: boolean;
  /** 四无 (townships): none of the policy's criteria flags in the period; null for villages. */
  readonly fourNone: boolean | null;
  readonly flagged: Readonly<Record<string, number>>;
}

/** `GET /stats/zero-units`. */
export interface ZeroUnitsReport {
  readonly unit: NamedUnit;
  readonly period: { readonly from: string; readonly to: string };
  readonly criteria: readonly FlagName[];
  readonly units: readonly PlaceLine[];
}

/** The 四无 criteria by default: no skip-level visit, no group visit, no repeat, no major or urgent matter. */
export const DEFAULT_FOUR_NONE: readonly FlagName[] = ['skipLevel', 'group', 'repeat', 'majorUrgent'];

/** Statistics over the facts rows, scoped and capability-checked (`statistics.read`). */
export interface StatisticsService {
  stats(actor: Actor, q: StatsQuery): Promise<StatsReport>;
  statsOver(actor: Actor, unit: string | undefined, period: NamedPeriod, sort?: SortKey, order?: 'asc' | 'desc'): Promise<StatsReport>;
  zeroUnits(actor: Actor, q: { readonly unit?: string | undefined; readonly from: string; readonly to: string }): Promise<ZeroUnitsReport>;
}

/** What the statistics service needs. */
export interface StatisticsDeps {
  readonly db: Kysely<Database>;
  /** The 四无 criteria (policy); {@link DEFAULT_FOUR_NONE} when not set. */
  readonly fourNone?: readonly FlagName[] | undefined;
}

function sortValue(u: UnitFigures, key: SortKey): number | string | null {
  if (key === 'code') return u.code;
  if (key === 'matters' || key === 'people') return u.counts[key];
  return u.rates[key].pct;
}

/** Ranks child units: by the key (nulls last whatever the order), then by code. */
export function rankUnits(units: readonly UnitFigures[], key: SortKey, order: 'asc' | 'desc'): UnitFigures[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...units].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === y) return a.code.localeCompare(b.code);
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * sign;
  });
}

/** Creates the statistics service. */
export function createStatisticsService(deps: StatisticsDeps): StatisticsService {
  const fourNone = deps.fourNone ?? DEFAULT_FOUR_NONE;
  async function statsOver(
    actor: Actor,
    requested: string | undefined,
    period: NamedPeriod,
    sort: SortKey = 'matters',
    order: 'asc' | 'desc' = 'desc',
  ): Promise<StatsReport> {
    requireCapability(actor, 'statistics.read');
    const unit = narrowScope(requested, actor);
    const figures = await aggregateFacts(deps.db, {
      scopeUnit: unit,
      scopePrefix: unitSubtreePrefix(unit),
      period,
      aggregates: statisticsAggregates(),
    });
    const units = figures.children.map((c) => ({
      ...c,
      counts: countsOf(figures.perChild.get(c.code)),
      rates: ratesOf(figures.perChild.get(c.code)),
    }));
    return {
      unit: { code: unit, name: figures.name ?? unit },
      period: { from: period.fromDate, to: period.toDate },
      counts: countsOf(figures.total),
      rates: ratesOf(figures.total),
      byCategory: [...figures.categories].sort((a, b) => b.matters - a.matters || a.category.localeCompare(b.category)),
      bodies: figures.bodies
        .map((b) => ({ code: b.body, name: b.name ?? b.body, matters: b.matters }))
        .sort((a, b) => b.matters - a.matters || a.code.localeCompare(b.code)),
      units: rankUnits(units, sort, order),
    };
  }
  return {
    statsOver,
    stats: (actor, q) => statsOver(actor, q.unit, periodOfDates(q.from, q.to), q.sort, q.order),
    async zeroUnits(actor, q) {
      requireCapability(actor, 'statistics.read');
      const unit = narrowScope(q.unit, actor);
      const period = periodOfDates(q.from, q.to);
      const [places, names] = await Promise.all([
        placeCounts(deps.db, {
          scopePrefix: unitSubtreePrefix(unit),
          period,
          flags: ['group', 'skipLevel', 'majorUrgent', 'lawRelated', 'repeat'],
        }),
        unitNames(deps.db, [unit]),
      ]);
      return {
        unit: { code: unit, name: names.get(unit) ?? unit },
        period: { from: period.fromDate, to: period.toDate },
        criteria: fourNone,
        units: places.map((p) => ({
          code: p.code,
          name: p.name,
          level: p.level,
          matters: p.matters,
          zeroVisit: p.matters === 0,
          fourNone: p.level === 'township' ? fourNone.every((f) => (p.flagged[f] ?? 0) === 0) : null,
          flagged: p.flagged,
        })),
      };
    },
  };
}
