/**
 * 我的账号: who the user is, and where they are signed in (GET /sessions),
 * with a button to end a session left open on another computer
 * (DELETE /sessions/:id). Signed in with a token, there are no sessions.
 */
import { api } from '../api-client.js';
import { definitions, h, heading, section, table } from '../dom.js';
import { submitting } from '../form-submit.js';
import { time } from '../format.js';
import { ROLES } from '../labels.js';

function sessionRow(s, view, session) {
  const errors = h('div', { 'aria-live': 'polite' });
  const end = h('button', { type: 'button' }, '结束此会话');
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
    h('td', null, s.userAgent ?? '—'),
    h('td', null, s.current ? '当前会话' : [end, errors]),
  );
}

export async function renderAccount(view, { session }) {
  const { profile, claims } = session;
  const { items } = await api('/sessions');
  view.append(
    heading('我的账号', 'Account'),
    definitions([
      ['姓名', profile.displayName ?? claims.sub],
      ['用户名', claims.sub],
      ['角色', ROLES[claims.role] ?? claims.role],
      ['单位', profile.unitName ?? claims.unit],
    ]),
    section(
      '登录会话',
      'Sessions',
      items.length === 0
        ? h('p', { class: 'empty' }, session.token === null ? '没有其他会话。' : '您以访问令牌登录，没有会话。')
        : table(
            '登录会话',
            ['登录时间', '最近活动', '地址', '浏览器', '操作'],
            items.map((s) => sessionRow(s, view, session)),
          ),
    ),
  );
}
