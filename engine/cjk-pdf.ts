import PDFDocument from 'pdfkit';
import { cjkFont } from './cjk-font';

/** A pdfkit document, as the drawing callbacks of {@link renderCjkPdf} receive it. */
export type PdfDoc = InstanceType<typeof PDFDocument>;

/**
 * Renders one A4 PDF with the shipped CJK font set and collects it into one
 * buffer: the one place reports and written acts start a PDF, so both embed
 * the same font and carry the same producer.
 */
export function renderCjkPdf(
  options: { readonly title: string; readonly margins: { top: number; bottom: number; left: number; right: number } },
  draw: (doc: PdfDoc) => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margins: options.margins, info: { Title: options.title, Producer: 'petitionflow' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.registerFont('cjk', cjkFont());
    doc.font('cjk');
    draw(doc);
    doc.end();
  });
}
