import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StatisticsService } from '../engine/statistics/statistics.service';
import { exportFileName, statsCsv, statsXlsx } from '../engine/statistics/stats-export';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors } from './schemas/common.schema';
import { statsQuerySchema, statsReportSchema, zeroUnitsQuerySchema, zeroUnitsSchema } from './statistics.schemas';

/** The media type of an XLSX workbook. */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Statistics (Art 39) and the 零访 / 四无 list; who may read them is the access module's `statistics.read`. */
export function registerStatisticsRoutes(app: FastifyInstance, deps: { statistics: StatisticsService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/stats',
    {
      schema: {
        operationId: 'getStatistics',
        tags: [TAGS.statistics.name],
        summary: 'Counts and rates (统计) of a unit and its subtree over a period, and per child unit, ranked',
        description:
          'For supervisors, leaders and auditors. Matters registered in the period (Beijing dates, both included) by registering unit; ' +
          'the six rates as `{num, den, pct}` (pct to one decimal, null when den is 0). `format=csv` (UTF-8 with BOM, Chinese headers) or `xlsx`.',
        querystring: statsQuerySchema,
        response: {
          200: {
            description: 'the statistics',
            content: {
              'application/json': { schema: statsReportSchema },
              'text/csv': { schema: z.string().describe('one line for the scope, then one per child unit') },
              [XLSX_TYPE]: { schema: z.string().describe('a workbook: the table, and the categories') },
            },
          },
          ...errors(...COMMON_ERRORS, 403),
        },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const report = await deps.statistics.stats(request.actor, q);
      if (format === 'json') return report;
      // A file, not the JSON: sent as text or bytes, which Fastify does not pass through the JSON schema.
      const raw = reply as unknown as FastifyReply;
      void raw.header('content-disposition', `attachment; filename="${exportFileName(report, format)}"`);
      if (format === 'csv') return raw.header('content-type', 'text/csv; charset=utf-8').send(statsCsv(report));
      return raw.header('content-type', XLSX_TYPE).send(await statsXlsx(report));
    },
  );
  r.get(
    '/stats/zero-units',
    {
      schema: {
        operationId: 'getZeroVisitUnits',
        tags: [TAGS.statistics.name],
        summary: 'Every township and village under a unit with its matters in the period: 零访 (none) and 四无 townships',
        description:
          "Zeros included. 四无: none of the policy's criteria flags (by default skip-level, group, repeat, major/urgent) in the period.",
        querystring: zeroUnitsQuerySchema,
        response: {
          200: { description: 'the townships and villages', content: { 'application/json': { schema: zeroUnitsSchema } } },
          ...errors(...COMMON_ERRORS, 403),
        },
      },
    },
    async (request) => deps.statistics.zeroUnits(request.actor, request.query),
  );
}
