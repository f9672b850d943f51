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
import { CHANNELS, labelled, stateLabel, STATES } from '../labels.js';
import { unitLabel, unitSelect } from '../unit-directory.js';
import { exportButtons } from './export-buttons.js';

const PAGE_SIZES = ['20', '50', '100'];
/** The unit filter's first choice: every unit of the user's own. */
const ALL_UNITS = '全部（本单位及下级）';
/** The exported file's name (the format's extension added). */
const EXPORT_NAME = '案件列表';
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
    heading('案件', 'Cases'),
    filterForm(filters, states, session.claims.unit),
    // The files hold every case the filters match, in the list's order (the API ignores limit and cursor for them).
    exportButtons('/petitions', { state: filters.state, unit: filters.unit, overdue: filters.overdue, sort: filters.sort }, EXPORT_NAME),
    page.items.length === 0
      ? h('p', { class: 'empty' }, '没有符合条件的案件。No cases match.')
      : table(
          filters.sort === 'urgency'
            ? `${page.items.length} 件案件（按紧急程度，最紧急的在前）`
            : `${cursor === undefined ? '最新' : '较早'}的 ${page.items.length} 件案件（按登记时间从新到旧）`,
          ['登记时间 Recorded', '事项 Matter', '单位 Unit', '渠道 Channel', '状态 State', '期限 Deadlines'],
          page.items.map(caseRow),
          { lead: CARD_LEAD },
        ),
    h(
      'p',
      { class: 'pager' },
      cursor !== undefined && h('a', { href: listHash(filters) }, '« 最新 Newest'),
      cursor !== undefined && page.nextCursor !== null && ' · ',
      page.nextCursor !== null && h('a', { href: listHash(filters, page.nextCursor) }, '较早的案件 Older »'),
    ),
  );
}

/** Red: overdue or under a fifth of the period left; yellow: under half (the policy's thresholds, computed by the API). */
const RISK_MARKS = { red: '紧急', yellow: '临期' };

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
      risk !== undefined && h('span', { class: `risk-mark urgency urgency-${level}` }, risk),
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
    h('option', { value: '' }, '全部 All'),
    states.map((s) => h('option', { value: s }, `${STATES[s] ?? s}（${s}）`)),
  );
  state.value = filters.state;
  const unit = unitSelect({ id: 'filter-unit', name: 'unit', scope, value: filters.unit, allLabel: ALL_UNITS });
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
    h('option', { value: '' }, '登记时间（新到旧）'),
    h('option', { value: 'urgency' }, '紧急程度（最紧急在前）'),
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
    { class: 'filters', role: 'search', 'aria-label': '筛选案件 Filter cases', onsubmit: apply },
    labelledField('状态 State', state),
    labelledField('单位 Unit', unit),
    h('div', { class: 'field checkbox' }, overdue, ' ', h('label', { for: 'filter-overdue' }, '仅看超期 Overdue only')),
    labelledField('排序 Sort', sort),
    labelledField('每页 Per page', limit),
    h('button', { type: 'submit' }, '筛选 Filter'),
  );
}
