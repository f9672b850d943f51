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
import { t, tParts } from '../i18n/i18n.js';
import { ACCOUNT_STATES, ROLES } from '../labels.js';

/** The roles an account may hold, in the order offered. */
const ACCOUNT_ROLES = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor', 'admin'];

function stateOf(user) {
  if (user.disabled) return ACCOUNT_STATES.disabled;
  if (user.lockedUntil) return [ACCOUNT_STATES.locked, ...tParts('users.lockedUntil', { at: time(user.lockedUntil) })];
  return ACCOUNT_STATES.enabled;
}

/** Re-renders the page after a change (the list is the API's answer, never patched locally), saying what was done. */
function reload(view, session, notice) {
  view.replaceChildren();
  return renderUsers(view, { session, notice });
}

function passwordReset(user, errors, onDone) {
  const input = h('input', { id: `reset-${user.id}`, type: 'password', autocomplete: 'new-password', minlength: 10, required: true });
  const submit = h('button', { type: 'submit' }, t('users.confirmReset'));
  const form = h('form', {
    class: 'inline-form password-reset',
    hidden: true,
    onsubmit: async (event) => {
      event.preventDefault();
      const err = await submitting({ button: submit, errors }, () =>
        api(`/users/${user.id}`, { method: 'PATCH', body: { password: input.value } }),
      );
      if (err === undefined) await onDone(t('users.resetDone', { name: user.displayName }));
    },
  });
  form.append(labelledField(t('users.newPassword'), input), submit);
  return form;
}

function userRow(user, view, session) {
  const errors = h('div', { 'aria-live': 'polite' });
  const toggle = h('button', { type: 'button', class: 'toggle-disabled' }, user.disabled ? t('users.enable') : t('users.disable'));
  toggle.addEventListener('click', async () => {
    const err = await submitting({ button: toggle, errors }, () =>
      api(`/users/${user.id}`, { method: 'PATCH', body: { disabled: !user.disabled } }),
    );
    if (err === undefined) await reload(view, session, t(user.disabled ? 'users.enabled' : 'users.disabled', { name: user.displayName }));
  });
  const reset = passwordReset(user, errors, (notice) => reload(view, session, notice));
  const showReset = h('button', { type: 'button', onclick: () => (reset.hidden = !reset.hidden) }, t('users.resetPassword'));
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
  const submit = h('button', { type: 'submit' }, t('users.add'));
  const onsubmit = async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(Object.entries(fields).map(([k, el]) => [k, el.value.trim()]));
    body.password = fields.password.value;
    const err = await submitting({ button: submit, errors }, () => api('/users', { method: 'POST', body }));
    if (err === undefined) await reload(view, session, t('users.added', { name: body.displayName }));
  };
  return h(
    'form',
    { class: 'add-user', onsubmit },
    labelledField(t('users.idLabel'), fields.id),
    labelledField(t('account.name'), fields.displayName),
    labelledField(t('account.role'), fields.role),
    labelledField(t('field.unit'), fields.unit),
    labelledField(t('users.initialPassword'), fields.password),
    errors,
    submit,
  );
}

export async function renderUsers(view, { session, notice = null }) {
  const { items } = await api('/users');
  view.append(
    heading(t('nav.users')),
    // DOM append (unlike h) would print a null: the notice is left out when there is none.
    ...(notice ? [h('p', { role: 'status', class: 'notice' }, notice)] : []),
    h('p', null, t('users.intro')),
    table(
      t('users.caption'),
      [t('account.name'), t('account.userName'), t('account.role'), t('account.unit'), t('field.status'), t('account.col.action')],
      items.map((u) => userRow(u, view, session)),
    ),
    section(t('users.add'), addUserForm(view, session)),
  );
}
