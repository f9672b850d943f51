/**
 * The role walk: in the system's Chromium, against the real server on a real
 * port (machine version 3), a clerk, a handler, a supervisor, a leader and an
 * auditor each sign in with a password and do their daily work through the
 * console only: registration and transfer, acceptance, the answer with its
 * 信访处理意见书 downloaded as a PDF, delivery (the handler's 我的待办 emptying
 * as it goes), the boards and reports, verification and replay. On every page
 * they are offered, the visible text must hold no English word (three or more
 * ASCII letters) outside a short allow-list; each page is photographed at
 * 1366 px and 390 px into a directory under the OS temp dir (printed below).
 *
 * The steps are small functions (registerCase, transfer, accept …): the
 * clerk picks units by name, uploads the scanned letter with the
 * registration, and clerks and handlers land on 我的待办 after signing in.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { createAccountService } from '../../engine/account.service';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { openConsolePage, startConsoleRig, stopConsoleRig, expectNoPageProblems } from '../support/console-page';
import { createV3Server, U, type V3Server } from '../support/v3-http-fixtures';

jest.setTimeout(300_000);

/**
 * The only ASCII words a Chinese screen may show: file formats named on
 * buttons and in the upload hint (in either case: a file's own name keeps the
 * extension it was saved with), and the language switch's English, which
 * names itself in its own language as language pickers do. Everything else
 * (codes, English labels, API messages) is a finding.
 */
const FILE_FORMATS = new Set(['PDF', 'CSV', 'XLSX', 'JPEG', 'PNG', 'TIFF']);
const ALLOWED_WORDS = new Set(['English']);
/** An ASCII word of three or more letters, standing alone (not part of a number like 411621 or a hash). */
const ASCII_WORD = /\b[A-Za-z]{3,}\b/g;
const URL_TEXT = /\bhttps?:\/\/\S+/g;
const WIDTHS = [1366, 390] as const;
const PASSWORD = 'walk-through-password';
const SHOTS = join(tmpdir(), `petitionflow-console-walk-${process.pid}`);
/** The scanned letter uploaded at registration: a small PDF (the API checks its first bytes). */
const SCAN = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const SCAN_NAME = '张某来信.pdf';
/** Roles whose first page after signing in is 我的待办. */
const TODO_HOME: readonly string[] = ['clerk', 'handler'];

/** The people of the walk, one per role, at the units where that role works on this case. */
const PEOPLE = {
  clerk: { id: 'zhou.min', displayName: '周敏', role: 'clerk', unit: U.bureau },
  handler: { id: 'wang.qiang', displayName: '王强', role: 'handler', unit: U.body },
  supervisor: { id: 'zhao.gang', displayName: '赵刚', role: 'supervisor', unit: U.county },
  leader: { id: 'liu.yang', displayName: '刘洋', role: 'leader', unit: U.county },
  auditor: { id: 'chen.jing', displayName: '陈静', role: 'auditor', unit: U.city },
} as const satisfies Record<string, { id: string; displayName: string; role: HumanRole; unit: string }>;
type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

let v: V3Server;
let browser: Browser;
let base: string;
const pageProblems: string[] = [];

beforeAll(async () => {
  v = await createV3Server('console_walk_browser');
  const accounts = createAccountService(v.s.tdb.db);
  for (const p of Object.values(PEOPLE)) await accounts.create({ ...p, password: PASSWORD }, 'operator');
  ({ browser, base } = await startConsoleRig(v.s));
  mkdirSync(SHOTS, { recursive: true });
  console.log(`console walk screenshots: ${SHOTS}`);
});

afterAll(() => stopConsoleRig(v?.s, browser));

afterEach(() => expectNoPageProblems(pageProblems));

/** The English words on screen: the page's visible text, without URLs, less the allow-list. */
function englishWords(text: string): string[] {
  const words = text.replace(URL_TEXT, ' ').match(ASCII_WORD) ?? [];
  return [...new Set(words.filter((w) => !ALLOWED_WORDS.has(w) && !FILE_FORMATS.has(w.toUpperCase())))];
}

