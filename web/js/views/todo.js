/**
 * 我的待办: the cases waiting on the signed-in user (GET /me/todo), most
 * urgent first, with the count of each kind of work. Which cases wait on whom
 * is the API's answer, read from the machines' permission tables.
 */
import { api } from '../api-client.js';
import { h, heading, table } from '../dom.js';
import { deadlineBadge } from '../deadline-terms.js';
import { CLOCKS, STATES } from '../labels.js';
import { unitLabel } from '../unit-directory.js';

/** On a card (below 600 px) the state and the deadline come first: the columns' indexes. */
const CARD_LEAD = [4, 5];

export async function renderTodo(view) {
  const list = await api('/me/todo');
  const kinds = Object.keys(list.counts).filter((k) => list.counts[k] > 0);
  view.append(
    heading('我的待办', 'To-do'),
    h('p', { 'data-testid': 'todo-total' }, `共 ${list.total} 件待办`, list.truncated ? '（待办案件过多，仅列出期限最近的部分）' : ''),
    kinds.length > 0 &&
      h(
        'ul',
        { class: 'todo-counts' },
        kinds.map((k) => h('li', { 'data-kind': k }, list.labels[k] ?? k, ' ', h('strong', null, String(list.counts[k])), ' 件')),
      ),
    list.items.length === 0
      ? h('p', { class: 'empty' }, '暂无待办。')
      : table(
          '待办案件（最紧急的在前）',
          ['待办', '事项', '信访人', '承办单位', '状态', '期限'],
          list.items.map((item) => todoRow(item, list.labels)),
          { lead: CARD_LEAD },
        ),
  );
}

function todoRow(item, labels) {
  const d = item.deadline;
  return h(
    'tr',
    {
      'data-case-id': item.id,
      'data-level': d?.level ?? '',
      class: d?.level === 'red' || d?.level === 'yellow' ? `at-risk-${d.level}` : null,
    },
    h('td', null, item.kinds.map((k) => labels[k] ?? k).join('、')),
    h('td', null, h('a', { href: `#/cases/${item.id}` }, item.summary), item.number === null ? '' : ` ${item.number}`),
    h('td', null, item.petitioner),
    h('td', null, unitLabel(item.unit.unit, item.unit.name ?? undefined)),
    h('td', null, STATES[item.state] ?? item.state),
    h('td', null, d === null ? '—' : [CLOCKS[d.clock] ?? d.clock, ' ', deadlineBadge(d)]),
  );
}

/** Puts the number of cases waiting on the user beside 我的待办 in the navigation (none shown when it is 0 or unknown). */
export async function showTodoCount(nav) {
  const link = nav.querySelector('a[href="#/todo"]');
  if (link === null) return;
  try {
    const { total } = await api('/me/todo');
    link.querySelector('.todo-count')?.remove();
    if (total > 0) link.append(h('span', { class: 'todo-count', 'data-testid': 'todo-count', title: `${total} 件待办` }, String(total)));
  } catch {
    // The count is a convenience: the page itself reports what went wrong.
  }
}
