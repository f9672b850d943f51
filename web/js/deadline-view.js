/**
 * Deadlines as the API reports them (`{clock, lastDay, remainingDays, level, …}`):
 * a one-cell summary for lists and the full table for a case page, each in a
 * clerk's terms (deadline-terms.js).
 */
import { h, table } from './dom.js';
import { describe, time } from './format.js';
import { t, tParts } from './i18n/i18n.js';
import { CLOCKS, DEADLINE_STATUSES, labelled } from './labels.js';
import { deadlineBadge } from './deadline-terms.js';

/** Clocks still running or already breached; met and cancelled ones no longer need anyone's attention. */
const LIVE = ['pending', 'paused', 'breached'];

/** The live deadlines of a case in one cell: clock, due time, and whether it is overdue. */
export function deadlineSummary(deadlines) {
  const live = deadlines.filter((d) => LIVE.includes(d.status));
  if (live.length === 0) return '—';
  return h(
    'ul',
    { class: 'plain' },
    live.map((d) => h('li', null, labelled(CLOCKS, d.clock), ' ', deadlineBadge(d), d.status === 'paused' && t('deadline.pausedMark'))),
  );
}

/** Every deadline of a case, with its reminders and status. */
export function deadlineTable(deadlines) {
  if (deadlines.length === 0) return h('p', { class: 'empty' }, t('deadline.none'));
  return table(
    t('deadline.caption'),
    [
      t('deadline.col.period'),
      t('deadline.col.started'),
      t('deadline.col.lastDay'),
      t('deadline.col.reminders'),
      t('deadline.col.status'),
      t('deadline.col.extendedBy'),
    ],
    deadlines.map((d) =>
      h(
        'tr',
        { 'data-clock': d.clock },
        h('td', null, labelled(CLOCKS, d.clock)),
        h('td', null, time(d.startedAt)),
        h('td', null, deadlineBadge(d), ' ', h('span', { class: 'due-at' }, tParts('deadline.dueAt', { at: time(d.dueAt) }))),
        h(
          'td',
          null,
          d.reminders.length === 0
            ? '—'
            : h(
                'ul',
                { class: 'plain' },
                d.reminders.map((at) => h('li', null, time(at))),
              ),
        ),
        h('td', { class: `deadline-${d.status}` }, labelled(DEADLINE_STATUSES, d.status)),
        h('td', null, d.extendedBy === null || d.extendedBy === undefined ? '—' : describe(d.extendedBy)),
      ),
    ),
  );
}
