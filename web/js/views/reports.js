/* global document, URL, URLSearchParams, setTimeout, window */
/**
 * The printable reports: the weekly risk review (研判, GET /reports/weekly)
 * and the annual report of Art 41 (GET /reports/annual), each as a page the
 * browser prints and as the API's PDF, downloaded with the user's token.
 */
import { api } from '../api-client.js';
import { h, heading, labelledField, section, table } from '../dom.js';
import { unitSelect } from '../unit-directory.js';

const MARKS = [
  ['new', '新增'],
  ['repeat', '重复信访'],
  ['group', '集体访'],
  ['skipLevel', '越级访'],
  ['majorUrgent', '重大紧急'],
  ['overdue', '超期'],
  ['atRisk', '临期'],
];
const RATES = [
  ['timelyAcceptance', '及时受理率'],
  ['onTimeHandling', '按期办结率'],
  ['participation', '参评率'],
  ['satisfaction', '满意率'],
  ['resolution', '化解率'],
  ['repeat', '重访率'],
];
const RELEASE_AFTER_MS = 10_000;

const pct = (rate) => (rate.pct === null ? '—' : `${rate.pct.toFixed(1)}%`);

/** The ISO week (`2026-W48`) of today in Beijing. */
function thisWeek() {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
  const d = new Date(`${today}T00:00:00Z`);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * 86_400_000);
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const week = 1 + Math.round((thursday - firstThursday) / 604_800_000 - ((firstThursday.getUTCDay() + 6) % 7) / 7 + 3 / 7);
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

function pdfButton(path, query, file) {
  const button = h('button', { type: 'button', class: 'no-print' }, '下载 PDF Download PDF');
  button.addEventListener('click', async () => {
    const blob = await api(path, { query: { ...query, format: 'pdf' }, as: 'blob' });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: file, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), RELEASE_AFTER_MS);
  });
  return h('p', { class: 'no-print' }, button, ' ', h('button', { type: 'button', onclick: () => window.print() }, '打印 Print'));
}

function chooser(fields, go) {
  return h(
    'form',
    { class: 'filters no-print', onsubmit: (e) => (e.preventDefault(), go()) },
    fields,
    h('button', { type: 'submit' }, '查看 Show'),
  );
}

export async function renderWeeklyReport(view, { params, session }) {
  const unit = params.get('unit') ?? session.claims.unit;
  const week = params.get('week') ?? thisWeek();
  const r = await api('/reports/weekly', { query: { unit, week } });
  const unitInput = unitSelect({ id: 'weekly-unit', name: 'unit', scope: session.claims.unit, value: r.unit.code });
  const weekInput = h('input', { id: 'weekly-week', type: 'text', value: r.week, placeholder: '2026-W48' });
  const line = (c) => MARKS.map(([k]) => h('td', null, String(c[k])));
  view.append(
    heading(`${r.unit.name} 信访形势周研判`, 'Weekly review'),
    chooser([labelledField('单位 Unit', unitInput), labelledField('周 Week', weekInput)], () => {
      window.location.hash = `#/reports/weekly?${new URLSearchParams({ unit: unitInput.value.trim(), week: weekInput.value.trim() })}`;
    }),
    h('p', { 'data-testid': 'report-period' }, `${r.week}：${r.period.from} 至 ${r.period.to}（北京时间）`),
    pdfButton('/reports/weekly', { unit: r.unit.code, week: r.week }, `weekly-${r.unit.code}-${r.week}.pdf`),
    section(
      '各单位',
      'Per unit',
      table(
        '本周各类事项件数',
        ['单位 Unit', ...MARKS.map(([, l]) => l)],
        [
          h('tr', { 'data-unit': r.unit.code }, h('th', { scope: 'row' }, `${r.unit.name}（合计）`), line(r.totals)),
          ...r.units.map((u) => h('tr', { 'data-unit': u.code }, h('th', { scope: 'row' }, u.name), line(u.counts))),
        ],
      ),
    ),
    section(
      '重点案件',
      'Cases',
      r.cases.length === 0
        ? h('p', { class: 'empty' }, '本周无重点案件。')
        : table(
            '重复、集体、越级、重大紧急、超期与临期案件',
            ['登记时间', '单位', '内容分类', '标记'],
            r.cases.map((c) =>
              h(
                'tr',
                { 'data-case-id': c.id },
                h('td', null, h('a', { href: `#/cases/${c.id}` }, c.registeredAt)),
                h('td', null, c.unit.name),
                h('td', null, c.category),
                h('td', null, c.marks.map((m) => MARKS.find(([k]) => k === m)?.[1] ?? m).join('、')),
              ),
            ),
          ),
    ),
  );
}

export async function renderAnnualReport(view, { params, session }) {
  const unit = params.get('unit') ?? session.claims.unit;
  const year = Number(
    params.get('year') ?? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(Date.now()),
  );
  const r = await api('/reports/annual', { query: { unit, year } });
  const s = r.statistics;
  const unitInput = unitSelect({ id: 'annual-unit', name: 'unit', scope: session.claims.unit, value: r.unit.code });
  const yearInput = h('input', { id: 'annual-year', type: 'number', value: String(r.year) });
  view.append(
    heading(`${r.unit.name} ${r.year}年度信访工作报告`, 'Annual report'),
    chooser([labelledField('单位 Unit', unitInput), labelledField('年度 Year', yearInput)], () => {
      window.location.hash = `#/reports/annual?${new URLSearchParams({ unit: unitInput.value.trim(), year: yearInput.value })}`;
    }),
    pdfButton('/reports/annual', { unit: r.unit.code, year: r.year }, `annual-${r.unit.code}-${r.year}.pdf`),
    section(
      '一、信访统计',
      'Statistics',
      h('p', { 'data-testid': 'annual-matters' }, `登记 ${s.counts.matters} 件、${s.counts.people} 人次`),
      table(
        '主要指标',
        ['指标', '比率', '分子/分母'],
        RATES.map(([k, l]) =>
          h(
            'tr',
            { 'data-rate': k },
            h('th', { scope: 'row' }, l),
            h('td', null, pct(s.rates[k])),
            h('td', null, `${s.rates[k].num}/${s.rates[k].den}`),
          ),
        ),
      ),
    ),
    section(
      '二、信访事项较多的领域',
      'Fields',
      table(
        '内容分类',
        ['分类', '件数'],
        r.fields.map((f) => h('tr', null, h('td', null, f.category), h('td', null, String(f.matters)))),
      ),
    ),
    section(
      '三、被投诉较多的单位',
      'Most complained-of units',
      table(
        '承办单位',
        ['单位', '件数'],
        r.complainedOf.map((b) => h('tr', null, h('td', null, b.name), h('td', null, String(b.matters)))),
      ),
    ),
    section(
      '四、转送、交办、督办',
      'Dispatch and supervision',
      h('p', null, `转送 ${r.dispatch.transferred} 件，交办 ${r.dispatch.assigned} 件，督办 ${r.dispatch.supervised} 件`),
    ),
    section(
      '五、建议意见及采纳',
      'Suggestions',
      h('p', null, `建议意见类 ${r.suggestions.total} 件，采纳（含部分采纳）${r.suggestions.adopted} 件`),
    ),
  );
}
