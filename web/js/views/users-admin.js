/**
 * User administration (系统管理员): the accounts of the administrator's units
 * (GET /users), creating one (POST /users), and per account disabling,
 * enabling and resetting the password (PATCH /users/:id). The API decides
 * who may and in which units; this page only asks.
 */
import { unitLabel, unitSelect } from '../unit-directory.js';
import { api } from '../api-client.js';
import { h, heading, labelledField, section, table } from '../dom.js';
import { submitting } from '../form-submit.js';
import { time } from '../format.js';
import { ACCOUNT_STATES, ROLES } from '../labels.js';

/** The roles an account may hold, in the order offered. */
const ACCOUNT_ROLES = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor', 'admin'];

function stateOf(user) {
  if (user.disabled) return ACCOUNT_STATES.disabled;
  if (user.lockedUntil) return `${ACCOUNT_STATES.locked}（至 ${time(user.lockedUntil)}）`;
  return ACCOUNT_STATES.enabled;
}

/** Re-renders the page after a change (the list is the API's answer, never patched locally), saying what was done. */
function reload(view, session, notice) {
  view.replaceChildren();
  return renderUsers(view, { session, notice });
}

function passwordReset(user, errors, onDone) {
  const input = h('input', { id: `reset-${user.id}`, type: 'password', autocomplete: 'new-password', minlength: 10, required: true });
  const submit = h('button', { type: 'submit' }, '确认重置');
  const form = h('form', {
    class: 'inline-form password-reset',
    hidden: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const err = await submitting({ button: submit, errors }, () =>
        api(`/users/${user.id}`, { method: 'PATCH', body: { password: input.value } }),
      );
      if (err === undefined) await onDone(`已重置${user.displayName}的密码，其已登录的会话均已结束。`);
    },
  });
  form.append(labelledField('新密码（至少10位）', input), submit);
  return form;
}

function userRow(user, view, session) {
  const errors = h('div', { 'aria-live': 'polite' });
  const toggle = h('button', { type: 'button', class: 'toggle-disabled' }, user.disabled ? '启用' : '停用');
  toggle.addEventListener('click', async () => {
    const err = await submitting({ button: toggle, errors }, () =>
      api(`/users/${user.id}`, { method: 'PATCH', body: { disabled: !user.disabled } }),
    );
    if (err === undefined) await reload(view, session, `已${user.disabled ? '启用' : '停用'}${user.displayName}的账号。`);
  });
  const reset = passwordReset(user, errors, (notice) => reload(view, session, notice));
  const showReset = h('button', { type: 'button', onclick: () => (reset.hidden = !reset.hidden) }, '重置密码');
  return h(
    'tr',
    { 'data-user': user.id },
    h('td', null, user.displayName),
    h('td', null, user.id),
    h('td', null, ROLES[user.role] ?? user.role),
    h('td', null, unitLabel(user.unit)),
    h('td', { class: 'account-state' }, stateOf(user)),
    h('td', null, toggle, ' ', showReset, reset, errors),
  );
}

function addUserForm(view, session) {
  const input = (id, attrs = {}) => h('input', { id: `new-user-${id}`, name: id, required: true, ...attrs });
  const fields = {
    id: input('id', { autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', pattern: '[a-z0-9][a-z0-9._@\\-]{1,63}' }),
    displayName: input('displayName'),
    role: h(
      'select',
      { id: 'new-user-role', name: 'role' },
      ACCOUNT_ROLES.map((r) => h('option', { value: r }, ROLES[r])),
    ),
    unit: unitSelect({ id: 'new-user-unit', name: 'unit', scope: session.claims.unit, value: session.claims.unit }),
    password: input('password', { type: 'password', autocomplete: 'new-password', minlength: 10 }),
  };
  const errors = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, '开设账号');
  const onsubmit = async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, el.value.trim()]));
    body.password = fields.password.value;
    const err = await submitting({ button: submit, errors }, () => api('/users', { method: 'POST', body }));
    if (err === undefined) await reload(view, session, `已开设${body.displayName}的账号。`);
  };
  return h(
    'form',
    { class: 'add-user', onsubmit },
    labelledField('用户名（登录用，小写字母、数字）', fields.id),
    labelledField('姓名', fields.displayName),
    labelledField('角色', fields.role),
    labelledField('单位', fields.unit),
    labelledField('初始密码（至少10位）', fields.password),
    errors,
    submit,
  );
}

export async function renderUsers(view, { session, notice = null }) {
  const { items } = await api('/users');
  view.append(
    heading('用户管理', 'Users'),
    // DOM append (unlike h) would print a null: the notice is left out when there is none.
    ...(notice ? [h('p', { role: 'status', class: 'notice' }, notice)] : []),
    h('p', null, '本单位及下级单位的账号。停用的账号立即不能登录，已登录的会话随即失效；重置密码同样使其已登录的会话失效。'),
    table(
      '账号',
      ['姓名', '用户名', '角色', '单位', '状态', '操作'],
      items.map((u) => userRow(u, view, session)),
    ),
    section('开设账号', 'New account', addUserForm(view, session)),
  );
}
