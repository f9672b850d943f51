/* global location */
/**
 * Sign-in: the user pastes the token their office issued. It is tried
 * against the API once before the console trusts it, so a wrong or revoked
 * token is refused here rather than on the first page.
 */
import { api } from '../api-client.js';
import { h, heading } from '../dom.js';
import { submitting } from '../form-submit.js';
import { currentSession, endSession, isExpired, readClaims, startSession, takeEndReason } from '../session.js';
import { homeFor } from '../pages.js';

export function renderSignIn(view) {
  const reason = takeEndReason();
  const tokenInput = h('textarea', {
    id: 'token',
    name: 'token',
    rows: 5,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'token-hint',
  });
  const messages = h('div', { 'aria-live': 'polite' }, reason && h('p', { role: 'status', class: 'notice' }, reason));
  const submit = h('button', { type: 'submit' }, '登录 Sign in');

  async function signIn(event) {
    event.preventDefault();
    const token = tokenInput.value.trim();
    const claims = readClaims(token);
    if (claims === null || isExpired(claims)) {
      messages.replaceChildren(
        h(
          'p',
          { role: 'alert', class: 'error' },
          claims === null ? '这不是有效的令牌。This is not a token.' : '令牌已过期。This token has expired.',
        ),
      );
      return;
    }
    await submitting({ button: submit, errors: messages }, async () => {
      startSession(token);
      try {
        await api('/petitions', { query: { limit: 1 } });
      } catch (err) {
        // Not trusted until the API has accepted it once; the API's own reason is shown, not the generic one.
        endSession();
        throw err;
      }
      location.hash = homeFor(currentSession()?.claims.role);
    });
  }

  view.append(
    heading('登录', 'Sign in'),
    h(
      'form',
      { class: 'sign-in', onsubmit: (event) => void signIn(event) },
      h('label', { for: 'token' }, '访问令牌 Token'),
      tokenInput,
      h(
        'p',
        { id: 'token-hint', class: 'hint' },
        '由本单位管理员签发，例如 ',
        h('code', null, 'npx petitionflow token --role clerk --unit 411621 --user clerk-1'),
        '。令牌只保存在本标签页，关闭即失效。Kept in this tab only.',
      ),
      messages,
      submit,
    ),
  );
}
