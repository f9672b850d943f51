import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Database } from '../../db/schema';
import { childUnits, reviewCases, unitNames, type ReviewCaseRow } from '../../db/statistics.repository';
import type { Actor } from '../../machines/petition.roles';
import { unitSubtreePrefix } from '../../machines/unit-tree';
import { narrowScope, requireCapability } from '../access';
import { periodOfWeek, periodOfYear, STATS_ZONE } from './period';
import type { NamedUnit, StatisticsService, StatsReport } from './statistics.service';

/** The marks a case of the weekly review may carry. */
export const REVIEW_MARKS = ['new', 'repeat', 'group', 'skipLevel', 'majorUrgent', 'overdue', 'atRisk'] as const;
export type ReviewMark = (typeof REVIEW_MARKS)[number];

/** One unit's line of the weekly review: matters per mark (人次 of group visits too). */
export interface WeeklyLine extends NamedUnit {
  readonly counts: Readonly<Record<ReviewMark, number>> & { readonly groupPeople: number };
}

/** One case listed in the weekly review (flagged in the week, or open and overdue or at risk). */
export interface WeeklyCase {
  readonly id: string;
  readonly unit: NamedUnit;
  readonly category: string;
  /** Beijing time, `YYYY-MM-DD HH:mm`. */
  readonly registeredAt: string;
  readonly marks: readonly ReviewMark[];
}

/** `GET /reports/weekly`: the weekly risk review (研判) of a unit's subtree. */
export interface WeeklyReport {
  readonly unit: NamedUnit;
  readonly week: string;
  readonly period: { readonly from: string; readonly to: string };
  readonly totals: WeeklyLine['counts'];
  readonly units: readonly WeeklyLine[];
  readonly cases: readonly WeeklyCase[];
}

/** `GET /reports/annual`: the report of Art 41 over a calendar year. */
export interface AnnualReport {
  readonly unit: NamedUnit;
  readonly year: number;
  readonly statistics: StatsReport;
  /** The fields most petitioned on (categories), most first. */
  readonly fields: StatsReport['byCategory'];
  /** The units most complained of (handling bodies by matters), most first. */
  readonly complainedOf: StatsReport['bodies'];
  readonly dispatch: { readonly transferred: number; readonly assigned: number; readonly supervised: number };
  readonly suggestions: { readonly total: number; readonly adopted: number };
}

/** The weekly and annual reports. */
export interface ReportsService {
  weekly(actor: Actor, q: { readonly unit?: string | undefined; readonly week: string }): Promise<WeeklyReport>;
  annual(actor: Actor, q: { readonly unit?: string | undefined; readonly year: number }): Promise<AnnualReport>;
}

function marksOf(r: ReviewCaseRow): ReviewMark[] {
  const inWeek = r.registeredInPeriod;
  const marks: ReviewMark[] = [];
  if (inWeek) marks.push('new');
  if (inWeek && r.repeat) marks.push('repeat');
  if (inWeek && r.group) marks.push('group');
  if (inWeek && r.skipLevel) marks.push('skipLevel');
  if (inWeek && r.majorUrgent) marks.push('majorUrgent');
  if (r.overdue) marks.push('overdue');
  if (r.atRisk) marks.push('atRisk');
  return marks;
}

function tally(rows: readonly ReviewCaseRow[]): WeeklyLine['counts'] {
  const counts = Object.fromEntries(REVIEW_MARKS.map((m) => [m, 0])) as Record<ReviewMark, number>;
  let groupPeople = 0;
  for (const r of rows) {
    for (const m of marksOf(r)) counts[m] += 1;
    if (r.registeredInPeriod && r.group) groupPeople += r.headCount;
  }
  return { ...counts, groupPeople };
}

/** A list of the top entries (the reports print ten). */
const TOP = 10;

/** Creates the reports service over the statistics service (the annual figures are `GET /stats` over the year). */
export function createReportsService(deps: { db: Kysely<Database>; statistics: StatisticsService; now: () => Date }): ReportsService {
  return {
    async weekly(actor, q) {
      requireCapability(actor, 'statistics.read');
      const unit = narrowScope(q.unit, actor);
      const period = periodOfWeek(q.week);
      const children = await childUnits(deps.db, unit);
      const rows = await reviewCases(deps.db, {
        scopePrefix: unitSubtreePrefix(unit),
        children: children.map((c) => ({ code: c.code, prefix: unitSubtreePrefix(c.code) })),
        period,
        now: deps.now(),
      });
      const names = await unitNames(deps.db, [unit, ...new Set(rows.map((r) => r.unit))]);
      const listed = rows.filter((r) => marksOf(r).some((m) => m !== 'new'));
      return {
        unit: { code: unit, name: names.get(unit) ?? unit },
        week: q.week,
        period: { from: period.fromDate, to: period.toDate },
        totals: tally(rows),
        units: children.map((c) => ({ code: c.code, name: c.name, counts: tally(rows.filter((r) => r.child === c.code)) })),
        cases: listed.map((r) => ({
          id: r.caseId,
          unit: { code: r.unit, name: names.get(r.unit) ?? r.unit },
          category: r.category,
          registeredAt: DateTime.fromJSDate(r.registeredAt, { zone: STATS_ZONE }).toFormat('yyyy-MM-dd HH:mm'),
          marks: marksOf(r),
        })),
      };
    },
    async annual(actor, q) {
      const statistics = await deps.statistics.statsOver(actor, q.unit, periodOfYear(q.year));
      return {
        unit: statistics.unit,
        year: q.year,
        statistics,
        fields: statistics.byCategory.slice(0, TOP),
        complainedOf: statistics.bodies.slice(0, TOP),
        dispatch: {
          transferred: statistics.counts.transferred,
          assigned: statistics.counts.assigned,
          supervised: statistics.counts.supervised,
        },
        suggestions: statistics.counts.suggestions,
      };
    },
  };
}
