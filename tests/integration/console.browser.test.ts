/**
 * The web console in a real browser: Chromium (the system's, driven by
 * playwright-core) against the real server listening on a real port, over a
 * private database. Everything is done the way a person would: sign in with
 * a name and password, fill in forms, press the buttons the API allows.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { startConsoleRig, expectNoPageProblems, stopConsoleRig } from '../support/console-page';
import { signToken } from '../../api/auth';
import { createAccountService } from '../../engine/account.service';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

const FUGOU = '411621';
const XIHUA = '411622';
const ID_NUMBER = '41272119900101341X';
const PHONE = '18749261234';
/** Evaluated in the page (string expressions: the tests are typed without the DOM library). */
const TOKEN_IN_STORAGE = "sessionStorage.getItem('petitionflow.token')";
const PASSWORD = 'console-test-password';
/** Accounts made so far (each is made once, the first time a test signs in as it). */
const accounts = new Set<string>();

let s: TestServer;
let browser: Browser;
let base: string;
/** Script errors and CSP violations of every page: a console that throws is broken even if the assertions pass. */
const pageProblems: string[] = [];

beforeAll(async () => {
  s = await createTestServer('console_browser');
  ({ browser, base } = await startConsoleRig(s));
});

afterAll(() => stopConsoleRig(s, browser));

afterEach(() => expectNoPageProblems(pageProblems));

/** A fresh browser context (its own sessionStorage) on the console's sign-in page. */
async function openConsole(): Promise<Page> {
  const context = await browser.newContext({ locale: 'zh-CN', acceptDownloads: true });
  // Every wait is for something the console shows within a second or two; fail well inside jest's timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageProblems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.text().includes('Content Security Policy')) pageProblems.push(`CSP: ${msg.text()}`);
  });
  await page.goto(`${base}/`);
  await page.getByRole('heading', { name: /登录/ }).waitFor();
  return page;
}

/** Makes the account `user` (display name: the same with 同志 after it) unless a test already did. */
async function ensureAccount(role: HumanRole, unit: string, user: string): Promise<void> {
  if (accounts.has(user)) return;
  await createAccountService(s.tdb.db).create({ id: user, displayName: `${user}同志`, role, unit, password: PASSWORD }, 'operator');
  accounts.add(user);
}

