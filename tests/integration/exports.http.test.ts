/**
 * The files people open in a spreadsheet, through the HTTP API under machine
 * version 3: a case's trail as CSV (Chinese headers, Beijing time, one column
 * per field, UTF-8 with BOM) and XLSX, the machine CSV kept as raw-csv, and
 * the case list as CSV and XLSX, scoped and masked as the JSON list is.
 */
import ExcelJS from 'exceljs';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { createV3Server, U, type V3Server } from '../support/v3-http-fixtures';

jest.setTimeout(120_000);

let v: V3Server;
let id: string;
/** The readable case number (扶信〔2026〕N号) the intake gave it: the list shows numbers, not ids. */
let number: string;
beforeAll(async () => {
  // Mon 2026-03-02 09:00 Beijing time; the transfer at 00:30 Beijing on Tue 03-03, still Monday in UTC.
  v = await createV3Server('exports');
  const created = (await v.intake()).body;
  id = created.id as string;
  number = created.number as string;
  v.clock.set('2026-03-02T16:30:00.000Z');
  await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body, note: '请依法处理' }, 'transferred');
});
afterAll(async () => {
  await v?.s.close();
});

async function file(role: HumanRole, unit: string, url: string) {
  const res = await v.s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await v.s.token(role, unit)}` } });
  return { status: res.statusCode, type: String(res.headers['content-type']), raw: res.rawPayload, text: res.body };
}

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks), after the byte-order mark. */
function rowsOf(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (quoted && c === '"' && src[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && c === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
    } else if (quoted || c !== '\r') {
      cell += c;
    }
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

describe('the trail for people', () => {
  it('is CSV with a BOM, Chinese headers, Beijing time and one column per field', async () => {
    const res = await file('auditor', U.city, `/petitions/${id}/history?format=csv`);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/csv; charset=utf-8');
    expect(res.raw.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header = [], intake = [], transfer = []] = rowsOf(res.text);
    expect(header.slice(0, 7)).toEqual(['序号', '时间（北京时间）', '事件', '操作人', '角色', '单位', '规则版本']);
    expect(header).toEqual(expect.arrayContaining(['信访人姓名', '信访人身份证号码', '事项摘要', '转往单位', '备注', '前一哈希', '哈希']));
    expect(intake.slice(1, 3)).toEqual(['2026-03-02 09:00:00', '登记']);
    expect(transfer.slice(1, 3)).toEqual(['2026-03-03 00:30:00', '转送']);
    expect(transfer[4]).toBe('登记人员');
    expect(transfer[header.indexOf('转往单位')]).toBe(U.body);
    expect(transfer[header.indexOf('备注')]).toBe('请依法处理');
    // Masked for the auditor, as the JSON trail is; no JSON anywhere.
    expect(intake[header.indexOf('信访人身份证号码')]).toBe('41272119xxxxxx341X');
    expect(res.text).not.toContain('41272119900101341X');
    expect(res.text).not.toContain('{"');
  });

  it('is the same table as XLSX', async () => {
    const res = await file('auditor', U.city, `/petitions/${id}/history?format=xlsx`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('审计轨迹');
    expect(sheet?.getRow(1).getCell(2).value).toBe('时间（北京时间）');
    expect(sheet?.getRow(3).getCell(3).value).toBe('转送');
    expect(sheet?.rowCount).toBe(3);
  });

  it('keeps the machine CSV (camelCase, UTC, canonical JSON fields) as raw-csv', async () => {
    const res = await file('auditor', U.city, `/petitions/${id}/history?format=raw-csv`);
    const [header = [], , transfer = []] = rowsOf(res.text);
    expect(header).toEqual(['seq', 'type', 'actorId', 'actorRole', 'actorUnit', 'at', 'machineVersion', 'fields', 'prevHash', 'hash']);
    expect(transfer[5]).toBe('2026-03-02T16:30:00.000Z');
    expect(JSON.parse(transfer[7] ?? '')).toMatchObject({ toUnit: U.body });
  });
});

describe('the case list for people', () => {
  it('is CSV with names, Beijing time and the deadline in days, and XLSX alike', async () => {
    const res = await file('supervisor', U.bureau, '/petitions?format=csv');
    expect(res.status).toBe(200);
    const [header = [], row = []] = rowsOf(res.text);
    expect(header.slice(0, 4)).toEqual(['案件编号', '登记时间（北京时间）', '渠道', '类别']);
    const cell = (name: string) => row[header.indexOf(name)];
    expect(number).toMatch(/^扶信〔2026〕\d+号$/);
    expect(cell('案件编号')).toBe(number);
    expect(cell('登记时间（北京时间）')).toBe('2026-03-02 09:00:00');
    expect([cell('渠道'), cell('类别')]).toEqual(['来信', '申诉求决类']);
    expect([cell('登记单位'), cell('承办单位'), cell('状态')]).toEqual(['扶沟县信访局', '曹里乡人民政府', '已转送']);
    // Transferred Tue 03-03: the objection door (5 working days from Wed 03-04) closes first, with Tue 03-10.
    expect([cell('最紧急期限'), cell('届满日'), cell('剩余')]).toEqual(['异议期限', '2026-03-10', '剩余5个工作日']);
    expect(cell('信访人')).toBe('张某');
    const xlsx = await file('supervisor', U.bureau, '/petitions?format=xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    expect(wb.getWorksheet('案件列表')?.getRow(2).getCell(1).value).toBe(number);
  });

  it('holds only the cases of the reader’s units', async () => {
    const res = await file('handler', U.otherBody, '/petitions?format=csv');
    expect(rowsOf(res.text)).toHaveLength(1);
  });
});
