/* global URLSearchParams, window, queueMicrotask */
/**
 * The director's dashboard (领导驾驶舱), the first page of supervisors and
 * leaders: the six rates of the period with their trend over the last months
 * (GET /stats), matters per week, the ranking of units, the 零访 and 四无
 * townships (GET /stats/zero-units), and the overdue and at-risk counts of
 * the supervision board (GET /supervision), linking to those cases. Charts are
 * Apache ECharts, served by the application itself (no CDN).
 */
import { api } from '../api-client.js';
import { h, heading, labelledField, section, table } from '../dom.js';
import { t, tParts } from '../i18n/i18n.js';
import { unitSelect } from '../unit-directory.js';

/** The six rates, by the catalogue key of their names (`rate.<key>`). */
const RATES = ['timelyAcceptance', 'onTimeHandling', 'participation', 'satisfaction', 'resolution', 'repeat'];
const rateName = (key) => t(`rate.${key}`);
const MONTHS_OF_TREND = 6;
const WEEKS_OF_CHART = 12;
const DAY = 86_400_000;

/** A Beijing date `YYYY-MM-DD` of an instant. */
function beijingDate(t) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(t);
}

/** The first and last Beijing dates of the month `offset` months before the one of `today` (`YYYY-MM-DD`). */
function monthOf(today, offset) {
  const [y, m] = today.split('-').map(Number);
  const first = new Date(Date.UTC(y, m - 1 - offset, 1));
  const last = new Date(Date.UTC(y, m - offset, 0));
  return { from: first.toISOString().slice(0, 10), to: last.toISOString().slice(0, 10) };
}

/** The Monday-to-Sunday weeks (Beijing dates) of the last `n` weeks, the current one last. */
function lastWeeks(today, n) {
  const t = Date.parse(`${today}T00:00:00Z`);
  const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * DAY;
  return Array.from({ length: n }, (_, i) => {
    const from = monday - (n - 1 - i) * 7 * DAY;
    return { from: new Date(from).toISOString().slice(0, 10), to: new Date(from + 6 * DAY).toISOString().slice(0, 10) };
  });
}

function pctText(rate) {
  return rate.pct === null ? '—' : `${rate.pct.toFixed(1)}%`;
}

/** ↑ / ↓ / → and the change in points from the previous period; nothing when either has no value. */
function trendOf(now, before) {
  if (now.pct === null || before.pct === null) return h('span', { class: 'trend' }, t('dashboard.noPrevious'));
  const d = Math.round((now.pct - before.pct) * 10) / 10;
  const arrow = d > 0 ? '↑' : d < 0 ? '↓' : '→';
  return h('span', { class: 'trend', 'data-trend': String(d) }, t('dashboard.trend', { arrow, d: `${d > 0 ? '+' : ''}${d.toFixed(1)}` }));
}

async function loadCharts() {
  try {
    return await import('../../vendor/echarts/echarts.esm.min.mjs');
  } catch {
    return null; // The figures and tables below the charts say everything the charts show.
  }
}

function chart(echarts, title, option) {
  const box = h('div', { class: 'chart', role: 'img', 'aria-label': title });
  box.style.width = '100%';
  box.style.height = '280px';
  if (echarts !== null) queueMicrotask(() => echarts.init(box, null, { renderer: 'canvas' }).setOption({ animation: false, ...option }));
  return box;
}

function rateCards(stats, previous) {
  return h(
    'ul',
    { class: 'rate-cards' },
    RATES.map((key) =>
      h(
        'li',
        { 'data-rate': key },
        h('span', { class: 'rate-label' }, rateName(key)),
        h('strong', { class: 'rate-value' }, pctText(stats.rates[key])),
        h('span', { class: 'rate-parts' }, `${stats.rates[key].num}/${stats.rates[key].den}`),
        trendOf(stats.rates[key], previous.rates[key]),
      ),
    ),
  );
}

function rankingTable(stats) {
  return table(
    t('dashboard.rankingCaption', { unit: stats.unit.name }),
    [t('field.unit'), t('dashboard.matters'), t('dashboard.people'), ...RATES.map(rateName)],
    stats.units.map((u) =>
      h(
        'tr',
        { 'data-unit': u.code },
        h('th', { scope: 'row' }, u.name),
        h('td', null, String(u.counts.matters)),
        h('td', null, String(u.counts.people)),
        RATES.map((key) => h('td', null, pctText(u.rates[key]))),
      ),
    ),
  );
}

function zeroList(zero) {
  const towns = zero.units.filter((u) => u.level === 'township');
  const zeroVisit = zero.units.filter((u) => u.zeroVisit);
  return [
    h(
      'p',
      { 'data-testid': 'zero-summary' },
      t('dashboard.zeroSummary', { zero: zeroVisit.length, fourNone: towns.filter((u) => u.fourNone).length, towns: towns.length }),
    ),
    table(
      t('dashboard.zeroCaption'),
      [t('field.unit'), t('dashboard.level'), t('dashboard.matters'), t('dashboard.zeroVisit'), t('dashboard.fourNone')],
      zero.units.map((u) =>
        h(
          'tr',
          { 'data-place': u.code },
          h('th', { scope: 'row' }, u.name),
          h('td', null, t(u.level === 'township' ? 'dashboard.township' : 'dashboard.village')),
          h('td', null, String(u.matters)),
          h('td', null, u.zeroVisit ? t('format.yes') : ''),
          h('td', null, u.fourNone === null ? '' : u.fourNone ? t('format.yes') : ''),
        ),
      ),
    ),
  ];
}

