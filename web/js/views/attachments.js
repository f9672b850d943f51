/* global FormData */
/**
 * Scanned letters and evidence filed with a case (附件): the list (kind,
 * size, time, the start of the SHA-256 the trail records, a download) and an
 * upload form. The API decides who may file, what it takes and who may
 * download (a personal file is refused to a role that sees the case masked).
 */
import { api } from '../api-client.js';
import { downloadFile } from '../download.js';
import { h, section, table } from '../dom.js';
import { errorAlert } from '../error-view.js';
import { submitting } from '../form-submit.js';
import { fileSize, mediaTypeName, time } from '../format.js';
import { t } from '../i18n/i18n.js';
import { nameOf, valuesOf } from '../labels.js';

/** What a file is: the codes of the API's `kind`, named by the server's vocabulary (its attachment kinds). */
export const ATTACHMENT_KINDS = ['letter-scan', 'evidence', 'other'];

/** The list's columns (`attachment.col.<key>`). */
const ATTACHMENT_COLUMNS = ['kind', 'file', 'size', 'uploadedAt', 'sha256', 'download'];

/** A kind by its name (a kind this console does not know as sent). */
export const kindName = (kind) => nameOf(valuesOf('kind'), kind);

/** Files `file` with a case: POST /petitions/:id/attachments as multipart. */
export function uploadAttachment(caseId, file, kind, personal) {
  const form = new FormData();
  form.append('kind', kind);
  form.append('personal', personal ? 'true' : 'false');
  form.append('file', file, file.name);
  return api(`/petitions/${caseId}/attachments`, { method: 'POST', body: form });
}

/** A select of the kinds, `initial` chosen. */
export function kindSelect(id, initial) {
  return h(
    'select',
    { id, name: 'kind' },
    ATTACHMENT_KINDS.map((code) => h('option', { value: code, selected: code === initial }, kindName(code))),
  );
}

/** Downloads one file through the API (the session's token or cookie), saved under its name. */
function download(caseId, a) {
  return downloadFile(`/petitions/${caseId}/attachments/${a.id}`, {}, a.fileName ?? `${kindName(a.kind)}-${a.id.slice(0, 8)}`);
}

function attachmentRow(caseId, a) {
  const cell = h('td', null);
  const failed = (err) => cell.append(errorAlert(err));
  const button = h(
    'button',
    { type: 'button', class: 'attachment-download', onclick: () => void download(caseId, a).catch(failed) },
    t('attachment.download'),
  );
  cell.append(button);
  return h(
    'tr',
    { 'data-attachment-id': a.id },
    h('td', null, kindName(a.kind), a.personal && h('span', { class: 'personal' }, t('attachment.personalMark'))),
    h('td', null, a.fileName ?? t('attachment.withheld')),
    h('td', null, fileSize(a.size)),
    h('td', null, time(a.uploadedAt)),
    h('td', null, h('code', { title: a.sha256, class: 'sha256' }, a.sha256.slice(0, 12))),
    cell,
  );
}

/** The upload form; `onDone` re-reads the list. */
function uploadForm(caseId, limits, onDone) {
  const file = h('input', { id: `attachment-file-${caseId}`, type: 'file', name: 'file', accept: limits.mediaTypes.join(',') });
  const kind = kindSelect(`attachment-kind-${caseId}`, 'evidence');
  const personal = h('input', { id: `attachment-personal-${caseId}`, type: 'checkbox', name: 'personal' });
  const submit = h('button', { type: 'submit' }, t('attachment.upload'));
  const errors = h('div', { class: 'form-errors', 'aria-live': 'polite' });
  const done = h('p', { role: 'status', class: 'notice', hidden: true });
  const types = limits.mediaTypes.map(mediaTypeName).join(t('issue.separator'));
  async function send(event) {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (chosen === undefined) {
      errors.replaceChildren(h('p', { class: 'error', role: 'alert' }, t('attachment.chooseFile')));
      return;
    }
    await submitting({ button: submit, errors }, async () => {
      await uploadAttachment(caseId, chosen, kind.value, personal.checked);
      await onDone();
      done.hidden = false;
      done.replaceChildren(t('attachment.uploaded', { name: chosen.name }));
    });
  }
  return h(
    'form',
    { class: 'attachment-upload', novalidate: true, onsubmit: (event) => void send(event) },
    h('p', { class: 'hint' }, t('attachment.accepts', { types, max: fileSize(limits.maxBytes) })),
    h('div', { class: 'field' }, h('label', { for: file.id }, t('attachment.file')), file),
    h('div', { class: 'field' }, h('label', { for: kind.id }, t('attachment.kind')), kind),
    h('div', { class: 'field' }, h('label', { for: personal.id }, personal, ' ', t('attachment.personal'))),
    errors,
    submit,
    done,
  );
}

/** The 附件 section of a case: loads itself, so the rest of the page does not wait for it. */
export function attachmentsSection(caseId) {
  const list = h('div', { 'data-testid': 'attachments' }, h('p', { class: 'empty' }, t('attachment.loading')));
  const form = h('div');
  let formShown = false;
  async function load() {
    try {
      const { attachments, limits } = await api(`/petitions/${caseId}/attachments`);
      list.replaceChildren(
        attachments.length === 0
          ? h('p', { class: 'empty' }, t('attachment.none'))
          : table(
              t('attachment.caption'),
              ATTACHMENT_COLUMNS.map((key) => t(`attachment.col.${key}`)),
              attachments.map((a) => attachmentRow(caseId, a)),
            ),
      );
      if (!formShown) form.replaceChildren(uploadForm(caseId, limits, load));
      formShown = true;
    } catch (err) {
      list.replaceChildren(errorAlert(err));
    }
  }
  void load();
  return section(t('attachment.title'), list, form);
}
