/**
 * The written acts of a case (受理告知书 … 调解协议书): one row per act the
 * case has recorded, with 预览打印 (the server's printable page, shown in a
 * frame and printed from the browser) and 下载PDF. The list and the pages
 * come from the API (GET /petitions/:id/documents[/:kind]), which decides
 * what is available and masks the petitioner for this role.
 */
import { api } from '../api-client.js';
import { h, section } from '../dom.js';
import { downloadFile } from '../download.js';
import { errorAlert } from '../error-view.js';
import { t } from '../i18n/i18n.js';

/** The 文书 section of a case: loads the list itself, so the rest of the page does not wait for it. */
export function documentsSection(caseId) {
  const body = h('div', { 'data-testid': 'documents' }, h('p', { class: 'empty' }, t('documents.loading')));
  const preview = h('div', { class: 'doc-preview', hidden: true });
  void load();

  async function load() {
    try {
      const { documents } = await api(`/petitions/${caseId}/documents`);
      const ready = documents.filter((d) => d.available);
      body.replaceChildren(
        ready.length === 0
          ? h('p', { class: 'empty' }, t('documents.none'))
          : h(
              'ul',
              { class: 'documents' },
              ready.map((d) => documentRow(d)),
            ),
      );
    } catch (err) {
      body.replaceChildren(errorAlert(err));
    }
  }

  function documentRow(d) {
    const row = h('li', { 'data-kind': d.kind });
    const failed = (err) => row.append(errorAlert(err));
    row.append(
      h('span', { class: 'doc-title' }, d.title),
      ' ',
      h('button', { type: 'button', class: 'doc-print', onclick: () => void show(d).catch(failed) }, t('documents.preview')),
      ' ',
      h('button', { type: 'button', class: 'doc-pdf', onclick: () => void download(d).catch(failed) }, t('documents.pdf')),
    );
    return row;
  }

  /** The printable page in a frame (it takes the console's address for its stylesheet), with a print button. */
  async function show(d) {
    const page = await api(`/petitions/${caseId}/documents/${d.kind}`, { query: { format: 'html' }, as: 'blob' });
    const frame = h('iframe', { title: d.title, class: 'doc-frame', srcdoc: await page.text() });
    const print = h('button', { type: 'button', onclick: () => frame.contentWindow?.print() }, t('documents.print', { title: d.title }));
    const close = h('button', { type: 'button', onclick: () => (preview.hidden = true) }, t('documents.closePreview'));
    preview.replaceChildren(h('p', null, print, ' ', close), frame);
    preview.hidden = false;
  }

  async function download(d) {
    await downloadFile(`/petitions/${caseId}/documents/${d.kind}`, { format: 'pdf' }, `${d.title.replace('/', '')}-${caseId}.pdf`);
  }

  return section(t('documents.heading'), body, preview);
}
