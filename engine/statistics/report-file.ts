import ExcelJS from 'exceljs';
import type { Actor } from '../../machines/petition.roles';
import { RATE_NAMES } from './figures';
import { periodOfMonth } from './period';
import { annualPdf, statsPdf } from './report-pdf';
import type { AnnualReport, ReportsService } from './reports.service';
import { pctText, RATE_LABELS } from './stats-labels';
import { statsXlsx } from './stats-export';
import type { StatisticsService, StatsReport } from './statistics.service';

/** A report file to write: the monthly 通报 or the annual report, as XLSX or PDF. */
export type ReportFileRequest =
  | { readonly kind: 'monthly'; readonly unit: string; readonly month: string; readonly format: 'xlsx' | 'pdf' }
  | { readonly kind: 'annual'; readonly unit: string; readonly year: number; readonly format: 'xlsx' | 'pdf' };

/** Told after each step: how many of how many are done. */
export type Progress = (done: number, total: number) => void;

const MONTHS = Array.from({ length: 12 }, (_, i) => String(i + 1).padStart(2, '0'));

async function annualWorkbook(report: AnnualReport, months: readonly StatsReport[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await statsXlsx(report.statistics)) as unknown as ArrayBuffer);
  const byMonth = wb.addWorksheet('月度');
  byMonth.addRow(['月份', '登记件数', '登记人次', ...RATE_NAMES.map((r) => RATE_LABELS[r])]).font = { bold: true };
  for (const m of months)
    byMonth.addRow([m.period.from.slice(0, 7), m.counts.matters, m.counts.people, ...RATE_NAMES.map((r) => pctText(m.rates[r].pct))]);
  const bodies = wb.addWorksheet('被投诉单位');
  bodies.addRow(['单位', '单位代码', '件数']).font = { bold: true };
  for (const b of report.complainedOf) bodies.addRow([b.name, b.code, b.matters]);
  const dispatch = wb.addWorksheet('转送交办督办');
  dispatch.addRows([
    ['转送', report.dispatch.transferred],
    ['交办', report.dispatch.assigned],
    ['督办', report.dispatch.supervised],
    ['建议意见类', report.suggestions.total],
    ['采纳（含部分采纳）', report.suggestions.adopted],
  ]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Builds a report file for the command line, as `actor` (scope and capability
 * checked as for the API). The annual report also reads each month of the
 * year (the monthly trend sheet), one statistics query each, so `progress`
 * has something to tell on a large database.
 */
export async function buildReportFile(
  deps: { readonly statistics: StatisticsService; readonly reports: ReportsService },
  actor: Actor,
  req: ReportFileRequest,
  progress: Progress = () => undefined,
): Promise<Buffer> {
  if (req.kind === 'monthly') {
    progress(0, 2);
    const report = await deps.statistics.statsOver(actor, req.unit, periodOfMonth(req.month));
    progress(1, 2);
    const file = req.format === 'pdf' ? await statsPdf(report, `${report.unit.name} ${req.month} 信访工作通报`) : await statsXlsx(report);
    progress(2, 2);
    return file;
  }
  const total = MONTHS.length + 2;
  progress(0, total);
  const annual = await deps.reports.annual(actor, { unit: req.unit, year: req.year });
  progress(1, total);
  const months: StatsReport[] = [];
  for (const m of MONTHS) {
    months.push(await deps.statistics.statsOver(actor, req.unit, periodOfMonth(`${req.year}-${m}`)));
    progress(1 + months.length, total);
  }
  const file = req.format === 'pdf' ? await annualPdf(annual, months) : await annualWorkbook(annual, months);
  progress(total, total);
  return file;
}
