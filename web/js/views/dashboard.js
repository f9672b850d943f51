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
import { unitSelect } from '../unit-directory.js';

const RATES = [
  ['timelyAcceptance', '及时受理率'],
  ['onTimeHandling', '按期办结率'],
  ['participation', '参评率'],
  ['satisfaction', '满意率'],
  ['resolution', '化解率'],
  ['repeat', '重访率'],
];
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
  if (now.pct === null || before.pct === null) return h('span', { class: 'trend' }, '（上期无数据）');
  const d = Math.round((now.pct - before.pct) * 10) / 10;
  const arrow = d > 0 ? '↑' : d < 0 ? '↓' : '→';
  return h('span', { class: 'trend', 'data-trend': String(d) }, `${arrow} ${d > 0 ? '+' : ''}${d.toFixed(1)} 个百分点`);
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
    RATES.map(([key, label]) =>
      h(
        'li',
        { 'data-rate': key },
        h('span', { class: 'rate-label' }, label),
        h('strong', { class: 'rate-value' }, pctText(stats.rates[key])),
        h('span', { class: 'rate-parts' }, `${stats.rates[key].num}/${stats.rates[key].den}`),
        trendOf(stats.rates[key], previous.rates[key]),
      ),
    ),
  );
}

function rankingTable(stats) {
  return table(
    `${stats.unit.name} 下级单位排名（按登记件数）`,
    ['单位 Unit', '件数', '人次', ...RATES.map(([, label]) => label)],
    stats.units.map((u) =>
      h(
        'tr',
        { 'data-unit': u.code },
        h('th', { scope: 'row' }, u.name),
        h('td', null, String(u.counts.matters)),
        h('td', null, String(u.counts.people)),
        RATES.map(([key]) => h('td', null, pctText(u.rates[key]))),
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
      `零访单位 ${zeroVisit.length} 个；四无乡镇 ${towns.filter((u) => u.fourNone).length} 个（共 ${towns.length} 个乡镇）`,
    ),
    table(
      '乡镇与村（零访、四无）',
      ['单位 Unit', '级别', '件数', '零访', '四无'],
      zero.units.map((u) =>
        h(
          'tr',
          { 'data-place': u.code },
          h('th', { scope: 'row' }, u.name),
          h('td', null, u.level === 'township' ? '乡镇' : '村'),
          h('td', null, String(u.matters)),
          h('td', null, u.zeroVisit ? '是' : ''),
          h('td', null, u.fourNone === null ? '' : u.fourNone ? '是' : ''),
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
      h('span', { class: 'rate-label' }, '超期 Overdue'),
      h(
        'a',
        { href: `#/cases?overdue=true&unit=${encodeURIComponent(board.unit)}` },
        h('strong', { class: 'rate-value' }, String(overdue)),
      ),
    ),
    h(
      'li',
      { 'data-count': 'atRisk' },
      h('span', { class: 'rate-label' }, '临期 At risk'),
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
    heading('领导驾驶舱', 'Dashboard'),
    h(
      'form',
      { class: 'filters', onsubmit: choose },
      labelledField('单位（含下级）Unit and below', unitInput),
      labelledField('起 From', fromInput),
      labelledField('止 To', toInput),
      h('button', { type: 'submit' }, '查看 Show'),
    ),
    h(
      'p',
      { 'data-testid': 'dashboard-summary' },
      `${now.unit.name} ${now.period.from} 至 ${now.period.to}：登记 `,
      h('strong', { 'data-testid': 'dashboard-matters' }, String(now.counts.matters)),
      ` 件、${now.counts.people} 人次`,
    ),
    section('主要指标（与上月比）', 'Rates and trend', rateCards(now, previous)),
    section('超期与临期', 'Overdue and at risk', boardCounts(board)),
    section(
      '指标走势',
      'Rates by month',
      chart(echarts, '近六个月各项指标', {
        legend: {},
        xAxis: { type: 'category', data: months.map((m) => m.from.slice(0, 7)) },
        yAxis: { type: 'value', min: 0, max: 100 },
        series: RATES.map(([key, label]) => ({ name: label, type: 'line', data: trend.map((s) => s.rates[key].pct) })),
      }),
    ),
    section(
      '每周登记件数',
      'Matters per week',
      chart(echarts, '近十二周每周登记件数', {
        xAxis: { type: 'category', data: weeks.map((w) => w.from.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ name: '件数', type: 'bar', data: perWeek.map((s) => s.counts.matters) }],
      }),
      h('p', { class: 'visually-hidden', 'data-testid': 'weekly-matters' }, perWeek.map((s) => s.counts.matters).join(',')),
    ),
    section(
      '单位排名',
      'Units',
      now.units.length > 0 &&
        chart(echarts, '各下级单位登记件数', {
          xAxis: { type: 'category', data: now.units.map((u) => u.name) },
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ name: '件数', type: 'bar', data: now.units.map((u) => u.counts.matters) }],
        }),
      now.units.length === 0 ? h('p', { class: 'empty' }, '没有下级单位。No units below.') : rankingTable(now),
    ),
    section('零访与四无', 'Zero-visit and four-none places', zeroList(zero)),
    h(
      'p',
      null,
      h('a', { href: `#/reports/weekly?unit=${encodeURIComponent(now.unit.code)}` }, '周研判 Weekly review'),
      ' · ',
      h('a', { href: `#/reports/annual?unit=${encodeURIComponent(now.unit.code)}` }, '年度报告 Annual report'),
    ),
  );
}
