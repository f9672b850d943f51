import { z } from 'zod';
import { FLAG_NAMES, RATE_NAMES } from '../engine/statistics/figures';
import { SORT_KEYS } from '../engine/statistics/statistics.service';
import { divisionCodeSchema } from '../machines/petition.roles';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a Beijing date YYYY-MM-DD');
const count = z.number().int().min(0);
const counts = z.record(z.string(), count);

/** `{num, den, pct}`: pct in percent to one decimal, null when den is 0. */
export const rateSchema = z.object({ num: count, den: count, pct: z.number().nullable() });
const rates = z.object(
  Object.fromEntries(RATE_NAMES.map((r) => [r, rateSchema])) as Record<(typeof RATE_NAMES)[number], typeof rateSchema>,
);
const flagCount = z.object({ matters: count, people: count });

/** The counts of a scope or unit. */
export const statsCountsSchema = z.object({
  matters: count,
  people: count,
  byChannel: counts,
  byClass: counts,
  flags: z.object(Object.fromEntries(FLAG_NAMES.map((f) => [f, flagCount])) as Record<(typeof FLAG_NAMES)[number], typeof flagCount>),
  byClosure: counts,
  ratings: z.object({ body: counts, bureau: counts }),
  answered: count,
  delivered: count,
  transferred: count,
  assigned: count,
  supervised: count,
  suggestions: z.object({ total: count, adopted: count }),
});

const namedUnit = { code: z.string(), name: z.string() };
const period = z.object({ from: date, to: date });

/** `GET /stats` (JSON). */
export const statsReportSchema = z.object({
  unit: z.object(namedUnit),
  period,
  counts: statsCountsSchema,
  rates,
  byCategory: z.array(z.object({ category: z.string(), matters: count })).readonly(),
  bodies: z.array(z.object({ ...namedUnit, matters: count })).readonly(),
  units: z.array(z.object({ ...namedUnit, counts: statsCountsSchema, rates })).readonly(),
});

/** The query of `GET /stats`. */
export const statsQuerySchema = z.object({
  unit: divisionCodeSchema.optional(),
  from: date,
  to: date,
  sort: z.enum(SORT_KEYS).default('matters'),
  order: z.enum(['asc', 'desc']).default('desc'),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

/** `GET /stats/zero-units`. */
export const zeroUnitsSchema = z.object({
  unit: z.object(namedUnit),
  period,
  criteria: z.array(z.enum(FLAG_NAMES)).readonly(),
  units: z
    .array(
      z.object({
        ...namedUnit,
        level: z.string(),
        matters: count,
        zeroVisit: z.boolean(),
        fourNone: z.boolean().nullable(),
        flagged: counts,
      }),
    )
    .readonly(),
});

/** The query of `GET /stats/zero-units`. */
export const zeroUnitsQuerySchema = z.object({ unit: divisionCodeSchema.optional(), from: date, to: date });

const markCounts = z.object({
  new: count,
  repeat: count,
  group: count,
  skipLevel: count,
  majorUrgent: count,
  overdue: count,
  atRisk: count,
  groupPeople: count,
});

/** `GET /reports/weekly` (JSON). */
export const weeklyReportSchema = z.object({
  unit: z.object(namedUnit),
  week: z.string(),
  period,
  totals: markCounts,
  units: z.array(z.object({ ...namedUnit, counts: markCounts })).readonly(),
  cases: z
    .array(
      z.object({
        id: z.string(),
        unit: z.object(namedUnit),
        category: z.string(),
        registeredAt: z.string(),
        marks: z.array(z.enum(['new', 'repeat', 'group', 'skipLevel', 'majorUrgent', 'overdue', 'atRisk'])).readonly(),
      }),
    )
    .readonly(),
});

/** `GET /reports/annual` (JSON). */
export const annualReportSchema = z.object({
  unit: z.object(namedUnit),
  year: z.number().int(),
  statistics: statsReportSchema,
  fields: z.array(z.object({ category: z.string(), matters: count })).readonly(),
  complainedOf: z.array(z.object({ ...namedUnit, matters: count })).readonly(),
  dispatch: z.object({ transferred: count, assigned: count, supervised: count }),
  suggestions: z.object({ total: count, adopted: count }),
});

const reportFormat = z.enum(['json', 'pdf']).default('json');
/** The query of `GET /reports/weekly`: an ISO week such as 2026-W48. */
export const weeklyQuerySchema = z.object({
  unit: divisionCodeSchema.optional(),
  week: z.string().regex(/^\d{4}-W\d{2}$/, 'an ISO week such as 2026-W48'),
  format: reportFormat,
});
/** The query of `GET /reports/annual`. */
export const annualQuerySchema = z.object({
  unit: divisionCodeSchema.optional(),
  year: z.coerce.number().int().min(2000).max(2100),
  format: reportFormat,
});
