/* global location */
/**
 * Sign-in: a name and password (the API sets an HttpOnly session cookie), or,
 * folded away for scripts and administrators, an API token an office issued.
 * A token is tried against the API before the console trusts it, so a wrong
 * or revoked one is refused here rather than on the first page.
 */
import { ApiError, signInWithPassword, signInWithToken } from '../api-client.js';
import { h, heading, labelledField } from '../dom.js';
import { errorAlert } from '../error-view.js';
import { homeFor } from '../pages.js';
import { SIGN_IN_REFUSALS } from '../labels.js';
import { time } from '../format.js';
import { isExpired, readClaims, takeEndReason } from '../session.js';

/** A refused sign-in in a clerk's words: which refusal, and until when a lock runs. */
function refusal(err) {
  if (err instanceof ApiError && err.status === 401 && err.details?.reason in SIGN_IN_REFUSALS) {
    const until = err.details.lockedUntil;
    return h(
      'p',
      { role: 'alert', class: 'error', 'data-error-code': `SIGN_IN_${err.details.reason.toUpperCase()}` },
      SIGN_IN_REFUSALS[err.details.reason],
      until ? `请于 ${time(until)} 后再试。` : '',
    );
  }
  if (err instanceof ApiError && err.status === 429)
    return h('p', { role: 'alert', class: 'error', 'data-error-code': 'RATE_LIMITED' }, SIGN_IN_REFUSALS.rateLimited);
  return errorAlert(err);
}

/** Runs a sign-in attempt with the button disabled; a refusal is shown in `messages`. */
async function attempt(button, messages, work) {
  button.disabled = true;
  messages.replaceChildren();
  try {
    const user = await work();
    location.hash = homeFor(user.role);
  } catch (err) {
    messages.replaceChildren(refusal(err));
  } finally {
    button.disabled = false;
  }
}

function passwordForm(messages) {
  const name = h('input', {
    id: 'sign-in-name',
    name: 'name',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
    spellcheck: 'false',
  });
  const password = h('input', {
    id: 'sign-in-password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const submit = h('button', { type: 'submit' }, '登录');
  const onsubmit = (event) => {
    event.preventDefault();
    void attempt(submit, messages, () => signInWithPassword(name.value.trim().toLowerCase(), password.value));
  };
  return h('form', { class: 'sign-in', onsubmit }, labelledField('用户名', name), labelledField('密码', password), messages, submit);
}

function tokenForm() {
  const messages = h('div', { 'aria-live': 'polite' });
  const tokenInput = h('textarea', {
    id: 'token',
    name: 'token',
    rows: 5,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'token-hint',
  });
  const submit = h('button', { type: 'submit' }, '用令牌登录');
  const onsubmit = (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    const claims = readClaims(token);
    if (claims === null || isExpired(claims)) {
      messages.replaceChildren(h('p', { role: 'alert', class: 'error' }, claims === null ? '这不是有效的令牌。' : '令牌已过期。'));
      return;
    }
    void attempt(submit, messages, () => signInWithToken(token));
  };
  return h(
    'details',
    { class: 'token-sign-in' },
    h('summary', null, '使用访问令牌登录（供接口调用和系统维护）'),
    h(
      'form',
      { class: 'sign-in', onsubmit },
      h('label', { for: 'token' }, '访问令牌'),
      tokenInput,
      h('p', { id: 'token-hint', class: 'hint' }, '由本单位系统管理员在服务器上签发。令牌只保存在本标签页，关闭即失效。'),
      messages,
      submit,
    ),
  );
}

export function renderSignIn(view) {
  const reason = takeEndReason();
  const messages = h('div', { 'aria-live': 'polite' }, reason && h('p', { role: 'status', class: 'notice' }, reason));
  view.append(
    heading('登录', 'Sign in'),
    passwordForm(messages),
    h('p', { class: 'hint' }, '账号由本单位系统管理员开设；忘记密码请联系系统管理员重置。'),
    tokenForm(),
  );
}