describe('the allow-list check itself', () => {
  it.each([
    ['已登记 received', ['received']],
    ['下载PDF', []],
    ['附件「张某来信.pdf」已随案上传。可上传PDF、PNG图片', []],
    ['编号 411621-01 哈希 3fa9c0e1b2d4', []],
    ['见 https://example.org/docs 说明', []],
    ['VERIFY accepted.', ['VERIFY', 'accepted']],
  ])('finds the English words of %p', (text, words) => {
    expect(englishWords(text)).toEqual(words);
  });
});

/** Waits until the router has drawn the page and its own reads (documents, to-do count) have settled. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { getElementById(id: string): { hasAttribute(a: string): boolean } | null } })
      .document;
    return doc.getElementById('view')?.hasAttribute('aria-busy') === false;
  });
  await page.waitForLoadState('networkidle');
}

/** Checks the page's visible text for English words and photographs it at both widths. */
async function inspect(page: Page, name: string): Promise<void> {
  await settled(page);
  const text = await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
  // The text beside the screenshots, to read what a finding stands in.
  writeFileSync(join(SHOTS, `${name}.txt`), text);
  expect({ page: name, english: englishWords(text) }).toEqual({ page: name, english: [] });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    // The Chinese font comes in slices by unicode-range: photograph once the ones this page asked for are in.
    await page.evaluate(() => (globalThis as unknown as { document: { fonts: { ready: Promise<unknown> } } }).document.fonts.ready);
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 900 });
}

