/**
 * 我的账号: who the user is, and where they are signed in (GET /sessions),
 * with a button to end a session left open on another computer
 * (DELETE /sessions/:id). Signed in with a token, there are no sessions.
 */
import { api } from '../api-client.js';
import { definitions, h, heading, section, table } from '../dom.js';
import { submitting } from '../form-submit.js';
import { time } from '../format.js';
import { t } from '../i18n/i18n.js';
import { ROLES } from '../labels.js';

/** The browser family of a user agent, in words (the whole string stays in the tooltip). */
const BROWSERS = [
  [/Edg\//, 'browser.edge'],
  [/Firefox\//, 'browser.firefox'],
  [/Chrom(e|ium)\//, 'browser.chrome'],
  [/Safari\//, 'browser.safari'],
];

function browserName(userAgent) {
  if (userAgent === null || userAgent === undefined) return '—';
  return t(BROWSERS.find(([pattern]) => pattern.test(userAgent))?.[1] ?? 'browser.other');
}

function sessionRow(s, view, session) {
  const errors = h('div', { 'aria-live': 'polite' });
  const end = h('button', { type: 'button' }, t('account.endSession'));
  end.addEventListener('click', async () => {
    const err = await submitting({ button: end, errors }, () => api(`/sessions/${s.id}`, { method: 'DELETE' }));
    if (err === undefined) {
      view.replaceChildren();
      await renderAccount(view, { session });
    }
  });
  return h(
    'tr',
    { 'data-session': s.id },
    h('td', null, time(s.createdAt)),
    h('td', null, time(s.lastSeenAt)),
    h('td', null, s.address ?? '—'),
    h('td', { title: s.userAgent ?? '' }, browserName(s.userAgent)),
    h('td', null, s.current ? t('account.currentSession') : [end, errors]),
  );
}

export async function renderAccount(view, { session }) {
  const { profile, claims } = session;
  const { items } = await api('/sessions');
  view.append(
    heading(t('nav.account')),
    definitions([
      // The sign-in name (pinyin or letters) is the user's own input, kept in the tooltip rather than read out.
      [t('account.name'), h('span', { title: t('shell.userName', { id: claims.sub }) }, profile.displayName ?? claims.sub)],
      [t('account.role'), ROLES[claims.role] ?? claims.role],
      [t('account.unit'), profile.unitName ?? claims.unit],
    ]),
    section(
      t('account.sessions'),
      items.length === 0
        ? h('p', { class: 'empty' }, session.token === null ? t('account.noSessions') : t('account.tokenNoSessions'))
        : table(
            t('account.sessions'),
            [
              t('account.col.signedIn'),
              t('account.col.lastSeen'),
              t('account.col.address'),
              t('account.col.browser'),
              t('account.col.action'),
            ],
            items.map((s) => sessionRow(s, view, session)),
          ),
    ),
  );
}
