/**
 * `petitionflow report monthly|annual` against a database of its own, run
 * in-process through `runCli`: the monthly 通报 as XLSX and the annual report
 * as PDF, over the seed-demo data, with the figures GET /stats gives.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { Pool } from 'pg';
import { runCli } from '../../cli/program';
import { pdfText } from '../support/pdf-text';
import { TEST_PG_ADMIN_URL } from '../support/test-database';

jest.setTimeout(120_000);

let dbName: string;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dbName = `pf_report_${randomBytes(4).toString('hex')}`;
  const admin = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
  await admin.query(`create database ${dbName}`);
  await admin.end();
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = `/${dbName}`;
  dir = await mkdtemp(join(tmpdir(), 'pf-report-'));
  env = { DATABASE_URL: u.toString(), DATA_DIR: dir, AUTH_SECRET: 'report-test-secret-with-at-least-32-characters', LOG_LEVEL: 'silent' };
  expect((await cli(['seed-demo'])).code).toBe(0);
});

afterAll(async () => {
  const admin = new Pool({ connectionString: TEST_PG_ADMIN_URL, max: 1 });
  await admin.query(`drop database if exists ${dbName} with (force)`);
  await admin.end();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'petitionflow', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env,
  });
  return { code, stdout, stderr };
}

/**
 * The month and year (Beijing) of the newest demo case's registration: the stories are backdated, so this
 * month may have none yet (on its first days).
 */
async function seededMonth(): Promise<{ month: string; year: string }> {
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query<{ month: string }>(
      `select to_char(max(created_at) at time zone 'Asia/Shanghai', 'YYYY-MM') as month from cases`,
    );
    const month = rows[0]?.month ?? '';
    return { month, year: month.slice(0, 4) };
  } finally {
    await pool.end();
  }
}

it('writes the monthly 通报 as a workbook with the city and its counties', async () => {
  const out = join(dir, 'monthly.xlsx');
  const run = await cli(['report', 'monthly', '--unit', '411600', '--month', (await seededMonth()).month, '--out', out]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toContain(`wrote ${out}`);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await readFile(out)) as unknown as ArrayBuffer);
  const sheet = wb.getWorksheet('统计');
  const header = (sheet?.getRow(2).values as unknown[]).slice(1);
  const total = (sheet?.getRow(3).values as unknown[]).slice(1);
  expect(total[header.indexOf('单位')]).toBe('周口市（合计）');
  expect(total[header.indexOf('登记件数')]).toBeGreaterThan(0);
  expect(sheet?.rowCount).toBeGreaterThan(3); // a line per child unit
});

it('writes the annual report as a PDF naming the unit and its figures', async () => {
  const out = join(dir, 'annual.pdf');
  const { year } = await seededMonth();
  const run = await cli(['report', 'annual', '--unit', '411600', '--year', year, '--out', out]);
  expect(run.code).toBe(0);
  const text = await pdfText(await readFile(out));
  expect(text).toContain(`周口市 ${year}年度信访工作报告`);
  expect(text).toMatch(/登记 [1-9]\d* 件/);
  expect(text).toContain('月度走势');
});

it('refuses an output that is neither .xlsx nor .pdf, and a malformed month (exit 2)', async () => {
  expect(await cli(['report', 'monthly', '--unit', '411600', '--month', '2026-11', '--out', join(dir, 'x.txt')])).toMatchObject({
    code: 2,
  });
  expect(await cli(['report', 'monthly', '--unit', '411600', '--month', '11/2026', '--out', join(dir, 'x.xlsx')])).toMatchObject({
    code: 2,
  });
});
