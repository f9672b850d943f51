/**
 * The console's pages and who is offered them in the navigation. The roles
 * follow the API's own checks (POST /petitions, GET /supervision, GET
 * /incidents, GET /audit/verify) only so nobody is shown a link that can only
 * end in 403; the API still decides, and a refusal is shown as it says.
 */
/** The roles that work on cases; an administrator sees none (the API refuses every case route to them). */
const CASE_ROLES = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor'];

/** Each page's address, the catalogue key of its name in the navigation, and the roles offered it (null: all). */
export const PAGES = [
  { hash: '#/dashboard', label: 'nav.dashboard', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/todo', label: 'nav.todo', roles: ['clerk', 'handler', 'mediator', 'supervisor', 'leader'] },
  { hash: '#/cases', label: 'nav.cases', roles: CASE_ROLES },
  { hash: '#/register', label: 'nav.register', roles: ['clerk', 'supervisor'] },
  { hash: '#/people', label: 'nav.people', roles: CASE_ROLES },
  { hash: '#/supervision', label: 'nav.supervision', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/incidents', label: 'nav.incidents', roles: ['supervisor', 'auditor'] },
  { hash: '#/audit', label: 'nav.audit', roles: ['auditor', 'supervisor'] },
  { hash: '#/reports/weekly', label: 'nav.weekly', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/reports/annual', label: 'nav.annual', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/users', label: 'nav.users', roles: ['admin'] },
  { hash: '#/account', label: 'nav.account', roles: null },
];

/** Roles whose day starts from the cases waiting on them (我的待办): those who register, handle and mediate. */
const TODO_HOME_ROLES = ['clerk', 'handler', 'mediator'];

/**
 * The page a user lands on after signing in: 我的待办 for clerks, handlers and mediators; the dashboard for
 * those who lead and supervise (GET /stats); else the first page offered to their role (the cases for an
 * auditor; the user list for an administrator).
 */
export function homeFor(role) {
  if (TODO_HOME_ROLES.includes(role)) return '#/todo';
  if (['supervisor', 'leader'].includes(role)) return '#/dashboard';
  return pagesFor(role).find((page) => page.hash !== '#/dashboard' && page.hash !== '#/todo')?.hash ?? '#/account';
}

/** The pages offered to `role`. */
export function pagesFor(role) {
  return PAGES.filter((page) => page.roles === null || page.roles.includes(role));
}

/** Whether `role` is offered the page at `hash`. */
export function offers(role, hash) {
  return pagesFor(role).some((page) => page.hash === hash);
}

/** Roles the API lets retry an incident (`POST /incidents/:id/retry`). */
export const INCIDENT_RETRY_ROLES = ['supervisor'];
