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
import { unitsWithin } from '../unit-directory.js';
import { registrationResultOrError } from './related-matters.js';

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
  const fields = schemaForm(schema, { initial: { unit: session.claims.unit }, pickers });
  const errors = h('div', { class: 'form-errors', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, t('register.submit'));
  const idempotencyKey = newIdempotencyKey();
  const result = h('div', { class: 'registration-result', 'aria-live': 'polite' });

  async function record(event) {
    event.preventDefault();
    await submitting({ button: submit, errors, fields }, async () => {
      const created = await api('/petitions', { method: 'POST', body: fields.read(), headers: { 'idempotency-key': idempotencyKey } });
      // The registration result: the number, the proposal and the related matters, before the clerk moves on.
      result.replaceChildren(await registrationResultOrError(created));
      result.querySelector('a')?.focus();
    });
  }

  view.append(
    heading(t('register.heading')),
    h('p', null, t('register.intro')),
    h('form', { class: 'register', novalidate: true, onsubmit: (event) => void record(event) }, fields.element, errors, submit),
    result,
  );
}
