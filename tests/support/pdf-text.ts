import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The text of a PDF as pdf.js extracts it (run in a child process, see pdf-extract.mjs), to check what a report says. */
export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(__dirname, 'pdf-extract.mjs')], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(new Error(`pdf-extract.mjs failed: ${err.message}`));
      else resolve(stdout);
    });
    child.stdin?.end(pdf);
  });
}
