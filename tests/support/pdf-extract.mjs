/* global process, Buffer */
// Prints the text of the PDF read from stdin, page by page, as pdf.js extracts it
// (the legacy build runs in Node without a canvas). Run as its own process:
// pdf.js is an ES module, which the test runner's CommonJS cannot load.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const doc = await getDocument({ data: new Uint8Array(Buffer.concat(chunks)), useSystemFonts: false, isEvalSupported: false }).promise;
const pages = [];
for (let n = 1; n <= doc.numPages; n++) {
  const content = await (await doc.getPage(n)).getTextContent();
  pages.push(content.items.map((item) => item.str ?? '').join(''));
}
await doc.destroy();
process.stdout.write(pages.join('\n'));