function boardCounts(board) {
  const overdue = board.units.reduce((n, u) => n + u.overdue, 0);
  const atRisk = board.units.reduce((n, u) => n + u.atRisk, 0);
  return h(
    'ul',
    { class: 'rate-cards' },
    h(
      'li',
      { 'data-count': 'overdue' },
      h('span', { class: 'rate-label' }, t('dashboard.overdue')),
      h(
        'a',
        { href: `#/cases?overdue=true&unit=${encodeURIComponent(board.unit)}` },
        h('strong', { class: 'rate-value' }, String(overdue)),
      ),
    ),
    h(
      'li',
      { 'data-count': 'atRisk' },
      h('span', { class: 'rate-label' }, t('dashboard.atRisk')),
      h('a', { href: `#/supervision?unit=${encodeURIComponent(board.unit)}` }, h('strong', { class: 'rate-value' }, String(atRisk))),
    ),
  );
}

export async function renderDashboard(view, { params, session }) {
  const today = beijingDate(Date.now());
  const unit = params.get('unit') ?? session.claims.unit;
  const current = { from: params.get('from') ?? monthOf(today, 0).from, to: params.get('to') ?? today };
  const months = Array.from({ length: MONTHS_OF_TREND }, (_, i) => monthOf(today, MONTHS_OF_TREND - 1 - i));
  const weeks = lastWeeks(today, WEEKS_OF_CHART);
  const stats = (p) => api('/stats', { query: { unit, from: p.from, to: p.to } });
  const [now, previous, trend, perWeek, zero, board, echarts] = await Promise.all([
    stats(current),
    stats(monthOf(current.from, 1)),
    Promise.all(months.map(stats)),
    Promise.all(weeks.map(stats)),
    api('/stats/zero-units', { query: { unit, from: current.from, to: current.to } }),
    api('/supervision', { query: { unit } }),
    loadCharts(),
  ]);
  const unitInput = unitSelect({ id: 'dash-unit', name: 'unit', scope: session.claims.unit, value: now.unit.code });
  const fromInput = h('input', { id: 'dash-from', name: 'from', type: 'date', value: now.period.from });
  const toInput = h('input', { id: 'dash-to', name: 'to', type: 'date', value: now.period.to });
  const choose = (event) => {
    event.preventDefault();
    const q = new URLSearchParams({ unit: unitInput.value.trim(), from: fromInput.value, to: toInput.value });
    window.location.hash = `#/dashboard?${q}`;
  };
  view.append(
    heading(t('dashboard.heading')),
    h(
      'form',
      { class: 'filters', onsubmit: choose },
      labelledField(t('common.unitAndBelow'), unitInput),
      labelledField(t('dashboard.from'), fromInput),
      labelledField(t('dashboard.to'), toInput),
      h('button', { type: 'submit' }, t('common.show')),
    ),
    h(
      'p',
      { 'data-testid': 'dashboard-summary' },
      ...tParts('dashboard.summary', {
        unit: now.unit.name,
        from: now.period.from,
        to: now.period.to,
        matters: h('strong', { 'data-testid': 'dashboard-matters' }, String(now.counts.matters)),
        people: now.counts.people,
      }),
    ),
    section(t('dashboard.rates'), rateCards(now, previous)),
    section(t('dashboard.overdueAndAtRisk'), boardCounts(board)),
    section(
      t('dashboard.ratesByMonth'),
      chart(echarts, t('dashboard.ratesChart'), {
        legend: {},
        xAxis: { type: 'category', data: months.map((m) => m.from.slice(0, 7)) },
        yAxis: { type: 'value', min: 0, max: 100 },
        series: RATES.map((key) => ({ name: rateName(key), type: 'line', data: trend.map((s) => s.rates[key].pct) })),
      }),
    ),
    section(
      t('dashboard.perWeek'),
      chart(echarts, t('dashboard.perWeekChart'), {
        xAxis: { type: 'category', data: weeks.map((w) => w.from.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ name: t('dashboard.matters'), type: 'bar', data: perWeek.map((s) => s.counts.matters) }],
      }),
      h('p', { class: 'visually-hidden', 'data-testid': 'weekly-matters' }, perWeek.map((s) => s.counts.matters).join(',')),
    ),
    section(
      t('dashboard.units'),
      now.units.length > 0 &&
        chart(echarts, t('dashboard.unitsChart'), {
          xAxis: { type: 'category', data: now.units.map((u) => u.name) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ name: t('dashboard.matters'), type: 'bar', data: now.units.map((u) => u.counts.matters) }],
        }),
      now.units.length === 0 ? h('p', { class: 'empty' }, t('dashboard.noUnits')) : rankingTable(now),
    ),
    section(t('dashboard.zeroTitle'), zeroList(zero)),
    h(
      'p',
      null,
      h('a', { href: `#/reports/weekly?unit=${encodeURIComponent(now.unit.code)}` }, t('nav.weekly')),
      ' · ',
      h('a', { href: `#/reports/annual?unit=${encodeURIComponent(now.unit.code)}` }, t('nav.annual')),
    ),
  );
}
