/* global document, FormData, setTimeout, URL */
/**
 * Scanned letters and evidence filed with a case (附件): the list (kind,
 * size, time, the start of the SHA-256 the trail records, a download) and an
 * upload form. The API decides who may file, what it takes and who may
 * download (a personal file is refused to a role that sees the case masked).
 */
import { api } from '../api-client.js';
import { h, section, table } from '../dom.js';
import { errorAlert } from '../error-view.js';
import { submitting } from '../form-submit.js';
import { time } from '../format.js';
import { ERRORS } from '../labels.js';

/** The words of this part of the console (kept here until the console's catalogue takes them). */
export const ATTACHMENT_WORDS = {
  title: '附件',
  loading: '正在读取附件…',
  none: '本案尚无附件。',
  caption: '来信扫描件与证据材料，摘要与审计记录中的一致',
  columns: ['类别', '文件', '大小', '上传时间', '摘要（SHA-256）', '下载'],
  download: '下载',
  withheld: '（涉及个人信息，文件名不显示）',
  personalMark: '涉及个人信息',
  file: '选择文件',
  kind: '材料类别',
  personal: '涉及个人信息（身份证件、联系方式等），仅登记人员和承办单位可下载',
  upload: '上传附件',
  uploaded: (name) => `已上传「${name}」，摘要已记入审计记录。`,
  chooseFile: '请先选择文件。',
  accepts: (types, maxBytes) => `可上传${types}，单个文件不超过${size(maxBytes)}。`,
};

/** What a file is, in the words of the bureaus (the codes of the API's `kind`). */
export const ATTACHMENT_KINDS = { 'letter-scan': '来信扫描件', evidence: '证据材料', other: '其他' };

/** The media types as a clerk names them. */
const TYPE_WORDS = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG图片', 'image/png': 'PNG图片', 'image/tiff': 'TIFF图片' };

// The attachment refusals in plain words, beside the console's other error words.
Object.assign(ERRORS, {
  ATTACHMENT_TOO_LARGE: '附件过大',
  ATTACHMENT_TYPE: '附件类型不符（或文件内容与类型不符）',
  ATTACHMENT_PERSONAL: '该附件涉及个人信息，您的角色不能下载',
  UNSUPPORTED_MEDIA_TYPE: '不支持的内容类型',
});

/** Long enough for the browser to have started the download before the object URL is released. */
const RELEASE_DOWNLOAD_AFTER_MS = 60_000;

/** Bytes as a clerk reads them: 812 字节, 35.2 KB, 2.4 MB. */
export function size(bytes) {
  if (bytes < 1024) return `${bytes} 字节`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

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
    Object.entries(ATTACHMENT_KINDS).map(([code, words]) => h('option', { value: code, selected: code === initial }, words)),
  );
}

/** Downloads one file through the API (the session's token or cookie), saved under its name. */
async function download(caseId, a) {
  const blob = await api(`/petitions/${caseId}/attachments/${a.id}`, { as: 'blob' });
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: a.fileName ?? `${ATTACHMENT_KINDS[a.kind] ?? a.kind}-${a.id.slice(0, 8)}`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), RELEASE_DOWNLOAD_AFTER_MS);
}

function attachmentRow(caseId, a) {
  const cell = h('td', null);
  const failed = (err) => cell.append(errorAlert(err));
  const button = h(
    'button',
    { type: 'button', class: 'attachment-download', onclick: () => void download(caseId, a).catch(failed) },
    ATTACHMENT_WORDS.download,
  );
  cell.append(button);
  return h(
    'tr',
    { 'data-attachment-id': a.id },
    h(
      'td',
      null,
      ATTACHMENT_KINDS[a.kind] ?? a.kind,
      a.personal && h('span', { class: 'personal' }, `（${ATTACHMENT_WORDS.personalMark}）`),
    ),
    h('td', null, a.fileName ?? ATTACHMENT_WORDS.withheld),
    h('td', null, size(a.size)),
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
  const submit = h('button', { type: 'submit' }, ATTACHMENT_WORDS.upload);
  const errors = h('div', { class: 'form-errors', 'aria-live': 'polite' });
  const done = h('p', { role: 'status', class: 'notice', hidden: true });
  const types = limits.mediaTypes.map((t) => TYPE_WORDS[t] ?? t).join('、');
  async function send(event) {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (chosen === undefined) {
      errors.replaceChildren(h('p', { class: 'error', role: 'alert' }, ATTACHMENT_WORDS.chooseFile));
      return;
    }
    await submitting({ button: submit, errors }, async () => {
      await uploadAttachment(caseId, chosen, kind.value, personal.checked);
      await onDone();
      done.hidden = false;
      done.replaceChildren(ATTACHMENT_WORDS.uploaded(chosen.name));
    });
  }
  return h(
    'form',
    { class: 'attachment-upload', novalidate: true, onsubmit: (event) => void send(event) },
    h('p', { class: 'hint' }, ATTACHMENT_WORDS.accepts(types, limits.maxBytes)),
    h('div', { class: 'field' }, h('label', { for: file.id }, ATTACHMENT_WORDS.file), file),
    h('div', { class: 'field' }, h('label', { for: kind.id }, ATTACHMENT_WORDS.kind), kind),
    h('div', { class: 'field' }, h('label', { for: personal.id }, personal, ' ', ATTACHMENT_WORDS.personal)),
    errors,
    submit,
    done,
  );
}

/** The 附件 section of a case: loads itself, so the rest of the page does not wait for it. */
export function attachmentsSection(caseId) {
  const list = h('div', { 'data-testid': 'attachments' }, h('p', { class: 'empty' }, ATTACHMENT_WORDS.loading));
  const form = h('div');
  let formShown = false;
  async function load() {
    try {
      const { attachments, limits } = await api(`/petitions/${caseId}/attachments`);
      list.replaceChildren(
        attachments.length === 0
          ? h('p', { class: 'empty' }, ATTACHMENT_WORDS.none)
          : table(
              ATTACHMENT_WORDS.caption,
              ATTACHMENT_WORDS.columns,
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
  return section(ATTACHMENT_WORDS.title, '', list, form);
}