/** Opens the console and signs in with a name and password, as a user does. */
async function signIn(person: Person): Promise<Page> {
  const page = await openConsolePage(browser, base, pageProblems, { acceptDownloads: true, viewport: { width: 1366, height: 900 } });
  await page.locator('#sign-in-name').waitFor();
  await inspect(page, `${person.role}-sign-in`);
  await page.fill('#sign-in-name', person.id);
  await page.fill('#sign-in-password', PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('[data-testid=who]', { hasText: person.displayName }).waitFor();
  if (TODO_HOME.includes(person.role)) {
    await page.getByRole('heading', { name: '我的待办', exact: true }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/todo');
  }
  return page;
}

/** Visits every page the navigation offers, checking and photographing each. */
async function visitEveryPage(page: Page, role: string): Promise<string[]> {
  const hashes = await page.locator('nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  for (const hash of hashes) {
    await page.locator(`nav a[href="${hash}"]`).click();
    await page.waitForFunction((h) => (globalThis as unknown as { location: { hash: string } }).location.hash.startsWith(h), hash);
    await inspect(page, `${role}-${hash.replace(/[#/]+/g, '-').replace(/^-|-$/g, '')}`);
  }
  return hashes;
}

/** Fills a form's inputs by name (selects by value) inside `scope`. */
async function fill(page: Page, scope: string, inputs: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(inputs)) {
    const input = page.locator(`${scope} [name="${name}"]`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
}

/**
 * Opens an event's form by its button, fills it, submits it, and waits for the case to be redrawn;
 * `look` reads the open form before it is filled (its pickers).
 */
async function sendEvent(page: Page, type: string, inputs: Record<string, string>, look?: (form: Locator) => Promise<void>): Promise<void> {
  await page.locator(`button.event-button[data-event=${type}]`).click();
  await page.locator(`form.event-form[data-event=${type}]`).waitFor();
  await look?.(page.locator(`form.event-form[data-event=${type}]`));
  await fill(page, `form.event-form[data-event=${type}]`, inputs);
  await page.locator(`form.event-form[data-event=${type}] button[type=submit]`).click();
  await page.locator(`button.event-button[data-event=${type}]`).waitFor({ state: 'detached' });
  await page.locator('.notice[role=status]:visible').waitFor();
}

/**
 * 登记: the clerk records a letter through the form (the registering unit picked by name, the scanned letter
 * chosen with it) and reads the case number; returns the case id.
 */
async function registerCase(page: Page): Promise<string> {
  await page.locator('nav a[href="#/register"]').click();
  await page.locator('form.register').waitFor();
  const unitPicker = page.locator('form.register select[name=unit]');
  expect(await unitPicker.locator(`option[value="${U.bureau}"]`).textContent()).toContain('扶沟县信访局');
  // An accusation's accused unit is picked from the whole tree by name, not typed as a code.
  const accused = page.locator('form.register select[name="matter.accusedUnit"]');
  expect(await accused.locator(`option[value="${U.accused}"]`).textContent()).toContain('柴岗乡人民政府');
  await fill(page, 'form.register', {
    unit: U.bureau,
    channel: 'letter',
    class: 'complaint',
    'petitioner.name': '张某',
    'petitioner.idNumber': '41272119900101341X',
    'petitioner.phone': '18749261234',
    'petitioner.address': '扶沟县曹里乡',
    'matter.category': '土地',
    'matter.summary': '宅基地确权纠纷',
  });
  await page.locator('#register-scan-file').setInputFiles({ name: SCAN_NAME, mimeType: 'application/pdf', buffer: SCAN });
  await page.locator('form.register button[type=submit]').click();
  const result = page.locator('[data-testid=registration]');
  await result.waitFor();
  await page.locator('[data-testid=scan-uploaded]', { hasText: SCAN_NAME }).waitFor();
  expect(await result.locator('[data-testid=case-number]').textContent()).toMatch(/〔2026〕\d+号/);
  await inspect(page, 'clerk-registered');
  const href = (await result.getByRole('link', { name: '打开案件' }).getAttribute('href')) ?? '';
  return href.replace('#/cases/', '');
}

/** Opens a case's page. */
async function openCase(page: Page, id: string): Promise<void> {
  await page.goto(`${base}/console/#/cases/${id}`);
  await page.locator('[data-testid=case-state]').waitFor();
  await settled(page);
}

/** 转送: the clerk sends the case to the township that handles it, picked by name; the scan is on the case. */
async function transfer(page: Page, id: string): Promise<void> {
  await openCase(page, id);
  expect(await page.locator('[data-testid=attachments] tr[data-attachment-id]').textContent()).toContain(SCAN_NAME);
  await sendEvent(page, 'TRANSFER', { toUnit: U.body }, async (form) => {
    expect(await form.locator(`select[name=toUnit] option[value="${U.body}"]`).textContent()).toContain('曹里乡');
  });
  expect(await page.locator('[data-testid=case-state]').textContent()).toBe('已转送');
  await inspect(page, 'clerk-case-transferred');
}

/** The number of cases in the handler's 我的待办 (the page's own total). */
async function todoTotal(page: Page): Promise<number> {
  await page.locator('nav a[href="#/todo"]').click();
  const total = page.locator('[data-testid=todo-total]');
  await total.waitFor();
  return Number(/共\s*(\d+)\s*件/.exec((await total.textContent()) ?? '')?.[1]);
}

/** 受理: the handler accepts the case from their to-do list. */
async function accept(page: Page, id: string): Promise<void> {
  await page.locator(`tr[data-case-id="${id}"] a`).click();
  await page.locator('[data-testid=case-state]').waitFor();
  await sendEvent(page, 'ACCEPT', { noticeMethod: 'post' });
  expect(await page.locator('[data-testid=case-state]').textContent()).toBe('已受理');
}

/** 答复: the handler gives the answer (信访处理意见书). */
async function answer(page: Page): Promise<void> {
  await sendEvent(page, 'RESOLVE', { outcome: 'support', opinion: '经调查核实，依法予以支持。' });
  expect(await page.locator('[data-testid=case-state]').textContent()).toBe('已出具意见');
}

/** Downloads the 信访处理意见书 from the case's documents as a PDF and checks it is one. */
async function downloadOpinion(page: Page, id: string): Promise<void> {
  const row = page.locator('[data-testid=documents] li[data-kind=handling-opinion]');
  await row.waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: '下载PDF' }).click()]);
  expect(download.suggestedFilename()).toBe(`信访处理意见书-${id}.pdf`);
  const bytes = readFileSync((await download.path()) ?? '');
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
}

/** 送达: the handler records the delivery. */
async function deliver(page: Page): Promise<void> {
  await sendEvent(page, 'DELIVER', { method: 'in-person' });
  expect(await page.locator('[data-testid=case-state]').textContent()).toBe('已送达');
  await inspect(page, 'handler-case-delivered');
}

