/* global window, document, location, URLSearchParams */
/**
 * The console's shell: who is signed in, the navigation, and a hash router
 * (`#/cases`, `#/cases/<id>`, …) so every page has an address the back
 * button and a bookmark keep, with nothing for the server to route.
 */
import { resumeSession, signOut } from './api-client.js';
import { h } from './dom.js';
import { errorAlert } from './error-view.js';
import { language, LANGUAGES, setLanguage, t } from './i18n/i18n.js';
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
  { pattern: /^#\/sign-in$/, render: renderSignIn, title: 'title.signIn', public: true },
  { pattern: /^#\/todo$/, render: renderTodo, title: 'nav.todo' },
  { pattern: /^#\/cases$/, render: renderCaseList, title: 'nav.cases' },
  { pattern: /^#\/cases\/([0-9a-fA-F-]{36})$/, render: renderCaseDetail, title: 'title.case' },
  { pattern: /^#\/register$/, render: renderRegister, title: 'nav.register' },
  { pattern: /^#\/people$/, render: renderPeopleSearch, title: 'nav.people' },
  { pattern: /^#\/supervision$/, render: renderSupervision, title: 'nav.supervision' },
  { pattern: /^#\/incidents$/, render: renderIncidents, title: 'nav.incidents' },
  { pattern: /^#\/audit$/, render: renderAudit, title: 'nav.audit' },
  { pattern: /^#\/dashboard$/, render: renderDashboard, title: 'nav.dashboard' },
  { pattern: /^#\/reports\/weekly$/, render: renderWeeklyReport, title: 'nav.weekly' },
  { pattern: /^#\/reports\/annual$/, render: renderAnnualReport, title: 'nav.annual' },
  { pattern: /^#\/users$/, render: renderUsers, title: 'nav.users' },
  { pattern: /^#\/account$/, render: renderAccount, title: 'nav.account' },
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
    who.replaceChildren(languageSwitch());
    return;
  }
  const { claims, profile } = session;
  nav.replaceChildren(
    h(
      'ul',
      null,
      pagesFor(claims.role).map((page) =>
        h('li', null, h('a', { href: page.hash, 'aria-current': path.startsWith(page.hash) ? 'page' : null }, t(page.label))),
      ),
    ),
  );
  // The count of cases waiting on the user, beside 我的待办 (fetched after the chrome is drawn).
  void showTodoCount(nav);
  who.replaceChildren(
    h(
      'p',
      { 'data-testid': 'who' },
      h('span', { class: 'user', title: t('shell.userName', { id: claims.sub }) }, profile.displayName ?? claims.sub),
      ' · ',
      h('span', { class: 'role' }, ROLES[claims.role] ?? claims.role),
      ' · ',
      // The unit's name (its code only in the tooltip).
      h('span', { class: 'unit' }, unitLabel(claims.unit, profile.unitName ?? undefined)),
    ),
    languageSwitch(),
    h('button', { type: 'button', class: 'sign-out', onclick: () => void signOutHere() }, t('shell.signOut')),
  );
}

/** The language switch of the header: choosing one keeps it for the next visit and redraws the page. */
function languageSwitch() {
  const select = h(
    'select',
    { id: 'language', class: 'language', 'aria-label': t('shell.language'), 'data-testid': 'language' },
    LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code }, l.name)),
  );
  select.value = language();
  select.addEventListener('change', () => {
    setLanguage(select.value);
    drawStatic();
    void route();
  });
  return select;
}

/** The words of the page's static frame (index.html), in the language in use. */
function drawStatic() {
  document.documentElement.lang = language();
  document.querySelector('.skip-link').textContent = t('shell.skip');
  document.querySelector('.brand strong').textContent = t('shell.brand');
  document.getElementById('nav').setAttribute('aria-label', t('shell.mainNav'));
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
  const view = h('div', { class: 'page', 'data-loading': t('shell.loading') });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  const found = ROUTES.map((r) => ({ r, match: r.pattern.exec(path) })).find(({ match }) => match !== null);
  document.title = `${t(found?.r.title ?? 'title.notFound')} · ${t('shell.brand')}`;
  try {
    if (found === undefined) view.append(h('h1', null, t('title.pageNotFound')), h('p', null, h('a', { href: HOME }, t('shell.home'))));
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
drawStatic();
void loadVocabulary().then(route);
