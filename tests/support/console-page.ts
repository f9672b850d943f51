/**
 * The console's browser tests open pages the same way: a fresh context in
 * zh-CN, page errors and Content-Security-Policy reports collected (each
 * test's afterEach expects none), and sign-in with an API token through the
 * fold under the password form.
 */
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import type { TestServer } from './test-server';

/** Opens the console at `base` in a fresh context; problems the page reports are pushed to `problems`. */
export async function openConsolePage(
  browser: Browser,
  base: string,
  problems: string[],
  options: BrowserContextOptions & { readonly timeoutMs?: number } = {},
): Promise<Page> {
  const { timeoutMs = 10_000, ...contextOptions } = options;
  const context = await browser.newContext({ locale: 'zh-CN', ...contextOptions });
  context.setDefaultTimeout(timeoutMs);
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) problems.push(`CSP: ${msg.text()}`);
  });
  await page.goto(`${base}/`);
  return page;
}

/** Signs in with an API token (the console's secondary way, folded under the password form) and waits for the header. */
export async function signInWithToken(page: Page, token: string): Promise<Page> {
  await page.getByText('使用访问令牌登录').click();
  await page.fill('#token', token);
  await page.getByRole('button', { name: '用令牌登录' }).click();
  await page.locator('[data-testid=who]').waitFor();
  return page;
}

/** Puts the test server on a loopback port and launches Chromium: the two things every console suite needs. */
export async function startConsoleRig(s: TestServer): Promise<{ browser: Browser; base: string }> {
  await s.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
  return { browser: await chromium.launch({ executablePath: '/usr/bin/chromium' }), base };
}

/** Closes Chromium and the server; either may be missing when the suite's setup failed half-way. */
export async function stopConsoleRig(s: TestServer | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  // pg-pool's end() resolves before its clients have hung up, and `drop database … with (force)` may then
  // terminate one: its error, emitted on the pool with no listener, would fail the file after every test passed.
  s?.tdb.pool.on('error', () => undefined);
  await s?.close();
}

/** Each test's end: the problems its pages reported (page errors, CSP reports), emptied for the next test, must be none. */
export function expectNoPageProblems(problems: string[]): void {
  expect(problems.splice(0)).toEqual([]);
}
