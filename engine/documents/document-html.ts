import type { DocumentContent } from './document-content';

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

/**
 * Where the page takes its print layout from: the console's stylesheet, by an
 * absolute path, so the page reads the same whether it is opened from the API
 * or from the console (which shows it from a blob URL, under the console's
 * content security policy: no inline styles).
 */
export const DOCUMENT_STYLESHEET = '/console/document.css';

/** A written act as a printable HTML page (A4, the official layout: title, number, body, seal and date). */
export function documentHtml(d: DocumentContent): string {
  const fields = d.fields.map((f) => `<tr><th>${esc(f.label)}</th><td>${esc(f.value)}</td></tr>`).join('');
  const paragraphs = d.paragraphs.map((p) => `<p>${esc(p)}</p>`).join('');
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>${esc(d.title)}</title><link rel="stylesheet" href="${DOCUMENT_STYLESHEET}"></head>
<body class="official-document">
<header><div class="issuer">${esc(d.issuer)}</div><h1>${esc(d.title)}</h1><div class="doc-number">${esc(d.number)}</div></header>
<main>
<p class="addressee">${esc(d.addressee)}：</p>
${paragraphs}
<table class="doc-fields">${fields}</table>
${d.rights === null ? '' : `<p class="rights">${esc(d.rights)}</p>`}
</main>
<footer><div class="seal">${esc(d.issuer)}（印章）</div><div class="doc-date">${esc(d.date)}</div></footer>
</body>
</html>
`;
}
