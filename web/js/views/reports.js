/* global document, URL, URLSearchParams, setTimeout, window */
/**
 * The printable reports: the weekly risk review (研判, GET /reports/weekly)
 * and the annual report of Art 41 (GET /reports/annual), each as a page the
 * browser prints and as the API's PDF, downloaded with the user's token.
 */
import { api } from '../api-client.js';
import { h, heading, labelledField, section, table } from '../dom.js';
import { t } from '../i18n/i18n.js';
import { unitSelect } from '../unit-directory.js';

/** The marks of the weekly review, by the catalogue key of their names (`mark.<key>`). */
const MARKS = ['new', 'repeat', 'group', 'skipLevel', 'majorUrgent', 'overdue', 'atRisk'];
const markName = (key) => t(`mark.${key}`);
/** The six rates (`rate.<key>`). */
const RATES = ['timelyAcceptance', 'onTimeHandling', 'participation', 'satisfaction', 'resolution', 'repeat'];
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

/** `2026-W48` → 2026年第48周. */
function weekWords(week) {
  const [year, n] = week.split('-W');
  return t('reports.weekWords', { year, n: Number(n) });
}

function pdfButton(path, query, file) {
  const button = h('button', { type: 'button', class: 'no-print' }, t('documents.pdf'));
  button.addEventListener('click', async () => {
    const blob = await api(path, { query: { ...query, format: 'pdf' }, as: 'blob' });
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: file, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), RELEASE_AFTER_MS);
  });
  return h('p', { class: 'no-print' }, button, ' ', h('button', { type: 'button', onclick: () => window.print() }, t('reports.print')));
}

function chooser(fields, go) {
  return h(
    'form',
    { class: 'filters no-print', onsubmit: (e) => (e.preventDefault(), go()) },
    fields,
    h('button', { type: 'submit' }, t('common.show')),
  );
}

export async function renderWeeklyReport(view, { params, session }) {
  const unit = params.get('unit') ?? session.claims.unit;
  const week = params.get('week') ?? thisWeek();
  const r = await api('/reports/weekly', { query: { unit, week } });
  const unitInput = unitSelect({ id: 'weekly-unit', name: 'unit', scope: session.claims.unit, value: r.unit.code });
  const weekInput = h('input', { id: 'weekly-week', type: 'text', value: r.week, placeholder: '2026-W48' });
  const line = (c) => MARKS.map((k) => h('td', null, String(c[k])));
  view.append(
    heading(t('reports.weeklyHeading', { unit: r.unit.name })),
    chooser([labelledField(t('field.unit'), unitInput), labelledField(t('reports.week'), weekInput)], () => {
      window.location.hash = `#/reports/weekly?${new URLSearchParams({ unit: unitInput.value.trim(), week: weekInput.value.trim() })}`;
    }),
    h('p', { 'data-testid': 'report-period' }, t('reports.period', { week: weekWords(r.week), from: r.period.from, to: r.period.to })),
    pdfButton('/reports/weekly', { unit: r.unit.code, week: r.week }, `weekly-${r.unit.code}-${r.week}.pdf`),
    section(
      t('reports.perUnit'),
      table(
        t('reports.perUnitCaption'),
        [t('field.unit'), ...MARKS.map(markName)],
        [
          h('tr', { 'data-unit': r.unit.code }, h('th', { scope: 'row' }, t('reports.total', { unit: r.unit.name })), line(r.totals)),
          ...r.units.map((u) => h('tr', { 'data-unit': u.code }, h('th', { scope: 'row' }, u.name), line(u.counts))),
        ],
      ),
    ),
    section(
      t('reports.cases'),
      r.cases.length === 0
        ? h('p', { class: 'empty' }, t('reports.noCases'))
        : table(
            t('reports.casesCaption'),
            [t('case.recorded'), t('field.unit'), t('reports.category'), t('field.flags')],
            r.cases.map((c) =>
              h(
                'tr',
                { 'data-case-id': c.id },
                h('td', null, h('a', { href: `#/cases/${c.id}` }, c.registeredAt)),
                h('td', null, c.unit.name),
                h('td', null, c.category),
                h('td', null, c.marks.map(markName).join(t('issue.separator'))),
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
    heading(t('reports.annualHeading', { unit: r.unit.name, year: r.year })),
    chooser([labelledField(t('field.unit'), unitInput), labelledField(t('reports.year'), yearInput)], () => {
      window.location.hash = `#/reports/annual?${new URLSearchParams({ unit: unitInput.value.trim(), year: yearInput.value })}`;
    }),
    pdfButton('/reports/annual', { unit: r.unit.code, year: r.year }, `annual-${r.unit.code}-${r.year}.pdf`),
    section(
      t('reports.statistics'),
      h('p', { 'data-testid': 'annual-matters' }, t('reports.counts', { matters: s.counts.matters, people: s.counts.people })),
      table(
        t('reports.rates'),
        [t('reports.rate'), t('reports.ratio'), t('reports.parts')],
        RATES.map((k) =>
          h(
            'tr',
            { 'data-rate': k },
            h('th', { scope: 'row' }, t(`rate.${k}`)),
            h('td', null, pct(s.rates[k])),
            h('td', null, `${s.rates[k].num}/${s.rates[k].den}`),
          ),
        ),
      ),
    ),
    section(
      t('reports.fields'),
      table(
        t('reports.category'),
        [t('reports.categoryShort'), t('dashboard.matters')],
        r.fields.map((f) => h('tr', null, h('td', null, f.category), h('td', null, String(f.matters)))),
      ),
    ),
    section(
      t('reports.complainedOf'),
      table(
        t('field.assignee'),
        [t('field.unit'), t('dashboard.matters')],
        r.complainedOf.map((b) => h('tr', null, h('td', null, b.name), h('td', null, String(b.matters)))),
      ),
    ),
    section(t('reports.dispatch'), h('p', null, t('reports.dispatchCounts', r.dispatch))),
    section(t('reports.suggestions'), h('p', null, t('reports.suggestionCounts', r.suggestions))),
  );
}
