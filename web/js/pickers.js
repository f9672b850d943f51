/**
 * Pickers for the fields of an event that name a unit or a person, in place
 * of typing a code or a sign-in id. A unit field (转送, 交办, 改派) offers the
 * unit tree limited to the units the API says the event may name now (GET
 * /petitions/:id/targets); a leader or mediator field offers the users of
 * that role in the user's units by display name (GET /users), with a way to
 * write someone without an account (a committee, a title).
 */
import { api } from './api-client.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';
import { unitName, unitOptions } from './unit-directory.js';
import { listUsers } from './user-names.js';

/** Fields that name a unit the case is sent to (the API answers which one an event uses). */
const UNIT_FIELDS = ['toUnit', 'unit'];
/** Fields that name a person, and the role whose users are offered. */
const PERSON_FIELDS = { leader: 'leader', mediator: 'mediator', handler: 'handler' };
/** The value of the choice that opens the free-text input (no sign-in id has a space). */
const OTHER = 'other person';

/** The pickers for an event's form on a case: field name → picker, for the fields of `schema` that have one. */
export async function pickersFor(petition, type, schema) {
  const names = Object.keys(schema.properties ?? {});
  const pickers = {};
  if (names.some((n) => UNIT_FIELDS.includes(n))) {
    const targets = await api(`/petitions/${petition.id}/targets`, { query: { event: type } });
    pickers[targets.field] = unitPicker(targets.units);
  }
  for (const name of names.filter((n) => n in PERSON_FIELDS)) {
    pickers[name] = personPicker(await listUsers({ role: PERSON_FIELDS[name] }));
  }
  return pickers;
}

/** A select of the units `codes`, as a tree; `initial` chosen at first (the registering clerk's own unit). */
export function unitPicker(codes, initial = '') {
  return ({ id, name }) => {
    const control = h(
      'select',
      { id, name, class: 'unit-picker' },
      h('option', { value: '' }, t(codes.length === 0 ? 'picker.noTargets' : 'form.choose')),
      unitOptions(codes),
    );
    control.value = codes.includes(initial) ? initial : '';
    return { control, read: () => (control.value === '' ? undefined : control.value) };
  };
}

/** A select of `users` by display name and unit (the value is the user id), and a free-text choice. */
function personPicker(users) {
  return ({ id, name }) => {
    const control = h(
      'select',
      { id, name, class: 'user-picker' },
      h('option', { value: '' }, t('form.choose')),
      users.map((u) =>
        h(
          'option',
          { value: u.id },
          unitName(u.unit) === null ? u.displayName : t('picker.personOfUnit', { name: u.displayName, unit: unitName(u.unit) }),
        ),
      ),
      h('option', { value: OTHER }, t('picker.someoneElse')),
    );
    const other = h('input', {
      id: `${id}-other`,
      type: 'text',
      autocomplete: 'off',
      'aria-label': t('picker.someoneElseLabel'),
      hidden: true,
    });
    control.addEventListener('change', () => {
      other.hidden = control.value !== OTHER;
      if (!other.hidden) other.focus();
    });
    const read = () => {
      if (control.value === OTHER) return other.value.trim() === '' ? undefined : other.value.trim();
      return control.value === '' ? undefined : control.value;
    };
    return { control, read, extra: other };
  };
}
