/* global window, document, location, URLSearchParams */
/**
 * The console's shell: who is signed in, the navigation, and a hash router
 * (`#/cases`, `#/cases/<id>`, …) so every page has an address the back
 * button and a bookmark keep, with nothing for the server to route.
 */
import { resumeSession, signOut } from './api-client.js';
import { h } from './dom.js';
import { errorAlert } from './error-view.js';
import { loadVocabulary, ROLES } from './labels.js';
import { homeFor, pagesFor } from './pages.js';
import { currentSession } from './session.js';
import { loadUnits, unitLabel } from './unit-directory.js';
import { renderAccount } from './views/account.js';
import { renderAudit } from './views/audit.js';
import { renderCaseDetail } from './views/case-detail.js';
import { renderCaseList } from './views/case-list.js';
import { renderIncidents } from './views/incidents.js';
import { renderPeopleSearch } from './views/people-search.js';
import { renderRegister } from './views/register-petition.js';
import { renderSignIn } from './views/sign-in.js';
import { renderSupervision } from './views/supervision-board.js';
import { renderDashboard } from './views/dashboard.js';
import { renderAnnualReport, renderWeeklyReport } from './views/reports.js';
import { renderUsers } from './views/users-admin.js';
import { renderTodo, showTodoCount } from './views/todo.js';

const ROUTES = [
  { pattern: /^#\/sign-in$/, render: renderSignIn, title: '登录 Sign in', public: true },
  { pattern: /^#\/todo$/, render: renderTodo, title: '我的待办 To-do' },
  { pattern: /^#\/cases$/, render: renderCaseList, title: '案件 Cases' },
  { pattern: /^#\/cases\/([0-9a-fA-F-]{36})$/, render: renderCaseDetail, title: '案件详情 Case' },
  { pattern: /^#\/register$/, render: renderRegister, title: '登记 Register' },
  { pattern: /^#\/people$/, render: renderPeopleSearch, title: '一人一档 People' },
  { pattern: /^#\/supervision$/, render: renderSupervision, title: '督办看板 Supervision' },
  { pattern: /^#\/incidents$/, render: renderIncidents, title: '故障任务 Incidents' },
  { pattern: /^#\/audit$/, render: renderAudit, title: '审计 Audit' },
  { pattern: /^#\/dashboard$/, render: renderDashboard, title: '驾驶舱 Dashboard' },
  { pattern: /^#\/reports\/weekly$/, render: renderWeeklyReport, title: '周研判 Weekly review' },
  { pattern: /^#\/reports\/annual$/, render: renderAnnualReport, title: '年报 Annual report' },
  { pattern: /^#\/users$/, render: renderUsers, title: '用户管理' },
  { pattern: /^#\/account$/, render: renderAccount, title: '我的账号' },
];

/** Where an address without a page leads: the user's own home, or sign-in. */
const HOME = '#/';
const main = document.getElementById('view');

/** Counts navigations, so a page that finishes loading after the user moved on does not report into the new one. */
let navigation = 0;

function parseHash() {
  const [path, query = ''] = location.hash.split('?');
  return { path: path === '' || path === '#' ? HOME : path, params: new URLSearchParams(query) };
}

function renderChrome(session, path) {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (session === null) {
    nav.replaceChildren();
    who.replaceChildren();
    return;
  }
  const { claims, profile } = session;
  nav.replaceChildren(
    h(
      'ul',
      null,
      pagesFor(claims.role).map((page) =>
        h(
          'li',
          null,
          h(
            'a',
            { href: page.hash, 'aria-current': path.startsWith(page.hash) ? 'page' : null },
            page.label,
            ' ',
            h('span', { lang: 'en' }, page.code),
          ),
        ),
      ),
    ),
  );
  // The count of cases waiting on the user, beside 我的待办 (fetched after the chrome is drawn).
  void showTodoCount(nav);
  who.replaceChildren(
    h(
      'p',
      { 'data-testid': 'who' },
      h('span', { class: 'user', title: `用户名 ${claims.sub}` }, profile.displayName ?? claims.sub),
      ' · ',
      h('span', { class: 'role' }, ROLES[claims.role] ?? claims.role),
      ' · ',
      // The unit's name (its code only in the tooltip).
      h('span', { class: 'unit' }, unitLabel(claims.unit, profile.unitName ?? undefined)),
    ),
    h('button', { type: 'button', class: 'sign-out', onclick: () => void signOutHere() }, '退出'),
  );
}

async function signOutHere() {
  await signOut();
  location.hash = '#/sign-in';
}

async function route() {
  const { path, params } = parseHash();
  // A browser that holds a live session cookie (a reload, another tab) is signed in without asking again.
  const session = currentSession() ?? (path !== '#/sign-in' && (await resumeSession()) ? currentSession() : null);
  if (session === null && path !== '#/sign-in') {
    location.replace('#/sign-in');
    return;
  }
  if (session !== null && (path === '#/sign-in' || path === HOME)) {
    location.replace(homeFor(session.claims.role));
    return;
  }
  // Every page names units from the tree, read once per page load before the first page that needs it.
  if (session !== null) await loadUnits();
  renderChrome(session, path);
  const mine = ++navigation;
  const view = h('div', { class: 'page' });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  const found = ROUTES.map((r) => ({ r, match: r.pattern.exec(path) })).find(({ match }) => match !== null);
  document.title = `${found?.r.title ?? '未找到 Not found'} · 信访案件工作台`;
  try {
    if (found === undefined) view.append(h('h1', null, '未找到此页 Page not found'), h('p', null, h('a', { href: HOME }, '返回首页')));
    else await found.r.render(view, { params, session, match: found.match });
  } catch (err) {
    if (mine === navigation) view.append(errorAlert(err));
  } finally {
    if (mine === navigation) {
      main.removeAttribute('aria-busy');
      // Screen readers and keyboards start at the new page's heading, as after a page load.
      (view.querySelector('h1') ?? main).focus({ preventScroll: true });
    }
  }
}

window.addEventListener('hashchange', () => void route());
// The words of the current lifecycle come from the server (GET /vocabulary) before the first page is drawn.
void loadVocabulary().then(route);
