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
import { t, tParts } from '../i18n/i18n.js';
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
      until ? tParts('signIn.tryAfter', { at: time(until) }) : '',
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
  const submit = h('button', { type: 'submit' }, t('title.signIn'));
  const onsubmit = (event) => {
    event.preventDefault();
    void attempt(submit, messages, () => signInWithPassword(name.value.trim().toLowerCase(), password.value));
  };
  return h(
    'form',
    { class: 'sign-in', onsubmit },
    labelledField(t('account.userName'), name),
    labelledField(t('signIn.password'), password),
    messages,
    submit,
  );
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
  const submit = h('button', { type: 'submit' }, t('signIn.withToken'));
  const onsubmit = (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    const claims = readClaims(token);
    if (claims === null || isExpired(claims)) {
      messages.replaceChildren(
        h('p', { role: 'alert', class: 'error' }, claims === null ? t('signIn.notAToken') : t('signIn.tokenExpired')),
      );
      return;
    }
    void attempt(submit, messages, () => signInWithToken(token));
  };
  return h(
    'details',
    { class: 'token-sign-in' },
    h('summary', null, t('signIn.tokenFold')),
    h(
      'form',
      { class: 'sign-in', onsubmit },
      h('label', { for: 'token' }, t('signIn.token')),
      tokenInput,
      h('p', { id: 'token-hint', class: 'hint' }, t('signIn.tokenHint')),
      messages,
      submit,
    ),
  );
}

export function renderSignIn(view) {
  const reason = takeEndReason();
  const messages = h('div', { 'aria-live': 'polite' }, reason && h('p', { role: 'status', class: 'notice' }, reason));
  view.append(heading(t('title.signIn')), passwordForm(messages), h('p', { class: 'hint' }, t('signIn.accountsHint')), tokenForm());
}
