/**
 * The web console speaks version 3 in the words of the 信访工作条例, read from
 * the server's one vocabulary (GET /vocabulary, from v3.labels.ts): states
 * (已转送, 已受理, 已送达, 复查中, 已办结, 已终结 …), periods (期限, not 时钟),
 * roles (督办人员), channels (来信, 来访), and event forms with version 3's
 * fields. Chromium (playwright-core) over the seed-demo stories.
 */
import type { Browser, Page } from 'playwright-core';
import { seedDemo, type SeedResult } from '../../cli/seed-demo';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { V3_CLOCK_LABELS, V3_STATE_LABELS } from '../../machines/versions/v3/v3.labels';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { createTestServer, type TestServer } from '../support/test-server';
import { openConsolePage, signInWithToken, startConsoleRig, expectNoPageProblems, stopConsoleRig } from '../support/console-page';

const CITY = '411600';
const SHENQIU_BUREAU = '411624-01';

let s: TestServer;
let browser: Browser;
let base: string;
let seeded: SeedResult;
const pageProblems: string[] = [];

beforeAll(async () => {
  s = await createTestServer('console_v3_browser', { policy: DEFAULT_POLICY });
  seeded = await seedDemo({ db: s.tdb.db, policy: DEFAULT_POLICY });
  ({ browser, base } = await startConsoleRig(s));
});

afterAll(() => stopConsoleRig(s, browser));

afterEach(() => expectNoPageProblems(pageProblems));

async function signIn(role: HumanRole, unit: string): Promise<Page> {
  const page = await openConsolePage(browser, base, pageProblems);
  return signInWithToken(page, await s.token(role, unit, `${role}-v3`));
}

/** The id of the seeded case whose title starts with `prefix`. */
function caseTitled(prefix: string): string {
  const found = seeded.cases.find((c) => c.title.startsWith(prefix));
  if (found === undefined) throw new Error(`no demo case titled ${prefix}`);
  return found.id;
}

async function openCase(page: Page, id: string): Promise<void> {
  await page.goto(`${base}/#/cases/${id}`);
  await page.locator('[data-testid=case-state]').waitFor();
}

it('serves the vocabulary without a token, from the one list of v3 labels', async () => {
  const res = await s.app.inject({ method: 'GET', url: '/vocabulary' });
  expect(res.statusCode).toBe(200);
  const words = res.json<Record<string, Record<string, string>>>();
  expect(words.states).toEqual(V3_STATE_LABELS);
  expect(words.roles).toMatchObject({ supervisor: '督办人员', clerk: '登记人员' });
  expect(words.channels).toMatchObject({ letter: '来信', visit: '来访' });
  expect(words.closures).toMatchObject({ concluded: '已办结', final: '已终结' });
  expect(Object.values(words.clocks ?? {}).every((label) => label.endsWith('期限'))).toBe(true);
});

it('names a supervisor 督办人员 and lists the stories with the states of the regulation', async () => {
  const page = await signIn('supervisor', CITY);
  expect(await page.locator('[data-testid=who]').textContent()).toContain('督办人员');
  await page.goto(`${base}/#/cases`);
  const table = page.locator('main table');
  await table.waitFor();
  await page.locator('main td', { hasText: '复查中' }).first().waitFor();
  const text = (await table.textContent()) ?? '';
  for (const words of ['已受理', '已送达', '复查中', '已登记', '已办结', '已终结', '来信', '来访'])
    expect({ words, shown: text.includes(words) }).toEqual({ words, shown: true });
  for (const old of ['书信', '走访', '已结案']) expect({ old, shown: text.includes(old) }).toEqual({ old, shown: false });
  await page.context().close();
});

it('tells a breach the deadline workers recorded as a sentence, without the trail fields’ codes', async () => {
  // A seeded case whose trail holds a breach (read through the API only to find it).
  const token = await s.token('supervisor', CITY, 'supervisor-v3');
  let found: { id: string; clock: string } | undefined;
  for (const c of seeded.cases) {
    const res = await s.app.inject({ method: 'GET', url: `/petitions/${c.id}/history`, headers: { authorization: `Bearer ${token}` } });
    const breach = (res.json<{ events?: { type: string; fields: { clock: string } }[] }>().events ?? []).find(
      (e) => e.type === 'DEADLINE_BREACHED',
    );
    if (breach !== undefined) {
      found = { id: c.id, clock: breach.fields.clock };
      break;
    }
  }
  expect(found).toBeDefined();
  const page = await signIn('supervisor', CITY);
  await openCase(page, found?.id ?? '');
  const row = page.locator('tr[data-event=DEADLINE_BREACHED]').first();
  const clockName = V3_CLOCK_LABELS[found?.clock as keyof typeof V3_CLOCK_LABELS];
  expect(await row.locator('.trail-sentence').textContent()).toMatch(
    new RegExp(`^系统于\\d+月\\d+日\\d\\d:\\d\\d记录：${clockName}届满，(自动督办|期满终结|已通知相关人员)$`),
  );
  for (const code of ['generation', 'onBreach', 'escalate']) expect(await row.textContent()).not.toContain(code);
  await page.context().close();
});

