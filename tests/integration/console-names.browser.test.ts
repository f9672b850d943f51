/**
 * Names, pickers, exports and narrow screens in a real browser (the system's
 * Chromium, driven by playwright-core) against the real server, under machine
 * version 3: a bureau clerk transfers a case by picking the township from the
 * units TRANSFER may name (by name, never the code), a county supervisor puts
 * a leader in charge by picking them from the user directory, the trail names
 * people by display name, the case list is exported as XLSX with its filters,
 * and at 390 px every list is a stack of cards, state and deadline first,
 * with nothing wider than the screen.
 */
import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { createAccountService } from '../../engine/account.service';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { openConsolePage, signInWithToken, startConsoleRig, stopConsoleRig, expectNoPageProblems } from '../support/console-page';
import { createV3Server, U, v3Intake, type V3Server } from '../support/v3-http-fixtures';

jest.setTimeout(120_000);

const PHONE_WIDTH = 390;
const SUMMARY = '宅基地确权纠纷（名称与选择器）';

let v: V3Server;
let browser: Browser;
let base: string;
const pageProblems: string[] = [];
let caseId: string;

beforeAll(async () => {
  v = await createV3Server('console_names_browser');
  const accounts = createAccountService(v.s.tdb.db);
  const account = (id: string, displayName: string, role: HumanRole, unit: string) =>
    accounts.create({ id, displayName, role, unit, password: 'long enough password' }, 'operator');
  await account('clerk-1', '周敏', 'clerk', U.bureau);
  await account('supervisor-1', '赵刚', 'supervisor', U.county);
  await account('leader-1', '刘洋', 'leader', U.county);
  caseId = (await v.intake(v3Intake({ matter: { category: 'land', summary: SUMMARY } }))).body.id as string;
  ({ browser, base } = await startConsoleRig(v.s));
});

afterAll(() => stopConsoleRig(v?.s, browser));

afterEach(() => expectNoPageProblems(pageProblems));

async function signIn(role: HumanRole, unit: string, options: { width?: number } = {}): Promise<Page> {
  const viewport = options.width === undefined ? undefined : { width: options.width, height: 844 };
  const page = await openConsolePage(browser, base, pageProblems, { acceptDownloads: true, ...(viewport && { viewport }) });
  return signInWithToken(page, await v.s.token(role, unit, `${role}-1`));
}

async function openCase(page: Page): Promise<void> {
  await page.goto(`${base}/console/#/cases/${caseId}`);
  await page.locator('[data-testid=case-state]').waitFor();
}

/** The widest the page lays out, against the window's width. */
const pageWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

describe('names and pickers', () => {
  it('lets a clerk land on 我的待办 and transfer by picking a unit by name among those TRANSFER may name', async () => {
    const page = await signIn('clerk', U.bureau);
    await page.getByRole('heading', { name: /我的待办/ }).waitFor();
    expect(await page.locator('[data-testid=who]').textContent()).toContain('扶沟县信访局');
    const row = page.locator(`tr[data-case-id="${caseId}"]`);
    expect(await row.textContent()).toContain('扶沟县信访局');
    expect(await row.textContent()).not.toContain(U.bureau);

    await openCase(page);
    await page.locator('button.event-button[data-event=TRANSFER]').click();
    const picker = page.locator('form.event-form[data-event=TRANSFER] select[name=toUnit]');
    await picker.waitFor();
    const offered = await picker
      .locator('option')
      .evaluateAll((options) => options.map((o) => [o.getAttribute('value'), (o.textContent ?? '').trim()]));
    expect(offered).toEqual([
      ['', '— 请选择 —'],
      [U.county, '扶沟县'],
      [U.bureau, '扶沟县信访局'],
      [U.body, '曹里乡人民政府'],
      [U.otherBody, '练寺镇人民政府'],
      [U.accused, '柴岗乡人民政府'],
    ]);
    await picker.selectOption(U.body);
    await page.locator('form.event-form').getByRole('button', { name: /提交/ }).click();
    await page.locator('[data-testid=case-state]', { hasText: '已转送' }).waitFor();

    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain('曹里乡人民政府');
    expect(main).not.toContain(U.body);
    const transfer = page.locator('tr[data-event=TRANSFER]');
    expect(await transfer.textContent()).toContain('周敏');
    expect(await transfer.textContent()).not.toContain('clerk-1');
    await page.context().close();
  });

  it('lets a county supervisor put a leader in charge by picking them by display name', async () => {
    const page = await signIn('supervisor', U.county);
    await openCase(page);
    await page.locator('button.event-button[data-event=ASSIGN_LEADER]').click();
    const picker = page.locator('form.event-form[data-event=ASSIGN_LEADER] select[name=leader]');
    await picker.waitFor();
    expect(await picker.locator('option[value="leader-1"]').textContent()).toBe('刘洋（扶沟县）');
    await picker.selectOption('leader-1');
    await page.locator('form.event-form').getByRole('button', { name: /提交/ }).click();
    await page.locator('tr[data-event=ASSIGN_LEADER]').waitFor();
    expect(await page.locator('tr[data-event=ASSIGN_LEADER]').textContent()).toContain('刘洋');
    expect(await page.locator('main').textContent()).not.toContain('leader-1');
    expect(await v.call('auditor', U.county, 'GET', `/petitions/${caseId}`)).toMatchObject({ body: { leader: 'leader-1' } });
    await page.context().close();
  });
});

