/**
 * 我的待办 and the written acts in a real browser (the system's Chromium,
 * driven by playwright-core) against the real server on a real port, under
 * machine version 3: a township handler sees the count of cases waiting on
 * them beside 我的待办, works the case from the list (受理, 答复, 送达) while
 * the list empties, previews the 信访处理意见书 as the printable page and
 * downloads it as a PDF.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { pdfText } from '../support/pdf-text';
import { createV3Server, U, type V3Server } from '../support/v3-http-fixtures';
import { openConsolePage, signInWithToken, startConsoleRig, stopConsoleRig, expectNoPageProblems } from '../support/console-page';

jest.setTimeout(120_000);

let v: V3Server;
let browser: Browser;
let base: string;
const pageProblems: string[] = [];

beforeAll(async () => {
  v = await createV3Server('todo_documents_browser');
  ({ browser, base } = await startConsoleRig(v.s));
});

afterAll(() => stopConsoleRig(v?.s, browser));

afterEach(() => expectNoPageProblems(pageProblems));

/** Signs in by pasting a token, as a user does. */
async function signIn(role: HumanRole, unit: string): Promise<Page> {
  const page = await openConsolePage(browser, base, pageProblems, { acceptDownloads: true });
  return signInWithToken(page, await v.s.token(role, unit, `${role}-1`));
}

/** Opens an event's form by its button and submits it (name → value; selects by value). */
async function sendEvent(page: Page, type: string, inputs: Record<string, string>): Promise<void> {
  await page.locator(`button.event-button[data-event=${type}]`).click();
  const form = page.locator(`form.event-form[data-event=${type}]`);
  await form.waitFor();
  for (const [name, value] of Object.entries(inputs)) {
    const input = form.locator(`[name="${name}"]`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  await form.getByRole('button', { name: /提交/ }).click();
  await page.locator(`button.event-button[data-event=${type}]`).waitFor({ state: 'detached' });
}

describe('a township handler’s day', () => {
  let id: string;
  beforeAll(async () => {
    id = (await v.intake()).body.id as string;
    await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
  });

  it('works the case from 我的待办 to delivery, with the 信访处理意见书 previewed and downloaded as a PDF', async () => {
    const page = await signIn('handler', U.body);
    await page.locator('nav [data-testid=todo-count]', { hasText: '1' }).waitFor();
    await page.locator('nav a[href="#/todo"]').click();
    const row = page.locator(`tr[data-case-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('待受理');
    // Transferred Mon 03-02: the notice period's last day is Tue 03-17; the objection door closes after 5 working days.
    expect(await row.textContent()).toMatch(/3月\d+日届满，剩余\d+(天|个工作日)/);
    expect(await row.locator('.urgency').getAttribute('data-level')).toBe('green');

    await row.getByRole('link').click();
    await sendEvent(page, 'ACCEPT', { noticeMethod: 'post' });
    await sendEvent(page, 'RESOLVE', { outcome: 'support', opinion: '经调查核实，依法予以支持。' });

    const docs = page.locator('[data-testid=documents]');
    const opinion = docs.locator('li[data-kind=handling-opinion]');
    await opinion.waitFor();
    expect(await docs.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')))).toEqual([
      'acceptance-notice',
      'transfer-slip',
      'handling-opinion',
    ]);
    await opinion.getByRole('button', { name: '预览打印' }).click();
    const frame = page.frameLocator('iframe.doc-frame');
    await frame.locator('h1', { hasText: '信访处理意见书' }).waitFor();
    expect(await frame.locator('.issuer').textContent()).toBe('曹里乡人民政府');
    expect(await frame.locator('.doc-date').textContent()).toBe('2026年3月2日');
    // The page's official layout comes from the console's stylesheet (no inline styles under the console's CSP).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests are typed without the DOM library
    expect(await frame.locator('header').evaluate((el) => (globalThis as any).getComputedStyle(el).textAlign)).toBe('center');

    const [download] = await Promise.all([page.waitForEvent('download'), opinion.getByRole('button', { name: '下载PDF' }).click()]);
    expect(download.suggestedFilename()).toBe(`信访处理意见书-${id}.pdf`);
    const text = (await pdfText(await readFile((await download.path()) ?? ''))).replace(/\s+/g, '');
    expect(text).toContain('信访处理意见书');
    expect(text).toContain('曹里乡人民政府');
    expect(text).toContain('2026年3月2日');

    await sendEvent(page, 'DELIVER', { method: 'in-person' });
    await page.locator('nav a[href="#/todo"]').click();
    await page.locator('[data-testid=todo-total]', { hasText: '共0件待办' }).waitFor();
    expect(await page.locator('nav [data-testid=todo-count]').count()).toBe(0);
  });
});
