/* global crypto */
/**
 * 登记: recording a petition (POST /petitions). The form is the API's intake
 * schema; the unit starts as the clerk's own. The answer is shown as the
 * registration result: the case number and its related matters.
 */
import { api } from '../api-client.js';
import { intakeSchema } from '../api-schemas.js';
import { h, heading } from '../dom.js';
import { submitting } from '../form-submit.js';
import { schemaForm } from '../schema-form.js';
import { registrationResultOrError } from './related-matters.js';
import { kindSelect, uploadAttachment } from './attachments.js';
import { errorAlert } from '../error-view.js';

/** The words of the scanned-letter part of the form (kept here until the console's catalogue takes them). */
export const SCAN_WORDS = {
  legend: '来信扫描件（可选）',
  file: '随案上传的文件',
  kind: '材料类别',
  personal: '涉及个人信息（身份证件、联系方式等）',
  uploaded: (name) => `附件「${name}」已随案上传。`,
  failed: '案件已登记，但附件未能上传，可在案件详情页重新上传：',
};

/**
 * An Idempotency-Key for one filled-in form: a clerk who clicks again after a
 * timeout gets the case already recorded instead of a second one. Made from
 * getRandomValues, which (unlike randomUUID) also works on plain-HTTP intranets.
 */
function newIdempotencyKey() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function renderRegister(view, { session }) {
  const schema = await intakeSchema();
  const fields = schemaForm(schema, { initial: { unit: session.claims.unit } });
  const errors = h('div', { class: 'form-errors', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, '登记 Record');
  const idempotencyKey = newIdempotencyKey();
  const result = h('div', { class: 'registration-result', 'aria-live': 'polite' });
  const scan = scanFields();

  async function record(event) {
    event.preventDefault();
    await submitting({ button: submit, errors, fields }, async () => {
      const created = await api('/petitions', { method: 'POST', body: fields.read(), headers: { 'idempotency-key': idempotencyKey } });
      // The scanned letter right after the case exists; the case stays recorded if the file is refused.
      const filed = await scan.upload(created.id);
      // The registration result: the number, the proposal and the related matters, before the clerk moves on.
      result.replaceChildren(...[filed, await registrationResultOrError(created)].filter((part) => part !== null));
      result.querySelector('a')?.focus();
    });
  }

  view.append(
    heading('登记信访', 'Register a petition'),
    h('p', null, '按《信访工作条例》第十九条记录信访人、联系方式、诉求与事实理由；口头信访如实记录。带 * 的为必填。'),
    h(
      'form',
      { class: 'register', novalidate: true, onsubmit: (event) => void record(event) },
      fields.element,
      scan.element,
      errors,
      submit,
    ),
    result,
  );
}

/** The scanned letter (来信扫描件) chosen with the registration, uploaded once the case is recorded. */
function scanFields() {
  const file = h('input', { id: 'register-scan-file', type: 'file', name: 'scan' });
  const kind = kindSelect('register-scan-kind', 'letter-scan');
  const personal = h('input', { id: 'register-scan-personal', type: 'checkbox', name: 'scanPersonal' });
  const element = h(
    'fieldset',
    { class: 'register-scan' },
    h('legend', null, SCAN_WORDS.legend),
    h('div', { class: 'field' }, h('label', { for: file.id }, SCAN_WORDS.file), file),
    h('div', { class: 'field' }, h('label', { for: kind.id }, SCAN_WORDS.kind), kind),
    h('div', { class: 'field' }, h('label', { for: personal.id }, personal, ' ', SCAN_WORDS.personal)),
  );
  /** Uploads the chosen file to the new case: a line saying so, an alert if refused, nothing if none was chosen. */
  async function upload(caseId) {
    const chosen = file.files?.[0];
    if (chosen === undefined) return null;
    try {
      await uploadAttachment(caseId, chosen, kind.value, personal.checked);
      file.value = '';
      return h('p', { role: 'status', class: 'notice', 'data-testid': 'scan-uploaded' }, SCAN_WORDS.uploaded(chosen.name));
    } catch (err) {
      return h('div', null, h('p', null, SCAN_WORDS.failed), errorAlert(err));
    }
  }
  return { element, upload };
}
