/**
 * The console's pages and who is offered them in the navigation. The roles
 * follow the API's own checks (POST /petitions, GET /supervision, GET
 * /incidents, GET /audit/verify) only so nobody is shown a link that can only
 * end in 403; the API still decides, and a refusal is shown as it says.
 */
/** The roles that work on cases; an administrator sees none (the API refuses every case route to them). */
const CASE_ROLES = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor'];

export const PAGES = [
  { hash: '#/dashboard', label: '驾驶舱', code: 'Dashboard', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/todo', label: '我的待办', code: 'To-do', roles: ['clerk', 'handler', 'mediator', 'supervisor', 'leader'] },
  { hash: '#/cases', label: '案件', code: 'Cases', roles: CASE_ROLES },
  { hash: '#/register', label: '登记', code: 'Register', roles: ['clerk', 'supervisor'] },
  { hash: '#/people', label: '一人一档', code: 'People', roles: CASE_ROLES },
  { hash: '#/supervision', label: '督办看板', code: 'Supervision', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/incidents', label: '故障任务', code: 'Incidents', roles: ['supervisor', 'auditor'] },
  { hash: '#/audit', label: '审计', code: 'Audit', roles: ['auditor', 'supervisor'] },
  { hash: '#/reports/weekly', label: '周研判', code: 'Weekly', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/reports/annual', label: '年报', code: 'Annual', roles: ['supervisor', 'leader', 'auditor'] },
  { hash: '#/users', label: '用户管理', code: 'Users', roles: ['admin'] },
  { hash: '#/account', label: '我的账号', code: 'Account', roles: null },
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
