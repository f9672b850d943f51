/**
 * The director's dashboard and the printable reports in Chromium (the
 * system's, through playwright-core), over the seed-demo data: a leader lands
 * on the dashboard, whose figures are those of GET /stats, the charts are
 * drawn by ECharts served from the application, and the weekly and annual
 * pages render. Screenshots go to a temporary folder (not the repository).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seedDemo } from '../../cli/seed-demo';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { createTestServer, type TestServer } from '../support/test-server';
import { openConsolePage, signInWithToken, startConsoleRig, stopConsoleRig } from '../support/console-page';

jest.setTimeout(120_000);

const CITY = '411600';
const SHOTS = mkdtempSync(join(tmpdir(), 'petitionflow-dashboard-'));

let s: TestServer;
let browser: Browser;
let base: string;
let problems: string[] = [];

beforeAll(async () => {
  s = await createTestServer('dashboard_browser');
  await seedDemo({ db: s.tdb.db, policy: DEFAULT_POLICY });
  ({ browser, base } = await startConsoleRig(s));
});

afterAll(() => stopConsoleRig(s, browser));

afterEach(() => {
  const found = problems;
  problems = [];
  expect(found).toEqual([]);
});

async function signIn(role: 'leader' | 'auditor', unit: string): Promise<Page> {
  const page = await openConsolePage(browser, base, problems, { viewport: { width: 1280, height: 900 }, timeoutMs: 20_000 });
  return signInWithToken(page, await s.token(role, unit, `${role}-1`));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function api(role: 'leader', unit: string, url: string): Promise<any> {
  const res = await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await s.token(role, unit)}` } });
  expect(res.statusCode).toBe(200);
  return res.json();
}

const pct = (rate: { pct: number | null }) => (rate.pct === null ? '—' : `${rate.pct.toFixed(1)}%`);

it('shows a leader the dashboard first, with the figures of GET /stats and charts drawn', async () => {
  const page = await signIn('leader', CITY);
  await page.waitForURL(/#\/dashboard$/);
  const matters = page.locator('[data-testid=dashboard-matters]');
  await matters.waitFor();
  // The seed stories are backdated (up to some months): widen the period to the last 60 days, through the form.
  const to = await page.inputValue('#dash-to');
  const from = new Date(Date.parse(`${to}T00:00:00Z`) - 60 * 86_400_000).toISOString().slice(0, 10);
  await page.fill('#dash-from', from);
  await page.getByRole('button', { name: /查看/ }).click();
  await page.waitForURL(new RegExp(`from=${from}`));
  await page.locator(`[data-testid=dashboard-summary]:has-text("${from}")`).waitFor();
  const stats = await api('leader', CITY, `/stats?unit=${CITY}&from=${from}&to=${to}`);
  expect(stats.counts.matters).toBeGreaterThan(0); // the seed stories registered in the last 60 days
  expect(await matters.textContent()).toBe(String(stats.counts.matters));
  for (const rate of ['timelyAcceptance', 'onTimeHandling', 'participation', 'satisfaction', 'resolution', 'repeat']) {
    expect(await page.locator(`[data-rate=${rate}] .rate-value`).textContent()).toBe(pct(stats.rates[rate]));
  }
  const zero = await api('leader', CITY, `/stats/zero-units?unit=${CITY}&from=${from}&to=${to}`);
  expect(await page.locator('[data-place]').count()).toBe(zero.units.length);
  expect(await page.locator('tr[data-unit]').count()).toBe(stats.units.length);
  const board = await api('leader', CITY, `/supervision?unit=${CITY}`);
  const overdue = board.units.reduce((n: number, u: { overdue: number }) => n + u.overdue, 0);
  expect(await page.locator('[data-count=overdue] .rate-value').textContent()).toBe(String(overdue));
  await page.locator('.chart canvas').first().waitFor();
  expect(await page.locator('.chart canvas').count()).toBeGreaterThanOrEqual(2);
  await page.screenshot({ path: join(SHOTS, 'dashboard.png'), fullPage: true });
  await page.context().close();
});

it('renders the weekly review and the annual report pages', async () => {
  const page = await signIn('leader', CITY);
  await page
    .locator('#nav')
    .getByRole('link', { name: /周研判/ })
    .click();
  await page.getByRole('heading', { name: /信访形势周研判/ }).waitFor();
  expect(await page.locator('[data-testid=report-period]').textContent()).toMatch(/^\d{4}年第\d+周：/);
  await page.screenshot({ path: join(SHOTS, 'weekly.png'), fullPage: true });

  await page.locator('#nav').getByRole('link', { name: /年报/ }).click();
  await page.getByRole('heading', { name: /年度信访工作报告/ }).waitFor();
  const year = await page.inputValue('#annual-year');
  const annual = await api('leader', CITY, `/reports/annual?unit=${CITY}&year=${year}`);
  expect(await page.locator('[data-testid=annual-matters]').textContent()).toContain(`登记${annual.statistics.counts.matters}件`);
  expect(await page.locator('[data-rate=resolution] td').first().textContent()).toBe(pct(annual.statistics.rates.resolution));
  await page.screenshot({ path: join(SHOTS, 'annual.png'), fullPage: true });
  await page.context().close();
});
