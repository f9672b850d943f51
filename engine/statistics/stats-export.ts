import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { FLAG_NAMES, RATE_NAMES } from './figures';
import { CHANNEL_LABELS, CLASS_LABELS, CLOSURE_LABELS, FLAG_LABELS, RATE_LABELS } from './stats-labels';
import type { StatsReport } from './statistics.service';
import type { StatsCounts, StatsRates } from './stats-shape';

/** One line of the table: the scope, or a child unit. */
interface Line {
  readonly code: string;
  readonly name: string;
  readonly counts: StatsCounts;
  readonly rates: StatsRates;
}

/** The columns of the exported table: header and value, the rates as a percentage (blank when nothing was counted). */
const COLUMNS: readonly (readonly [string, (l: Line) => string | number | null])[] = [
  ['单位', (l) => l.name],
  ['单位代码', (l) => l.code],
  ['登记件数', (l) => l.counts.matters],
  ['登记人次', (l) => l.counts.people],
  ...Object.entries(CHANNEL_LABELS).map(([k, label]) => [`${label}件数`, (l: Line) => l.counts.byChannel[k] ?? 0] as const),
  ...Object.entries(CLASS_LABELS).map(([k, label]) => [label, (l: Line) => l.counts.byClass[k] ?? 0] as const),
  ...FLAG_NAMES.flatMap((f) => [
    [`${FLAG_LABELS[f]}件数`, (l: Line) => l.counts.flags[f].matters] as const,
    [`${FLAG_LABELS[f]}人次`, (l: Line) => l.counts.flags[f].people] as const,
  ]),
  ...Object.entries(CLOSURE_LABELS).map(([k, label]) => [label, (l: Line) => l.counts.byClosure[k] ?? 0] as const),
  ...RATE_NAMES.flatMap((r) => [
    [`${RATE_LABELS[r]}(%)`, (l: Line) => l.rates[r].pct] as const,
    [`${RATE_LABELS[r]}分子`, (l: Line) => l.rates[r].num] as const,
    [`${RATE_LABELS[r]}分母`, (l: Line) => l.rates[r].den] as const,
  ]),
];

function lines(report: StatsReport): Line[] {
  return [{ code: report.unit.code, name: `${report.unit.name}（合计）`, counts: report.counts, rates: report.rates }, ...report.units];
}

/** The file name of an export: unit code and Beijing dates. */
export function exportFileName(report: StatsReport, ext: 'csv' | 'xlsx'): string {
  return `stats-${report.unit.code}-${report.period.from}-${report.period.to}.${ext}`;
}

/**
 * The statistics as CSV: UTF-8 with a byte-order mark (so spreadsheet programs
 * read the Chinese headers), one line for the whole scope then one per child
 * unit; the period (Beijing dates) in the first two columns.
 */
export function statsCsv(report: StatsReport): string {
  const header = ['统计起始日', '统计截止日', ...COLUMNS.map(([h]) => h)];
  const rows = lines(report).map((l) => [report.period.from, report.period.to, ...COLUMNS.map(([, v]) => v(l) ?? '')]);
  return `\uFEFF${stringify([header, ...rows])}`;
}

/** The statistics as an XLSX workbook: a sheet of the table and one of the categories. */
export async function statsXlsx(report: StatsReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'petitionflow';
  const sheet = wb.addWorksheet('统计');
  sheet.addRow([`${report.unit.name} 信访统计 ${report.period.from} 至 ${report.period.to}（北京时间）`]);
  sheet.addRow(COLUMNS.map(([h]) => h)).font = { bold: true };
  for (const l of lines(report)) sheet.addRow(COLUMNS.map(([, v]) => v(l) ?? ''));
  sheet.columns.forEach((c) => {
    c.width = 14;
  });
  const cats = wb.addWorksheet('内容分类');
  cats.addRow(['内容分类', '件数']).font = { bold: true };
  for (const c of report.byCategory) cats.addRow([c.category, c.matters]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
