/**
 * One button per event the API allows this user now (`allowedEvents`); each
 * opens a small form for that event's fields and sends it with the version
 * the user is looking at (`expectedVersion`), so a change made meanwhile by
 * someone else is a 409 to reload, never a command on a case they did not see.
 */
import { api, ApiError } from '../api-client.js';
import { eventSchema } from '../api-schemas.js';
import { h, bilingual } from '../dom.js';
import { errorAlert } from '../error-view.js';
import { submitting } from '../form-submit.js';
import { t } from '../i18n/i18n.js';
import { EVENTS } from '../labels.js';
import { pickersFor } from '../pickers.js';
import { schemaForm } from '../schema-form.js';

/**
 * The actions of a case. `onDone(updatedView, type)` runs after a command was
 * accepted; `onReload()` re-reads the case (offered after a version conflict).
 */
export function eventActions(petition, { onDone, onReload }) {
  const formArea = h('div', { class: 'event-form-area' });
  const buttons = petition.allowedEvents.map((type) =>
    h(
      'button',
      { type: 'button', class: 'event-button', 'data-event': type, 'aria-expanded': 'false', onclick: () => void open(type) },
      bilingual(EVENTS[type], type),
    ),
  );

  function markOpen(type) {
    for (const button of buttons) button.setAttribute('aria-expanded', String(button.dataset.event === type));
  }

  function close() {
    formArea.replaceChildren();
    markOpen(null);
  }

  async function open(type) {
    markOpen(type);
    let schema;
    let pickers;
    try {
      schema = await eventSchema(type, petition.machineVersion);
      pickers = await pickersFor(petition, type, schema);
    } catch (err) {
      formArea.replaceChildren(errorAlert(err));
      return;
    }
    const fields = schemaForm(schema, { eventType: type, pickers });
    const errors = h('div', { class: 'form-errors', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit' }, t('form.submit'));
    const headingId = `event-form-${type}`;

    async function send(event) {
      event.preventDefault();
      const err = await submitting({ button: submit, errors, fields }, async () => {
        const body = { type, ...fields.read(), expectedVersion: petition.version };
        const updated = await api(`/petitions/${petition.id}/events`, { method: 'POST', body });
        await onDone(updated, type);
      });
      if (err instanceof ApiError && err.code === 'VERSION_CONFLICT') {
        errors.append(h('button', { type: 'button', onclick: () => void onReload() }, t('actions.reload')));
      }
    }

    const form = h(
      'form',
      { class: 'event-form', novalidate: true, 'aria-labelledby': headingId, 'data-event': type, onsubmit: (event) => void send(event) },
      h('h3', { id: headingId }, bilingual(EVENTS[type], type)),
      Object.keys(schema.properties).length === 0 ? h('p', null, t('actions.nothingToFill')) : fields.element,
      errors,
      h('div', { class: 'form-buttons' }, submit, h('button', { type: 'button', onclick: close }, t('form.cancel'))),
    );
    formArea.replaceChildren(form);
    (form.querySelector('input, select, textarea') ?? submit).focus();
  }

  return h(
    'div',
    { class: 'actions' },
    buttons.length === 0
      ? h('p', { class: 'empty' }, t('actions.none'))
      : h('div', { role: 'group', 'aria-label': t('actions.allowed'), class: 'event-buttons' }, buttons),
    formArea,
  );
}
