import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { annualPdf, weeklyPdf } from '../engine/statistics/report-pdf';
import type { ReportsService } from '../engine/statistics/reports.service';
import { z } from 'zod';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors } from './schemas/common.schema';
import { annualQuerySchema, annualReportSchema, weeklyQuerySchema, weeklyReportSchema } from './statistics.schemas';

/** Sends a PDF (bytes, which Fastify does not pass through the JSON response schema). */
function sendPdf(reply: unknown, file: string, pdf: Buffer): FastifyReply {
  return (reply as FastifyReply)
    .header('content-type', 'application/pdf')
    .header('content-disposition', `inline; filename="${file}"`)
    .send(pdf);
}

/** A report as JSON, or as PDF with `format=pdf`. */
function reportResponse<T extends z.ZodType>(description: string, schema: T) {
  return {
    description,
    content: { 'application/json': { schema }, 'application/pdf': { schema: z.string().describe('the printable report') } },
  };
}

/** The weekly risk review (研判) and the annual report (Art 41), as JSON or PDF; `statistics.read`. */
export function registerReportRoutes(app: FastifyInstance, deps: { reports: ReportsService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/reports/weekly',
    {
      schema: {
        operationId: 'getWeeklyReport',
        tags: [TAGS.statistics.name],
        summary:
          'The weekly risk review (研判): new, repeat, group, skip-level, major, overdue and at-risk matters per unit, with the cases',
        querystring: weeklyQuerySchema,
        response: { 200: reportResponse('the weekly review', weeklyReportSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request, reply) => {
      const report = await deps.reports.weekly(request.actor, request.query);
      return request.query.format === 'pdf'
        ? sendPdf(reply, `weekly-${report.unit.code}-${report.week}.pdf`, await weeklyPdf(report))
        : report;
    },
  );
  r.get(
    '/reports/annual',
    {
      schema: {
        operationId: 'getAnnualReport',
        tags: [TAGS.statistics.name],
        summary:
          'The annual report (Art 41): statistics, fields, most complained-of units, transfer/assign/supervision counts, suggestions',
        querystring: annualQuerySchema,
        response: { 200: reportResponse('the annual report', annualReportSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request, reply) => {
      const report = await deps.reports.annual(request.actor, request.query);
      return request.query.format === 'pdf'
        ? sendPdf(reply, `annual-${report.unit.code}-${report.year}.pdf`, await annualPdf(report))
        : report;
    },
  );
}
