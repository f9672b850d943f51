import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { buildReportFile, type Progress, type ReportFileRequest } from '../engine/statistics/report-file';
import { createReportsService } from '../engine/statistics/reports.service';
import { createStatisticsService } from '../engine/statistics/statistics.service';

/**
 * A report file for the command line, which runs next to the database as its
 * operator: read as an auditor of the requested unit (statistics only, never
 * case content), so the same scope and capability rules as the API apply.
 */
export function writeReportFile(db: Kysely<Database>, req: ReportFileRequest, progress?: Progress): Promise<Buffer> {
  const statistics = createStatisticsService({ db });
  const reports = createReportsService({ db, statistics, now: () => new Date() });
  return buildReportFile({ statistics, reports }, { id: 'petitionflow-cli', role: 'auditor', unit: req.unit }, req, progress);
}
