/**
 * Attachments in a real browser (the system's Chromium, driven by
 * playwright-core) against the real server on a real port: a clerk registers
 * a letter with its scan chosen on the registration form, opens the case,
 * finds the scan in the 附件 section with the start of the SHA-256 the trail
 * records, downloads it byte for byte under its Chinese name, and files a
 * piece of evidence from the case page.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { createV3Server, U, type V3Server } from '../support/v3-http-fixtures';
import { openConsolePage, signInWithToken, startConsoleRig, stopConsoleRig, expectNoPageProblems } from '../support/console-page';

jest.setTimeout(120_000);

let v: V3Server;
let browser: Browser;
let base: string;
const pageProblems: string[] = [];

beforeAll(async () => {
  v = await createV3Server('attachments_browser');
  ({ browser, base } = await startConsoleRig(v.s));
});

afterAll(() => stopConsoleRig(v?.s, browser));

afterEach(() => expectNoPageProblems(pageProblems));

const SCAN = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7) % 256))]);
const EVIDENCE = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('现场照片')]);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

it('uploads the scanned letter with the registration and downloads it from the case page', async () => {
  const page = await openConsolePage(browser, base, pageProblems, { acceptDownloads: true });
  await signInWithToken(page, await v.s.token('clerk', U.bureau, 'clerk-1'));
  await page.goto(`${base}/console/#/register`);
  const form = page.locator('form.register');
  await form.waitFor();
  await form.locator('[name=channel]').selectOption('letter');
  await form.locator('[name=class]').selectOption('complaint');
  await form.locator('[name="petitioner.name"]').fill('张某');
  await form.locator('[name="petitioner.idNumber"]').fill('41272119900101341X');
  await form.locator('[name="petitioner.phone"]').fill('18749261234');
  await form.locator('[name="petitioner.address"]').fill('扶沟县曹里乡');
  await form.locator('[name="matter.category"]').fill('land');
  await form.locator('[name="matter.summary"]').fill('宅基地确权纠纷（附来信扫描件）');
  await form.locator('#register-scan-file').setInputFiles({ name: '张某来信.pdf', mimeType: 'application/pdf', buffer: SCAN });
  expect(await form.locator('#register-scan-kind').inputValue()).toBe('letter-scan');
  await form.getByRole('button', { name: /登记/ }).click();

  await page.locator('[data-testid=scan-uploaded]', { hasText: '张某来信.pdf' }).waitFor();
  const registration = page.locator('[data-testid=registration]');
  await registration.getByRole('link', { name: /打开案件/ }).click();
  const attachments = page.locator('[data-testid=attachments]');
  const row = attachments.locator('tr[data-attachment-id]');
  await row.first().waitFor();
  expect(await row.count()).toBe(1);
  const text = (await row.textContent()) ?? '';
  expect(text).toContain('来信扫描件');
  expect(text).toContain('张某来信.pdf');
  expect(text).toContain('4.9 KB');
  expect(await row.locator('code.sha256').textContent()).toBe(sha256(SCAN).slice(0, 12));
  // The trail on the same page holds the filing with the whole digest.
  await page.locator('tr[data-event=ATTACH_MATERIAL]').waitFor();
  expect(await page.locator('tr[data-event=ATTACH_MATERIAL]').textContent()).toContain(sha256(SCAN));

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: '下载' }).click()]);
  expect(download.suggestedFilename()).toBe('张某来信.pdf');
  expect(Buffer.compare(await readFile((await download.path()) ?? ''), SCAN)).toBe(0);

  // Evidence filed from the case page, marked personal.
  const upload = page.locator('form.attachment-upload');
  await upload.locator('input[type=file]').setInputFiles({ name: '现场照片.jpg', mimeType: 'image/jpeg', buffer: EVIDENCE });
  await upload.locator('select[name=kind]').selectOption('evidence');
  await upload.locator('input[name=personal]').check();
  await upload.getByRole('button', { name: '上传附件' }).click();
  await upload.locator('[role=status]', { hasText: '现场照片.jpg' }).waitFor();
  expect(await row.count()).toBe(2);
  expect(await row.nth(1).textContent()).toContain('证据材料');
  expect(await row.nth(1).textContent()).toContain('涉及个人信息');

  // A file of a type not taken is refused in words.
  await upload.locator('input[type=file]').setInputFiles({ name: '说明.txt', mimeType: 'text/plain', buffer: Buffer.from('文字') });
  await upload.getByRole('button', { name: '上传附件' }).click();
  await upload.locator('[data-error-code=ATTACHMENT_TYPE]').waitFor();
  expect(await row.count()).toBe(2);
  await page.context().close();
});