it('shows a final case with its periods (期限) and the trail in the regulation’s words', async () => {
  const page = await signIn('supervisor', CITY);
  await openCase(page, caseTitled('沈丘县 来信'));
  expect(await page.locator('[data-testid=case-state]').textContent()).toContain('已终结');
  const deadlines = page.locator('table', { has: page.locator('tr[data-clock]') });
  const header = (await deadlines.locator('th').first().textContent()) ?? '';
  expect(header).toContain('期限');
  expect(await page.locator('main').textContent()).not.toContain('时钟');
  expect(await page.locator('tr[data-clock=reReviewDecision] td').first().textContent()).toContain('复核期限');
  expect(await page.locator('tr[data-event=REQUEST_REVIEW] .trail-sentence').first().textContent()).toContain('申请复查/复核');
  expect(await page.locator('tr[data-event=PAUSE_CLOCK] .trail-sentence').first().textContent()).toContain('中止期限计算');
  await page.context().close();
});

it('offers version 3 forms: a clerk transfers to a department (已转送), which accepts with its notice (已受理)', async () => {
  const id = caseTitled('沈丘县 网上信访');
  const clerk = await signIn('clerk', SHENQIU_BUREAU);
  await openCase(clerk, id);
  expect(await clerk.locator('[data-testid=case-state]').textContent()).toContain('已登记');
  expect(await clerk.locator('main').textContent()).toContain('督办'); // supervision raised by the dispatch breach
  await clerk.locator('button.event-button[data-event=TRANSFER]').click();
  const form = clerk.locator('form.event-form[data-event=TRANSFER]');
  await form.waitFor();
  expect(await form.locator('label', { hasText: '送往单位' }).count()).toBe(1);
  // The unit picker: the units TRANSFER may name now, by name (the code only in the tooltip and the value).
  const picker = form.locator('select[name="toUnit"]');
  const option = picker.locator('option[value="411624-15"]');
  expect(await option.textContent()).not.toContain('411624');
  expect(await option.getAttribute('title')).toContain('411624-15');
  expect(await picker.locator('option[value="411621"]').count()).toBe(0); // a sibling county is out of reach
  await picker.selectOption('411624-15');
  await form.getByRole('button', { name: /提交/ }).click();
  await clerk.locator('[data-testid=case-state]', { hasText: '已转送' }).waitFor();
  await clerk.context().close();

  const handler = await signIn('handler', '411624-15');
  await openCase(handler, id);
  await handler.locator('button.event-button[data-event=ACCEPT]').click();
  const accept = handler.locator('form.event-form[data-event=ACCEPT]');
  await accept.waitFor();
  const method = accept.locator('[name="noticeMethod"]');
  expect(await method.locator('option[value=post]').textContent()).toBe('邮寄送达');
  await method.selectOption('post');
  await accept.getByRole('button', { name: /提交/ }).click();
  await handler.locator('[data-testid=case-state]', { hasText: '已受理' }).waitFor();
  await handler.context().close();
});

it('registers with the fields of version 3: the class of the matter and who received the visit', async () => {
  const page = await signIn('clerk', SHENQIU_BUREAU);
  await page.goto(`${base}/#/register`);
  const klass = page.locator('select[name="class"]');
  await klass.waitFor();
  expect(await klass.locator('option[value=complaint]').textContent()).toBe('申诉求决类');
  expect(await page.locator('select[name="channel"] option[value=letter]').textContent()).toBe('来信');
  expect(await page.locator('select[name="receivedBy"] option[value=leader]').textContent()).toBe('领导接访');
  expect(await page.locator('label', { hasText: '涉法涉诉' }).count()).toBe(1);
  await page.context().close();
});
