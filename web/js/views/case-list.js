/* global location, URLSearchParams */
/**
 * The cases of the user's units, newest first (GET /petitions). Filters and
 * the page cursor live in the address, so a filtered list can be bookmarked
 * and the back button returns to the previous page.
 */
import { api } from '../api-client.js';
import { queryValues } from '../api-schemas.js';
import { h, heading, labelledField, table } from '../dom.js';
import { deadlineSummary } from '../deadline-view.js';
import { worstLevel } from '../deadline-terms.js';
import { time, shortId } from '../format.js';
import { t } from '../i18n/i18n.js';
import { CHANNELS, labelled, nameOf, stateLabel, STATES } from '../labels.js';
import { unitLabel, unitSelect } from '../unit-directory.js';
import { exportButtons } from './export-buttons.js';

const PAGE_SIZES = ['20', '50', '100'];
/** On a card (below 600 px) the state and the deadlines come first: the columns' indexes. */
const CARD_LEAD = [4, 5];

export async function renderCaseList(view, { params, session }) {
  const filters = {
    state: params.get('state') ?? '',
    unit: params.get('unit') ?? '',
    overdue: params.get('overdue') === 'true' ? 'true' : '',
    sort: params.get('sort') === 'urgency' ? 'urgency' : '',
    limit: PAGE_SIZES.includes(params.get('limit')) ? params.get('limit') : PAGE_SIZES[0],
  };
  const cursor = params.get('cursor') ?? undefined;
  const [states, page] = await Promise.all([queryValues('/petitions', 'state'), api('/petitions', { query: { ...filters, cursor } })]);

  view.append(
    heading(t('nav.cases')),
    filterForm(filters, states, session.claims.unit),
    // The files hold every case the filters match, in the list's order (the API ignores limit and cursor for them).
    exportButtons(
      '/petitions',
      { state: filters.state, unit: filters.unit, overdue: filters.overdue, sort: filters.sort },
      t('list.exportName'),
    ),
    page.items.length === 0
      ? h('p', { class: 'empty' }, t('list.none'))
      : table(
          filters.sort === 'urgency'
            ? t('list.captionUrgency', { n: page.items.length })
            : t(cursor === undefined ? 'list.captionNewest' : 'list.captionOlder', { n: page.items.length }),
          [t('case.recorded'), t('list.col.matter'), t('field.unit'), t('field.channel'), t('field.status'), t('field.clock')],
          page.items.map(caseRow),
          { lead: CARD_LEAD },
        ),
    h(
      'p',
      { class: 'pager' },
      cursor !== undefined && h('a', { href: listHash(filters) }, t('pager.newest')),
      cursor !== undefined && page.nextCursor !== null && ' · ',
      page.nextCursor !== null && h('a', { href: listHash(filters, page.nextCursor) }, t('pager.older')),
    ),
  );
}

/** Red: overdue or under a fifth of the period left; yellow: under half (the policy's thresholds, computed by the API). */
const RISK_MARKS = { red: 'list.risk.red', yellow: 'list.risk.yellow' };

function caseRow(p) {
  const level = worstLevel(p.deadlines);
  const risk = RISK_MARKS[level];
  return h(
    'tr',
    { 'data-case-id': p.id, 'data-level': level ?? '', class: risk === undefined ? null : `at-risk-${level}` },
    h('td', null, time(p.createdAt)),
    h(
      'td',
      null,
      h('a', { href: `#/cases/${p.id}` }, p.matter.summary),
      ' ',
      h('code', { class: 'id', title: p.id }, p.number ?? shortId(p.id)),
    ),
    h('td', null, unitLabel(p.unit)),
    h('td', null, labelled(CHANNELS, p.channel)),
    h(
      'td',
      { class: `state state-${p.state}` },
      stateLabel(p),
      risk !== undefined && h('span', { class: `risk-mark urgency urgency-${level}` }, t(risk)),
    ),
    h('td', null, deadlineSummary(p.deadlines)),
  );
}

function listHash(filters, cursor) {
  const query = new URLSearchParams(Object.entries({ ...filters, cursor }).filter(([, v]) => v !== undefined && v !== ''));
  const text = query.toString();
  return text === '' ? '#/cases' : `#/cases?${text}`;
}

function filterForm(filters, states, scope) {
  const state = h(
    'select',
    { id: 'filter-state', name: 'state' },
    h('option', { value: '' }, t('list.all')),
    states.map((s) => h('option', { value: s, title: s }, nameOf(STATES, s))),
  );
  state.value = filters.state;
  const unit = unitSelect({ id: 'filter-unit', name: 'unit', scope, value: filters.unit, allLabel: t('list.allUnits') });
  const overdue = h('input', { id: 'filter-overdue', name: 'overdue', type: 'checkbox', checked: filters.overdue === 'true' });
  const limit = h(
    'select',
    { id: 'filter-limit', name: 'limit' },
    PAGE_SIZES.map((n) => h('option', { value: n }, n)),
  );
  limit.value = filters.limit;
  const sort = h(
    'select',
    { id: 'filter-sort', name: 'sort' },
    h('option', { value: '' }, t('list.sort.recorded')),
    h('option', { value: 'urgency' }, t('list.sort.urgency')),
  );
  sort.value = filters.sort;
  const apply = (event) => {
    event.preventDefault();
    location.hash = listHash({
      state: state.value,
      unit: unit.value,
      overdue: overdue.checked ? 'true' : '',
      sort: sort.value,
      limit: limit.value,
    });
  };
  return h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('list.filter'), onsubmit: apply },
    labelledField(t('field.status'), state),
    labelledField(t('field.unit'), unit),
    h('div', { class: 'field checkbox' }, overdue, ' ', h('label', { for: 'filter-overdue' }, t('list.overdueOnly'))),
    labelledField(t('list.sort'), sort),
    labelledField(t('list.perPage'), limit),
    h('button', { type: 'submit' }, t('list.apply')),
  );
}