/** Signs in with a name and password, as a user does, and waits until the console says who they are. */
async function signIn(role: HumanRole, unit: string, user = `${role}@${unit}`): Promise<Page> {
  await ensureAccount(role, unit, user);
  const page = await openConsole();
  await page.fill('#sign-in-name', user);
  await page.fill('#sign-in-password', PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('[data-testid=who]', { hasText: `${user}同志` }).waitFor();
  return page;
}

/** Records a case through the API (the console is exercised elsewhere); returns its id. */
async function recordCase(summary: string, unit = FUGOU): Promise<string> {
  const res = await s.app.inject({
    method: 'POST',
    url: '/petitions',
    headers: { authorization: `Bearer ${await s.token('clerk', unit, `clerk@${unit}`)}` },
    payload: intakeBody({ unit, matter: { category: 'land', summary } }),
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ id: string }>().id;
}

/** Sends a command through the API, as another user at another desk would. */
async function sendAsSomeoneElse(role: HumanRole, id: string, body: Record<string, unknown>): Promise<void> {
  const res = await s.app.inject({
    method: 'POST',
    url: `/petitions/${id}/events`,
    headers: { authorization: `Bearer ${await s.token(role, FUGOU, `${role}-desk-2`)}` },
    payload: body,
  });
  expect(res.statusCode).toBe(200);
}

/** The case's state in words, once the state with this code is shown (the code itself only in the tooltip). */
async function stateOf(page: Page, state: string): Promise<string> {
  const badge = page.locator(`[data-testid=case-state]:has([data-code="${state}"])`);
  await badge.waitFor();
  return (await badge.textContent()) ?? '';
}

/** Opens an event's form by its button and submits it with the given inputs (name → value; selects by value). */
async function sendEvent(page: Page, type: string, inputs: Record<string, string> = {}): Promise<void> {
  await page.locator(`button.event-button[data-event=${type}]`).click();
  const form = page.locator(`form.event-form[data-event=${type}]`);
  await form.waitFor();
  for (const [name, value] of Object.entries(inputs)) {
    const input = form.locator(`[name="${name}"]`);
    if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
    else await input.fill(value);
  }
  await form.getByRole('button', { name: /提交/ }).click();
}

describe('signing in and out', () => {
  it('signs in with a name and password, refusing a wrong one, and shows who a signed-in user is', async () => {
    await s.tdb.db.insertInto('units').values({ code: FUGOU, name: '扶沟县', level: 'county', parent_code: null }).execute();
    await ensureAccount('clerk', FUGOU, 'zhou-min');
    const page = await openConsole();
    await page.fill('#sign-in-name', 'zhou-min');
    await page.fill('#sign-in-password', 'not the password');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    await page.fill('#sign-in-password', PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    const who = page.locator('[data-testid=who]');
    await who.filter({ hasText: 'zhou-min同志' }).waitFor();
    // Display name, role and unit name in Chinese; the session lives in an HttpOnly cookie no script can read.
    expect(await who.textContent()).toBe('zhou-min同志 · 登记人员 · 扶沟县');
    expect(await page.evaluate(TOKEN_IN_STORAGE)).toBeNull();
    expect(await page.evaluate('document.cookie')).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'pf_session')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // A clerk's day starts from the cases waiting on them.
    await page.getByRole('heading', { name: /我的待办/ }).waitFor();
    expect(await page.locator('#nav').textContent()).toContain('登记');
    expect(await page.locator('#nav').textContent()).not.toContain('督办看板');

    // A reload, or a second tab, keeps the session: the cookie is the browser's, not the tab's.
    const second = await page.context().newPage();
    await second.goto(`${base}/console/#/cases`);
    await second.locator('[data-testid=who]', { hasText: 'zhou-min同志' }).waitFor();
    await page.context().close();
  });

  it('signs in with an API token as the secondary way, refusing what is not a valid one', async () => {
    const page = await openConsole();
    await page.getByText('使用访问令牌登录').click();
    await page.fill('#token', 'not a token');
    await page.getByRole('button', { name: '用令牌登录' }).click();
    await page.getByRole('alert').filter({ hasText: '这不是有效的令牌' }).waitFor();

    // Well formed, but signed with another office's secret: the API says 401 and the console says so.
    await page.fill('#token', await signToken('another-office-secret-of-32-characters!', { sub: 'clerk-x', role: 'clerk', unit: FUGOU }));
    await page.getByRole('button', { name: '用令牌登录' }).click();
    await page.locator('[data-error-code=UNAUTHORIZED]').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    await page.fill('#token', await s.token('clerk', FUGOU, 'clerk-7'));
    await page.getByRole('button', { name: '用令牌登录' }).click();
    const who = page.locator('[data-testid=who]');
    await who.filter({ hasText: 'clerk-7' }).waitFor();
    expect(await who.textContent()).toMatch(/^clerk-7 · 登记人员 · /);
    await page.getByRole('heading', { name: /我的待办/ }).waitFor();
    await page.context().close();
  });

  it('signs out, ending the session on the server, and sends a user whose session ended back to sign in', async () => {
    const page = await signIn('clerk', FUGOU);
    const cookie = (await page.context().cookies()).find((c) => c.name === 'pf_session')?.value ?? '';
    await page.getByRole('button', { name: /退出/ }).click();
    await page.getByRole('status').filter({ hasText: '您已退出' }).waitFor();
    const after = await s.app.inject({ method: 'GET', url: '/petitions', headers: { cookie: `pf_session=${cookie}` } });
    expect(after.statusCode).toBe(401);
    await page.goto(`${base}/console/#/cases`);
    await page.getByRole('heading', { name: /登录/ }).waitFor();
    expect(await page.locator('[data-testid=who]').count()).toBe(0);

    // Signed in again, then the account is disabled at another desk: the next call answers 401.
    await page.fill('#sign-in-name', `clerk@${FUGOU}`);
    await page.fill('#sign-in-password', PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.locator('[data-testid=who]').waitFor();
    await createAccountService(s.tdb.db).update(`clerk@${FUGOU}`, { disabled: true }, 'operator');
    await page.getByRole('link', { name: /我的账号/ }).click();
    await page.getByRole('status').filter({ hasText: '登录已失效' }).waitFor();
    expect(page.url()).toMatch(/#\/sign-in$/);
    await createAccountService(s.tdb.db).update(`clerk@${FUGOU}`, { disabled: false }, 'operator');
    await page.context().close();
  });

  it('lets an administrator manage accounts and shows them no case page', async () => {
    await ensureAccount('handler', '411621101', 'township-handler');
    const page = await signIn('admin', FUGOU, 'fugou-admin');
    await page.getByRole('heading', { name: /用户管理/ }).waitFor();
    expect(await page.locator('#nav').textContent()).not.toContain('案件');
    expect(await page.locator('main').textContent()).not.toMatch(/null|undefined/);
    const row = page.locator('tr[data-user=township-handler]');
    await row.waitFor();
    await row.getByRole('button', { name: '停用' }).click();
    await page.locator('tr[data-user=township-handler] .account-state', { hasText: '已停用' }).waitFor();
    await page.getByRole('status').filter({ hasText: '已停用township-handler同志的账号' }).waitFor();

    const form = page.locator('form.add-user');
    await form.locator('[name=id]').fill('new-clerk');
    await form.locator('[name=displayName]').fill('新登记员');
    await form.locator('[name=role]').selectOption('clerk');
    await form.locator('[name=password]').fill('first password 1');
    await form.getByRole('button', { name: '开设账号' }).click();
    const added = page.locator('tr[data-user=new-clerk]');
    await added.waitFor();
    await added.getByRole('button', { name: '重置密码' }).click();
    await added.locator('input[type=password]').fill('second password 2');
    await added.getByRole('button', { name: '确认重置' }).click();
    await page.getByRole('status').filter({ hasText: '已重置新登记员的密码' }).waitFor();
    const signedIn = await s.app.inject({
      method: 'POST',
      url: '/sessions',
      headers: { 'x-petitionflow-console': '1' },
      payload: { name: 'new-clerk', password: 'second password 2' },
    });
    expect(signedIn.statusCode).toBe(201);

    await page.goto(`${base}/console/#/cases`);
    await page.locator('[data-error-code=FORBIDDEN]').waitFor();
    await page.context().close();
  });
});

describe('cases', () => {
  it('lets a clerk register a petition, shows the API’s field errors, and lists it', async () => {
    const summary = `宅基地确权纠纷 ${Date.now()}`;
    const page = await signIn('clerk', FUGOU, 'clerk-1');
    await page.getByRole('link', { name: /登记/ }).click();
    const form = page.locator('form.register');
    await form.waitFor();
    expect(await form.locator('[name=unit]').inputValue()).toBe(FUGOU);
    await form.locator('[name=channel]').selectOption('letter');
    await form.locator('[name="petitioner.name"]').fill('张某');
    await form.locator('[name="petitioner.idNumber"]').fill('4127211990');
    await form.locator('[name="petitioner.phone"]').fill(PHONE);
    await form.locator('[name="petitioner.address"]').fill('扶沟县曹里乡');
    await form.locator('[name="matter.category"]').fill('land');
    await form.locator('[name="matter.summary"]').fill(summary);
    // A group visit: one representative, added with the form's own button.
    await form.getByRole('button', { name: /添加代表/ }).click();
    await form.locator('[name="representatives.0.name"]').fill('李某');
    await form.locator('[name="representatives.0.phone"]').fill('13800001111');
    await form.getByRole('button', { name: /登记/ }).click();

    // The API's 400 names the field; the console puts it next to that input and in the alert.
    const alert = form.locator('[data-error-code=VALIDATION]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('「信访人·身份证号」格式不正确');
    const idInput = form.locator('[name="petitioner.idNumber"]');
    expect(await idInput.getAttribute('aria-invalid')).toBe('true');
    const described = (await idInput.getAttribute('aria-describedby')) ?? '';
    const fieldError = page.locator(`[id="${described.split(' ').pop() ?? ''}"]`);
    expect(await fieldError.textContent()).toBe('格式不正确');

    await idInput.fill(ID_NUMBER);
    await form.getByRole('button', { name: /登记/ }).click();
    // The registration result: the readable number and the related matters (一人一档), then on to the case.
    const registration = page.locator('[data-testid=registration]');
    await registration.waitFor();
    expect(await registration.locator('[data-testid=case-number]').textContent()).toMatch(/〔\d{4}〕\d+号$/);
    expect(await registration.textContent()).toContain('该信访人的其他事项');
    await registration.getByRole('link', { name: /打开案件/ }).click();
    expect(await stateOf(page, 'received')).toContain('已登记');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(summary);
    // The clerk checks identity and contact (Art 19): numbers in full.
    const petitioner = await page.locator('[data-testid=petitioner]').textContent();
    expect(petitioner).toContain(ID_NUMBER);
    expect(petitioner).toContain(PHONE);
    expect(await page.getByRole('region', { name: /信访人/ }).textContent()).toContain('13800001111');
    await page.locator('tr[data-event=INTAKE]').waitFor();
    expect(await page.locator('tr[data-clock=acceptance]').textContent()).toContain('计时中');

    await page.getByRole('link', { name: /案件/ }).first().click();
    // The case page's trail also has a row with the summary: wait for the list itself.
    await page.getByRole('heading', { name: /^案件$/ }).waitFor();
    const row = page.locator('tr[data-case-id]', { hasText: summary });
    await row.waitFor();
    expect(await row.textContent()).toContain('已登记');
    expect(await row.textContent()).toContain('受理期限');
    await page.context().close();
  });

  it('shows a handler and a supervisor of another county only their own county’s cases', async () => {
    const fugouSummary = `扶沟县案件 ${Date.now()}`;
    const xihuaSummary = `西华县案件 ${Date.now()}`;
    const fugouCase = await recordCase(fugouSummary, FUGOU);
    await recordCase(xihuaSummary, XIHUA);
    for (const role of ['handler', 'supervisor'] as const) {
      const page = await signIn(role, XIHUA);
      // A supervisor starts on the dashboard, a handler on 我的待办; the cases are one link away.
      await page.locator('#nav').getByRole('link', { name: /^案件/ }).click();
      await page.locator('tr', { hasText: xihuaSummary }).waitFor();
      expect(await page.locator('tr', { hasText: fugouSummary }).count()).toBe(0);
      // Not even by its address: a case outside one's units does not exist for them.
      await page.goto(`${base}/console/#/cases/${fugouCase}`);
      await page.locator('[data-error-code=NOT_FOUND]').waitFor();
      expect(await page.locator('body').textContent()).not.toContain(fugouSummary);
      await page.context().close();
    }
  });

  it('moves a case along through its buttons and shows the new state and trail', async () => {
    const summary = `承包地纠纷 ${Date.now()}`;
    await recordCase(summary);
    const page = await signIn('clerk', FUGOU, 'clerk-1');
    await page.locator('#nav').getByRole('link', { name: /^案件/ }).click();
    await page.getByRole('link', { name: summary }).click();
    expect(await stateOf(page, 'received')).toContain('已登记');
    expect(await page.locator('button.event-button[data-event=ASSIGN]').count()).toBe(0);

    await sendEvent(page, 'VERIFY', { note: '身份与联系方式已核实' });
    expect(await stateOf(page, 'verified')).toContain('已受理');
    const verifyRow = page.locator('tr[data-event=VERIFY]');
    expect(await verifyRow.locator('[data-actor=clerk-1]').textContent()).toBe('clerk-1同志（登记人员）');
    expect(await verifyRow.textContent()).toContain('身份与联系方式已核实');
    expect(await page.locator('tr[data-clock=handling]').textContent()).toContain('计时中');
    expect(await page.getByRole('status').textContent()).toContain('已受理');

    // The unit is picked by name among those ASSIGN may name now; nothing picked is the API's 400 next to the picker.
    await sendEvent(page, 'ASSIGN', {});
    const alert = page.locator('form.event-form [data-error-code=VALIDATION]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('「单位」');
    const unitPicker = page.locator('form.event-form select[name=unit]');
    expect(await unitPicker.getAttribute('aria-invalid')).toBe('true');
    expect(await unitPicker.locator(`option[value="${FUGOU}"]`).textContent()).toContain('扶沟县');
    expect(await unitPicker.locator(`option[value="${XIHUA}"]`).count()).toBe(0);
    await unitPicker.selectOption(FUGOU);
    // The handler: from the directory of the clerk's units, or written in when they have no account.
    await page.locator('form.event-form select[name=handler]').selectOption('other person');
    await page.locator('form.event-form input[aria-label=手动填写的名称]').fill('handler-1');
    await page.locator('form.event-form').getByRole('button', { name: /提交/ }).click();
    expect(await stateOf(page, 'assigned')).toContain('已交办');
    expect(await page.locator('tr[data-event=ASSIGN]').textContent()).toContain('handler-1');
    expect(await page.locator('tr[data-clock=objection]').textContent()).toContain('异议期');
    // A clerk has nothing to do on an assigned case.
    expect(await page.locator('button.event-button').count()).toBe(0);
    await page.context().close();
  });

  it('masks ID numbers and phones for a handler, and shows a refused command as the API words it', async () => {
    const summary = `拖欠工资 ${Date.now()}`;
    const id = await recordCase(summary);
    await sendAsSomeoneElse('clerk', id, { type: 'VERIFY' });
    await sendAsSomeoneElse('clerk', id, { type: 'ASSIGN', unit: FUGOU, handler: 'handler-1' });

    const page = await signIn('handler', FUGOU, 'handler-1');
    await page.locator('#nav').getByRole('link', { name: /^案件/ }).click();
    await page.getByRole('link', { name: summary }).click();
    expect(await stateOf(page, 'assigned')).toContain('已交办');
    const petitioner = (await page.locator('[data-testid=petitioner]').textContent()) ?? '';
    expect(petitioner).toContain('41272119xxxxxx341X');
    expect(petitioner).toContain('1874926xxxx');
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.toContain(ID_NUMBER);
    expect(text).not.toContain(PHONE);

    // While the handler fills in the form, a colleague resolves the case: the form's version is stale.
    await page.locator('button.event-button[data-event=START_MEDIATION]').click();
    await page.locator('form.event-form[data-event=START_MEDIATION]').waitFor();
    await sendAsSomeoneElse('handler', id, { type: 'RESOLVE', outcome: 'explain', opinion: '已解释政策' });
    await page.locator('form.event-form [name=level]').selectOption('township');
    await page.locator('form.event-form').getByRole('button', { name: /提交/ }).click();
    const conflict = page.locator('[data-error-code=VERSION_CONFLICT]');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('409');
    expect(await conflict.textContent()).toContain('案件已被他人更新');

    await page.getByRole('button', { name: /载入最新版本/ }).click();
    expect(await stateOf(page, 'resolved')).toContain('已办结');
    expect(await page.locator('tr[data-event=RESOLVE] [data-actor=handler-desk-2]').count()).toBe(1);
    expect(await page.locator('button.event-button[data-event=START_MEDIATION]').count()).toBe(0);
    await page.context().close();
  });
});

describe('supervision, incidents and audit', () => {
  it('puts a case a supervisor escalates on the board, and lists no incidents', async () => {
    const summary = `征地补偿 ${Date.now()}`;
    await recordCase(summary);
    const page = await signIn('supervisor', '411600', 'supervisor-city');
    // A supervisor starts on the dashboard; the cases are one link away.
    await page.locator('#nav').getByRole('link', { name: /^案件/ }).click();
    await page.getByRole('link', { name: summary }).click();
    await sendEvent(page, 'ESCALATE', { reason: '群众反映强烈，挂牌督办', dueIn: 'P10D' });
    expect(await stateOf(page, 'escalated')).toContain('督办中');

    await page.getByRole('link', { name: /督办看板/ }).click();
    await page.getByRole('heading', { name: /督办看板/ }).waitFor();
    const row = page.locator('tr[data-case-id]', { hasText: summary });
    await row.waitFor();
    expect(await row.textContent()).toContain('群众反映强烈');
    expect(await page.locator(`tr[data-unit="${FUGOU}"]`).textContent()).toMatch(/^扶沟县\s*\d+\s*[1-9]/);

    await page.getByRole('link', { name: /故障任务/ }).click();
    await page.getByText('没有未处理的故障任务').waitFor();
    await page.context().close();
  });

  it('lets an auditor verify the trail, replay a case, and download its trail as CSV', async () => {
    const summary = `医保报销 ${Date.now()}`;
    const id = await recordCase(summary);
    await sendAsSomeoneElse('clerk', id, { type: 'VERIFY' });

    const page = await signIn('auditor', '411600', 'auditor-1');
    await page.getByRole('link', { name: summary }).click();
    expect(await stateOf(page, 'verified')).toContain('已受理');
    expect(await page.locator('button.event-button').count()).toBe(0);
    await page.getByRole('link', { name: /回放与导出轨迹/ }).click();

    // The newest signed checkpoint: none yet, then one taken from the page, which verifies.
    const checkpoint = page.locator('[data-testid=checkpoint-result]');
    await checkpoint.waitFor();
    const before = await checkpoint.textContent();
    await page.getByRole('button', { name: /签署检查点/ }).click();
    await page.locator('[data-testid=checkpoint-result]', { hasText: '签名有效' }).waitFor();
    expect(await checkpoint.textContent()).not.toBe(before);

    await page.getByRole('button', { name: /核验/ }).click();
    expect(await page.locator('[data-testid=verify-result]').textContent()).toMatch(/轨迹完整：核验\d+条记录/);

    expect(await page.locator('#replay-case').inputValue()).toBe(id);
    await page.getByRole('button', { name: '回放', exact: true }).click();
    const replay = page.locator('[data-testid=replay-result]');
    await replay.waitFor();
    expect(await replay.textContent()).toContain('与存储的案件一致');
    expect(await replay.locator('tr[data-seq]').count()).toBe(2);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /下载轨迹/ }).click()]);
    expect(download.suggestedFilename()).toBe(`petition-${id}-trail.csv`);
    const csv = await readFile(await download.path(), 'utf8');
    // For people: a byte-order mark, Chinese headers, Beijing time (the machine CSV is format=raw-csv).
    expect(csv.split('\n')[0]?.startsWith('\uFEFF序号,时间（北京时间）,事件,操作人,角色,单位,规则版本,')).toBe(true);
    expect(csv).toContain(',受理,');
    // The auditor's export is masked like their view.
    expect(csv).toContain('41272119xxxxxx341X');
    expect(csv).not.toContain(ID_NUMBER);
    await page.context().close();
  });
});
