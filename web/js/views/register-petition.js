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
import { t } from '../i18n/i18n.js';
import { unitPicker } from '../pickers.js';
import { schemaForm } from '../schema-form.js';
import { allUnits, unitsWithin } from '../unit-directory.js';
import { registrationResultOrError } from './related-matters.js';
import { kindSelect, uploadAttachment } from './attachments.js';
import { errorAlert } from '../error-view.js';

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
  // The registering unit is picked from the clerk's own units by name (typed as a code only where no tree was imported).
  const own = unitsWithin(session.claims.unit);
  const pickers = own.length === 0 ? {} : { unit: unitPicker(own, session.claims.unit) };
  // An accusation names the unit accused (never sent the case): any unit of the tree, by name.
  const all = allUnits();
  if (all.length > 0) pickers['matter.accusedUnit'] = unitPicker(all);
  const fields = schemaForm(schema, { initial: { unit: session.claims.unit }, pickers });
  const errors = h('div', { class: 'form-errors', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, t('register.submit'));
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
    heading(t('register.heading')),
    h('p', null, t('register.intro')),
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
    h('legend', null, t('register.scan.legend')),
    h('div', { class: 'field' }, h('label', { for: file.id }, t('register.scan.file')), file),
    h('div', { class: 'field' }, h('label', { for: kind.id }, t('attachment.kind')), kind),
    h('div', { class: 'field' }, h('label', { for: personal.id }, personal, ' ', t('register.scan.personal'))),
  );
  /** Uploads the chosen file to the new case: a line saying so, an alert if refused, nothing if none was chosen. */
  async function upload(caseId) {
    const chosen = file.files?.[0];
    if (chosen === undefined) return null;
    try {
      await uploadAttachment(caseId, chosen, kind.value, personal.checked);
      file.value = '';
      return h(
        'p',
        { role: 'status', class: 'notice', 'data-testid': 'scan-uploaded' },
        t('register.scan.uploaded', { name: chosen.name }),
      );
    } catch (err) {
      return h('div', null, h('p', null, t('register.scan.failed')), errorAlert(err));
    }
  }
  return { element, upload };
}