describe('exports', () => {
  it('exports the case list with its filters as XLSX, through the session', async () => {
    const page = await signIn('clerk', U.bureau);
    await page.goto(`${base}/console/#/cases?state=transferred`);
    await page.locator(`tr[data-case-id="${caseId}"]`).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出XLSX' }).click()]);
    expect(download.suggestedFilename()).toBe('案件列表.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile((await download.path()) ?? '')) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('案件列表');
    expect(sheet?.rowCount).toBe(2);
    const row = (sheet?.getRow(2).values ?? []) as unknown[];
    expect(row).toEqual(expect.arrayContaining([SUMMARY, '曹里乡人民政府', '已转送']));

    // The case's trail, from the buttons of its 轨迹 section: CSV for people (BOM, Chinese words).
    await openCase(page);
    const trail = page.getByRole('region', { name: /轨迹/ });
    const [csv] = await Promise.all([page.waitForEvent('download'), trail.getByRole('button', { name: '导出CSV' }).click()]);
    expect(csv.suggestedFilename()).toMatch(/^办理轨迹-扶信〔2026〕\d+号\.csv$/);
    const text = await readFile((await csv.path()) ?? '', 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('转送');
    await page.context().close();
  });
});

describe('narrow screens', () => {
  it('shows the case list, a case, people, 我的待办 and the board as cards at 390 px, state and deadline first, nothing sideways', async () => {
    const clerk = await signIn('clerk', U.bureau, { width: PHONE_WIDTH });
    await clerk.goto(`${base}/console/#/cases`);
    const card = clerk.locator(`tr[data-case-id="${caseId}"]`);
    await card.waitFor();
    expect(await pageWidth(clerk)).toBeLessThanOrEqual(PHONE_WIDTH);
    // The first lines of the card are the state and the deadlines; the matter follows.
    const tops = await card
      .locator('td')
      .evaluateAll((cells) => cells.map((td) => [td.getAttribute('data-label'), Math.round(td.getBoundingClientRect().top)] as const));
    const ordered = [...tops].sort((a, b) => a[1] - b[1]).map(([label]) => label);
    expect(ordered.slice(0, 2)).toEqual(['状态', '期限']);
    // Every line is labelled, and a label keeps its words on one line (not one character per line).
    const label = await card
      .locator('td.card-lead')
      .first()
      .evaluate((td) => {
        const style = getComputedStyle(td, '::before');
        return { content: style.content, wordBreak: style.wordBreak };
      });
    expect(label).toEqual({ content: '"状态"', wordBreak: 'keep-all' });
    await clerk.goto(`${base}/console/#/cases/${caseId}`);
    await clerk.locator('tr[data-event=TRANSFER]').waitFor();
    expect(await pageWidth(clerk)).toBeLessThanOrEqual(PHONE_WIDTH);

    await clerk.goto(`${base}/console/#/people?q=${encodeURIComponent('张某')}`);
    await clerk.locator(`section.person tr[data-case-id="${caseId}"]`).waitFor();
    expect(await pageWidth(clerk)).toBeLessThanOrEqual(PHONE_WIDTH);
    await clerk.context().close();

    const handler = await signIn('handler', U.body, { width: PHONE_WIDTH });
    await handler.locator(`tr[data-case-id="${caseId}"]`).waitFor();
    expect(await pageWidth(handler)).toBeLessThanOrEqual(PHONE_WIDTH);
    await handler.context().close();

    const supervisor = await signIn('supervisor', U.county, { width: PHONE_WIDTH });
    await supervisor.goto(`${base}/console/#/supervision`);
    await supervisor.locator(`tr[data-unit]`).first().waitFor();
    expect(await pageWidth(supervisor)).toBeLessThanOrEqual(PHONE_WIDTH);
    expect(await supervisor.locator('main').textContent()).not.toMatch(/4116\d\d/);
    await supervisor.context().close();
  });
});

// The tests run in the browser's page: `getComputedStyle` is the page's own.
declare function getComputedStyle(element: unknown, pseudo?: string): { content: string; wordBreak: string };
