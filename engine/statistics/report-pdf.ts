/** The reports as PDF (pdfkit), in the Noto Sans SC font the package ships (engine/cjk-font.ts). */

import { renderCjkPdf, type PdfDoc } from '../cjk-pdf';
import { FLAG_NAMES, RATE_NAMES } from './figures';
import type { AnnualReport, ReviewMark, WeeklyReport } from './reports.service';
import { CHANNEL_LABELS, CLASS_LABELS, FLAG_LABELS, pctText, RATE_LABELS } from './stats-labels';
import type { StatsReport } from './statistics.service';

const MARK_LABELS: Readonly<Record<ReviewMark, string>> = {
  new: '新增',
  repeat: '重复信访',
  group: '集体访',
  skipLevel: '越级访',
  majorUrgent: '重大紧急',
  overdue: '超期',
  atRisk: '临期',
};

type Doc = PdfDoc;

/** Renders a report: its title centred above what `draw` writes. */
function render(title: string, draw: (doc: Doc) => void): Promise<Buffer> {
  return renderCjkPdf({ title, margins: { top: 50, bottom: 50, left: 50, right: 50 } }, (doc) => {
    doc.fontSize(18).text(title, { align: 'center' }).moveDown();
    doc.fontSize(10);
    draw(doc);
  });
}

function heading(doc: Doc, text: string): void {
  doc.moveDown(0.5).fontSize(13).text(text).fontSize(10).moveDown(0.3);
}

function ratesBlock(doc: Doc, r: StatsReport): void {
  doc.text(`登记 ${r.counts.matters} 件、${r.counts.people} 人次`);
  for (const name of RATE_NAMES) {
    const rate = r.rates[name];
    doc.text(`${RATE_LABELS[name]}：${pctText(rate.pct)}（${rate.num}/${rate.den}）`);
  }
  doc.text(FLAG_NAMES.map((f) => `${FLAG_LABELS[f]} ${r.counts.flags[f].matters} 件`).join('；'));
  doc.text(
    Object.entries(CHANNEL_LABELS)
      .map(([k, label]) => `${label} ${r.counts.byChannel[k] ?? 0}`)
      .join('；'),
  );
  doc.text(
    Object.entries(CLASS_LABELS)
      .map(([k, label]) => `${label} ${r.counts.byClass[k] ?? 0}`)
      .join('；'),
  );
}

function unitsBlock(doc: Doc, r: StatsReport): void {
  heading(doc, '各单位');
  for (const u of r.units) {
    doc.text(`${u.name}：${u.counts.matters} 件；${RATE_NAMES.map((n) => `${RATE_LABELS[n]} ${pctText(u.rates[n].pct)}`).join('，')}`);
  }
}

/** The statistics of a period (the monthly 通报) as a PDF. */
export function statsPdf(r: StatsReport, title = `${r.unit.name} 信访工作统计`): Promise<Buffer> {
  return render(title, (doc) => {
    doc.text(`统计期间：${r.period.from} 至 ${r.period.to}（北京时间）`);
    heading(doc, '主要指标');
    ratesBlock(doc, r);
    unitsBlock(doc, r);
  });
}

/** The weekly risk review (研判) as a PDF. */
export function weeklyPdf(r: WeeklyReport): Promise<Buffer> {
  return render(`${r.unit.name} 信访形势周研判（${r.week}）`, (doc) => {
    doc.text(`统计期间：${r.period.from} 至 ${r.period.to}（北京时间）`);
    const line = (c: WeeklyReport['totals']) =>
      (Object.keys(MARK_LABELS) as ReviewMark[]).map((m) => `${MARK_LABELS[m]} ${c[m]}`).join('，') + `；集体访 ${c.groupPeople} 人次`;
    heading(doc, '合计');
    doc.text(line(r.totals));
    heading(doc, '各单位');
    for (const u of r.units) doc.text(`${u.name}：${line(u.counts)}`);
    heading(doc, '重点案件');
    if (r.cases.length === 0) doc.text('无');
    for (const c of r.cases)
      doc.text(`${c.registeredAt} ${c.unit.name} ${c.category}：${c.marks.map((m) => MARK_LABELS[m]).join('、')}（${c.id}）`);
  });
}

/** The annual report of Art 41 as a PDF; with the months of the year, a monthly trend too. */
export function annualPdf(r: AnnualReport, months: readonly StatsReport[] = []): Promise<Buffer> {
  return render(`${r.unit.name} ${r.year}年度信访工作报告`, (doc) => {
    const s = r.statistics;
    doc.text(`统计期间：${s.period.from} 至 ${s.period.to}（北京时间）`);
    heading(doc, '一、信访统计');
    ratesBlock(doc, s);
    heading(doc, '二、信访事项较多的领域');
    r.fields.forEach((f, i) => doc.text(`${i + 1}. ${f.category}：${f.matters} 件`));
    heading(doc, '三、被投诉较多的单位');
    r.complainedOf.forEach((b, i) => doc.text(`${i + 1}. ${b.name}：${b.matters} 件`));
    heading(doc, '四、转送、交办、督办情况');
    doc.text(`转送 ${r.dispatch.transferred} 件，交办 ${r.dispatch.assigned} 件，督办 ${r.dispatch.supervised} 件`);
    heading(doc, '五、建议意见及采纳情况');
    doc.text(`建议意见类 ${r.suggestions.total} 件，采纳（含部分采纳）${r.suggestions.adopted} 件`);
    unitsBlock(doc, s);
    if (months.length > 0) {
      heading(doc, '月度走势');
      for (const m of months)
        doc.text(
          `${m.period.from.slice(0, 7)}：${m.counts.matters} 件；化解率 ${pctText(m.rates.resolution.pct)}，满意率 ${pctText(m.rates.satisfaction.pct)}`,
        );
    }
  });
}
