import { renderCjkPdf } from '../cjk-pdf';
import type { DocumentContent } from './document-content';

/**
 * A written act as an A4 PDF in the official layout: the issuing unit, the
 * title, the number, the addressee, the body, the petitioner's lines, the
 * rights sentence, then the unit and the date at the right, where the seal
 * goes. In the CJK font the package ships (engine/cjk-font.ts).
 */
export function documentPdf(d: DocumentContent): Promise<Buffer> {
  return renderCjkPdf({ title: d.title, margins: { top: 72, bottom: 72, left: 80, right: 80 } }, (doc) => {
    doc.fontSize(14).text(d.issuer, { align: 'center' }).moveDown(0.3);
    doc.fontSize(22).text(d.title, { align: 'center' }).moveDown(0.3);
    doc.fontSize(11).text(d.number, { align: 'center' }).moveDown(1.2);
    doc.fontSize(12).text(`${d.addressee}：`).moveDown(0.4);
    for (const p of d.paragraphs) doc.text(p, { indent: 24, lineGap: 4 }).moveDown(0.4);
    doc.moveDown(0.4).fontSize(11);
    for (const f of d.fields) doc.text(`${f.label}：${f.value}`, { lineGap: 2 });
    if (d.rights !== null) doc.moveDown(0.8).fontSize(12).text(d.rights, { indent: 24, lineGap: 4 });
    doc.moveDown(2.5).fontSize(12).text(d.issuer, { align: 'right' }).moveDown(0.3).text(d.date, { align: 'right' });
  });
}
