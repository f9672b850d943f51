/**
 * A table as the two files people open in a spreadsheet: CSV in UTF-8 with a
 * byte-order mark (so Excel on Chinese Windows reads it right) and XLSX.
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

/** A header row and its rows. */
export interface Sheet {
  readonly name: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly (string | number | null)[])[];
}

/** The table as CSV: UTF-8 with a BOM, one header row. */
export function sheetCsv(sheet: Sheet): string {
  return `\uFEFF${stringify([[...sheet.header], ...sheet.rows.map((r) => r.map((v) => v ?? ''))])}`;
}

/** The table as an XLSX workbook of one sheet, the header bold and frozen. */
export async function sheetXlsx(sheet: Sheet): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'petitionflow';
  const ws = wb.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow([...sheet.header]).font = { bold: true };
  for (const row of sheet.rows) ws.addRow(row.map((v) => v ?? ''));
  ws.columns.forEach((c) => (c.width = 16));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