/** 核验 and 回放: the auditor verifies the trail of their units and replays the case from it. */
async function verifyAndReplay(page: Page, caseNumber: string): Promise<void> {
  await page.locator('nav a[href="#/audit"]').click();
  await page.locator('#verify-unit').waitFor();
  await page.getByRole('button', { name: '核验', exact: true }).click();
  expect(await page.locator('[data-testid=verify-result]').textContent()).toContain('轨迹完整');
  await page.fill('#replay-case', caseNumber);
  await page.getByRole('button', { name: '回放', exact: true }).click();
  expect(await page.locator('[data-testid=replay-result]').textContent()).toContain('与存储的案件一致');
  await inspect(page, 'auditor-replayed');
}

describe('a day in the console, role by role, in Chinese', () => {
  let id: string;
  let caseNumber: string;

  it('a clerk signs in with a password, registers a letter and transfers it, on pages without English', async () => {
    const page = await signIn(PEOPLE.clerk);
    await visitEveryPage(page, 'clerk');
    id = await registerCase(page);
    await transfer(page, id);
    caseNumber = (await page.locator('[data-testid=case-number]').textContent()) ?? '';
    expect(caseNumber).toMatch(/〔2026〕\d+号/);
    // The trail reads as sentences: who (by role), when, what.
    expect(await page.locator('tr[data-event=TRANSFER] .trail-sentence').textContent()).toMatch(
      /^周敏（登记人员）于\d+月\d+日\d\d:\d\d：转送$/,
    );
  });

  it('the handler accepts, answers (the 信访处理意见书 as a PDF) and delivers, while 我的待办 empties', async () => {
    const page = await signIn(PEOPLE.handler);
    await visitEveryPage(page, 'handler');
    expect(await todoTotal(page)).toBe(1);
    await accept(page, id);
    await inspect(page, 'handler-case-accepted');
    expect(await todoTotal(page)).toBe(1);
    await page.locator(`tr[data-case-id="${id}"] a`).click();
    await page.locator('[data-testid=case-state]').waitFor();
    await answer(page);
    await downloadOpinion(page, id);
    await inspect(page, 'handler-case-answered');
    await deliver(page);
    expect(await todoTotal(page)).toBe(0);
    expect(await page.locator('nav [data-testid=todo-count]').count()).toBe(0);
  });

  it.each([
    ['supervisor', PEOPLE.supervisor],
    ['leader', PEOPLE.leader],
  ] as const)('the %s reads every page offered, and the case among their units', async (role, person) => {
    const page = await signIn(person);
    const pages = await visitEveryPage(page, role);
    expect(pages).toEqual(expect.arrayContaining(['#/dashboard', '#/cases', '#/supervision', '#/reports/weekly']));
    await page.locator('nav a[href="#/cases"]').click();
    await page.locator(`tr[data-case-id="${id}"]`).waitFor();
    await openCase(page, id);
    await inspect(page, `${role}-case`);
  });

  it('the auditor verifies the trail and replays the case, and sees the codes only in the technical fold', async () => {
    const page = await signIn(PEOPLE.auditor);
    await visitEveryPage(page, 'auditor');
    await verifyAndReplay(page, caseNumber);
    await openCase(page, id);
    await inspect(page, 'auditor-case');
    const fold = page.locator('details.technical').first();
    await fold.locator('summary', { hasText: '技术信息' }).click();
    expect(await fold.textContent()).toContain(id);
  });

  it('the English switch in the header shows the console in English, and back', async () => {
    const page = await signIn(PEOPLE.clerk);
    await page.locator('[data-testid=language]').selectOption('en');
    await page.locator('nav a[href="#/cases"]', { hasText: 'Cases' }).waitFor();
    await page.locator('nav a[href="#/cases"]').click();
    await page.getByRole('heading', { name: 'Cases', exact: true }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // Kept for the next visit, until switched back.
    await page.reload();
    await page.getByRole('heading', { name: 'Cases', exact: true }).waitFor();
    await page.locator('[data-testid=language]').selectOption('zh-CN');
    await page.getByRole('heading', { name: '案件', exact: true }).waitFor();
  });
});
