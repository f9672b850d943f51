/**
 * 导出XLSX / 导出CSV beside a list: the same request as the list on screen
 * (its filters and order) with `format=xlsx` or `csv`; the API builds the file
 * (Chinese headers, Beijing time, UTF-8 with BOM) and scopes and masks it as
 * it does the list.
 */
import { h } from '../dom.js';
import { downloadFile } from '../download.js';
import { errorAlert } from '../error-view.js';
import { t } from '../i18n/i18n.js';

/** The two buttons for `path` with `query`; the files are named `<name>.xlsx` and `<name>.csv`. */
export function exportButtons(path, query, name) {
  const errors = h('div', { 'aria-live': 'polite' });
  const button = (format, label) => {
    const el = h('button', { type: 'button', class: 'export', 'data-format': format }, label);
    el.addEventListener('click', async () => {
      el.disabled = true;
      errors.replaceChildren();
      try {
        await downloadFile(path, { ...query, format }, `${name}.${format}`);
      } catch (err) {
        errors.replaceChildren(errorAlert(err));
      } finally {
        el.disabled = false;
      }
    });
    return el;
  };
  return h(
    'div',
    { class: 'export-buttons', role: 'group', 'aria-label': t('export.label') },
    button('xlsx', t('export.xlsx')),
    button('csv', t('export.csv')),
    errors,
  );
}
