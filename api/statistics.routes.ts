import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { StatisticsService } from '../engine/statistics/statistics.service';
import { exportFileName, statsCsv, statsXlsx } from '../engine/statistics/stats-export';
import { statsQuerySchema, statsReportSchema, zeroUnitsQuerySchema, zeroUnitsSchema } from './statistics.schemas';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Statistics (Art 39) and the 零访 / 四无 list; who may read them is the access module's `statistics.read`. */
export function registerStatisticsRoutes(app: FastifyInstance, deps: { statistics: StatisticsService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/stats',
    {
      schema: {
        summary: 'Counts and rates of a unit and its subtree over a period (Beijing dates), and per child unit, ranked; CSV or XLSX on request',
        querystring: statsQuerySchema,
        response: { 200: statsReportSchema },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const report = await deps.statistics.stats(request.actor, q);
      if (format === 'json') return report;
      // A file, not the JSON the response schema describes: sent as bytes, which Fastify does not serialize.
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
        summary: 'Every township and village under a unit with its matters in the period: 零访 (none) and 四无 townships',
        querystring: zeroUnitsQuerySchema,
        response: { 200: zeroUnitsSchema },
      },
    },
    async (request) => deps.statistics.zeroUnits(request.actor, request.query),
  );
}
