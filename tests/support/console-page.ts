/**
 * The console's browser tests open pages the same way: a fresh context in
 * zh-CN, page errors and Content-Security-Policy reports collected (each
 * test's afterEach expects none), and sign-in with an API token through the
 * fold under the password form.
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';

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
