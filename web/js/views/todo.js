/**
 * 我的待办: the cases waiting on the signed-in user (GET /me/todo), most
 * urgent first, with the count of each kind of work. Which cases wait on whom
 * is the API's answer, read from the machines' permission tables.
 */
import { api } from '../api-client.js';
import { h, heading, table } from '../dom.js';
import { deadlineBadge } from '../deadline-terms.js';
import { t } from '../i18n/i18n.js';
import { CLOCKS, labelled, STATES } from '../labels.js';
import { unitLabel } from '../unit-directory.js';

/** On a card (below 600 px) the state and the deadline come first: the columns' indexes. */
const CARD_LEAD = [4, 5];

export async function renderTodo(view) {
  const list = await api('/me/todo');
  const kinds = Object.keys(list.counts).filter((k) => list.counts[k] > 0);
  view.append(
    heading(t('nav.todo')),
    h('p', { 'data-testid': 'todo-total' }, t('todo.total', { n: list.total }), list.truncated ? t('todo.truncated') : ''),
    // DOM append (unlike h) would print a false: the counts are left out when there are none.
    ...(kinds.length > 0
      ? [
          h(
            'ul',
            { class: 'todo-counts' },
            kinds.map((k) =>
              h('li', { 'data-kind': k }, kindName(k, list.labels), ' ', h('strong', null, String(list.counts[k])), t('todo.unit')),
            ),
          ),
        ]
      : []),
    list.items.length === 0
      ? h('p', { class: 'empty' }, t('todo.none'))
      : table(
          t('todo.caption'),
          [t('todo.col.kind'), t('list.col.matter'), t('field.petitioner'), t('field.assignee'), t('field.status'), t('field.clock')],
          list.items.map((item) => todoRow(item, list.labels)),
          { lead: CARD_LEAD },
        ),
  );
}

/** A kind of work (待转送交办, 待受理 …) as the API names it (in Chinese, whatever the console's language). */
function kindName(kind, labels) {
  return labels[kind] ?? kind;
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
    h('td', null, item.kinds.map((k) => kindName(k, labels)).join(t('issue.separator'))),
    h('td', null, h('a', { href: `#/cases/${item.id}` }, item.summary), item.number === null ? '' : ` ${item.number}`),
    h('td', null, item.petitioner),
    h('td', null, unitLabel(item.unit.unit, item.unit.name ?? undefined)),
    h('td', null, labelled(STATES, item.state)),
    h('td', null, d === null ? '—' : [labelled(CLOCKS, d.clock), ' ', deadlineBadge(d)]),
  );
}

/** Puts the number of cases waiting on the user beside 我的待办 in the navigation (none shown when it is 0 or unknown). */
export async function showTodoCount(nav) {
  const link = nav.querySelector('a[href="#/todo"]');
  if (link === null) return;
  try {
    const { total } = await api('/me/todo');
    link.querySelector('.todo-count')?.remove();
    if (total > 0)
      link.append(h('span', { class: 'todo-count', 'data-testid': 'todo-count', title: t('todo.total', { n: total }) }, String(total)));
  } catch {
    // The count is a convenience: the page itself reports what went wrong.
  }
}
