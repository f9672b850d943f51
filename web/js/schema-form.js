/**
 * Form inputs generated from the JSON schemas of `/openapi.json` (an event's
 * fields, the intake body), so the console asks for exactly what the API
 * takes and never keeps a second copy of the command schemas.
 *
 * The browser does not validate (forms are `novalidate`): the API is the one
 * judge, and its 400 issues are put next to the inputs their paths name.
 */
import { h } from './dom.js';
import { issueWords, pathKey } from './error-view.js';
import { beijingInputToIso } from './format.js';
import { t } from './i18n/i18n.js';
import { fieldHint, fieldLabel, valuesOf } from './labels.js';

let lastId = 0;
const nextId = (what) => `f${++lastId}-${what}`;

/** Longer texts (notes, opinions, facts and reasons) get a text area; names, codes and addresses a line. */
const TEXTAREA_FROM_LENGTH = 1000;

/**
 * The inputs for an object schema. `initial` pre-fills values (same shape as
 * the body); `eventType` picks event-specific labels; `pickers` replaces the
 * input of a field, named by its dotted path (`unit`, `matter.accusedUnit`), by
 * a picker (`path → ({id, name}) → {control, read, extra?}`: the units an event
 * may send to, the users of a role). Returns the element,
 * `read()` (the body, empty optional inputs left out) and `showIssues(issues)`
 * (which returns the issues no input claimed).
 */
export function schemaForm(schema, { initial = {}, eventType, pickers = {} } = {}) {
  const slots = new Map();
  const ctx = { slots, eventType, pickers };
  const root = objectInputs(schema, [], initial, ctx);
  return {
    element: root.element,
    read: () => root.read() ?? {},
    showIssues(issues) {
      for (const slot of slots.values()) slot.clear();
      const unclaimed = [];
      for (const issue of issues) {
        const slot = closestSlot(slots, issue.path);
        if (slot === undefined) unclaimed.push(issue);
        else slot.show(issueWords(issue));
      }
      return unclaimed;
    },
  };
}

/** The slot of an issue's path, or of its nearest ancestor that has one (a missing object, an array item). */
function closestSlot(slots, path) {
  for (let n = path.length; n > 0; n--) {
    const slot = slots.get(pathKey(path.slice(0, n)));
    if (slot !== undefined) return slot;
  }
  return undefined;
}

function inputFor(schema, path, initial, ctx, required) {
  const picker = ctx.pickers[path.join('.')];
  if (picker !== undefined) return pickerInput(picker, path, ctx, required);
  if (schema.type === 'object') return objectInputs(schema, path, initial ?? {}, ctx, required);
  if (schema.type === 'array' && schema.items?.type === 'object') return repeatedGroup(schema, path, initial ?? [], ctx);
  if (schema.type === 'array') return linesInput(schema, path, initial, ctx, required);
  if (schema.type === 'boolean') return checkbox(path, initial, ctx);
  if (Array.isArray(schema.enum)) return choice(schema, path, initial, ctx, required);
  if (schema.format === 'duration') return daysInput(path, initial, ctx, required);
  if (schema.format === 'date-time') return dateTimeInput(path, ctx, required);
  return textInput(schema, path, initial, ctx, required);
}

/** The fields of an object; nested objects are fieldsets. An optional object with nothing filled in is left out. */
function objectInputs(schema, path, initial, ctx, required = true) {
  const requiredNames = new Set(schema.required ?? []);
  const children = Object.entries(schema.properties ?? {}).map(([name, inner]) => [
    name,
    inputFor(inner, [...path, name], initial[name], ctx, requiredNames.has(name)),
  ]);
  const fields = children.map(([, child]) => child.element);
  const read = () => {
    const value = {};
    for (const [name, child] of children) {
      const v = child.read();
      if (v !== undefined) value[name] = v;
    }
    return Object.keys(value).length === 0 && !required ? undefined : value;
  };
  if (path.length === 0) return { element: h('div', { class: 'fields' }, fields), read };
  const name = path[path.length - 1];
  const slot = errorSlot(path, ctx);
  return { element: h('fieldset', null, h('legend', null, labelText(name, ctx, required)), slot.element, fields), read };
}

/** An array of objects (a group visit's representatives): add and remove items up to `maxItems`. */
function repeatedGroup(schema, path, initial, ctx) {
  const name = path[path.length - 1];
  const slot = errorSlot(path, ctx);
  const list = h('div', { class: 'group-items' });
  const addButton = h(
    'button',
    { type: 'button', onclick: () => render([...current(), {}]) },
    t('form.add', { what: fieldLabel(name, ctx.eventType) }),
  );
  let items = [];

  const current = () => items.map((item) => item.read() ?? {});
  function render(values) {
    // Item paths carry their index, so every item's error slots are made anew.
    for (const key of [...ctx.slots.keys()]) if (key.startsWith(`${pathKey(path)}.`)) ctx.slots.delete(key);
    items = values.map((value, index) => {
      const inputs = objectInputs(schema.items, [...path, index], value, ctx, true);
      const remove = () => render(current().filter((_, i) => i !== index));
      return {
        read: inputs.read,
        element: h(
          'div',
          { class: 'group-item' },
          inputs.element,
          h('button', { type: 'button', onclick: remove }, t('form.remove', { n: index + 1 })),
        ),
      };
    });
    list.replaceChildren(...items.map((item) => item.element));
    addButton.disabled = schema.maxItems !== undefined && items.length >= schema.maxItems;
  }
  render(initial);
  return {
    element: h('fieldset', null, h('legend', null, labelText(name, ctx, false)), slot.element, list, addButton),
    read: () => {
      const values = current();
      return values.length === 0 ? undefined : values;
    },
  };
}

function linesInput(schema, path, initial, ctx, required) {
  const id = nextId('lines');
  const control = h('textarea', { id, name: pathKey(path), rows: 3, 'aria-required': required ? 'true' : null });
  control.value = (initial ?? []).join('\n');
  const read = () => {
    const lines = control.value
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    return lines.length === 0 ? undefined : lines;
  };
  return { element: wrap(control, id, path, ctx, required), read };
}

function checkbox(path, initial, ctx) {
  const id = nextId('check');
  const control = h('input', { id, name: pathKey(path), type: 'checkbox' });
  control.checked = initial === true;
  const slot = errorSlot(path, ctx, control);
  const name = path[path.length - 1];
  return {
    element: h('div', { class: 'field checkbox' }, control, ' ', h('label', { for: id }, labelText(name, ctx, false)), slot.element),
    read: () => (control.checked ? true : undefined),
  };
}

function choice(schema, path, initial, ctx, required) {
  const id = nextId('choice');
  const name = path[path.length - 1];
  const names = valuesOf(name);
  const control = h(
    'select',
    { id, name: pathKey(path), 'aria-required': required ? 'true' : null },
    h('option', { value: '' }, required ? t('form.choose') : t('form.leaveEmpty')),
    schema.enum.map((value) => h('option', { value, title: value }, names[value] ?? value)),
  );
  control.value = initial ?? '';
  return { element: wrap(control, id, path, ctx, required), read: () => (control.value === '' ? undefined : control.value) };
}

/**
 * A period (an ISO 8601 duration to the API) asked as a number of days, the way offices count them:
 * 15 is sent as `P15D`. Anything else typed is sent as it is, for the API to judge.
 */
function daysInput(path, initial, ctx, required) {
  const id = nextId('days');
  const control = h('input', { id, name: pathKey(path), type: 'text', inputmode: 'numeric', autocomplete: 'off', size: 6 });
  control.value = /^P(\d+)D$/.exec(initial ?? '')?.[1] ?? '';
  const read = () => {
    const text = control.value.trim();
    if (text === '') return undefined;
    return /^\d+$/.test(text) ? `P${Number(text)}D` : text;
  };
  const field = wrap(control, id, path, ctx, required);
  control.after(h('span', { class: 'unit-suffix' }, t('form.daysSuffix')));
  return { element: field, read };
}

/** A moment (an ISO instant to the API) picked as a Beijing date and time, whatever the browser's zone. */
function dateTimeInput(path, ctx, required) {
  const id = nextId('when');
  const control = h('input', { id, name: pathKey(path), type: 'datetime-local', 'aria-required': required ? 'true' : null });
  const read = () => (control.value === '' ? undefined : beijingInputToIso(control.value));
  return { element: wrap(control, id, path, ctx, required), read };
}

function textInput(schema, path, initial, ctx, required) {
  const id = nextId('text');
  const long = (schema.maxLength ?? 0) >= TEXTAREA_FROM_LENGTH;
  const control = long
    ? h('textarea', { id, name: pathKey(path), rows: 4, 'aria-required': required ? 'true' : null })
    : h('input', { id, name: pathKey(path), type: 'text', autocomplete: 'off', 'aria-required': required ? 'true' : null });
  control.value = initial ?? '';
  // An empty input is left out: the API then says plainly that a required field is missing.
  return { element: wrap(control, id, path, ctx, required), read: () => (control.value.trim() === '' ? undefined : control.value) };
}

/** A field whose input a picker makes (its own choices stand in for the format hint). */
function pickerInput(picker, path, ctx, required) {
  const id = nextId('pick');
  const { control, read, extra } = picker({ id, name: pathKey(path) });
  if (required) control.setAttribute('aria-required', 'true');
  return { element: wrap(control, id, path, ctx, required, { hint: false, extra }), read };
}

/** A labelled field: label, input, hint, and the slot where the API's issue for this path appears. */
function wrap(control, id, path, ctx, required, { hint: withHint = true, extra = null } = {}) {
  const name = path[path.length - 1];
  const hint = withHint ? fieldHint(name, ctx.eventType) : undefined;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const slot = errorSlot(path, ctx, control);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, labelText(name, ctx, required)),
    control,
    extra,
    hint && h('p', { class: 'hint', id: hintId }, hint),
    slot.element,
  );
}

function labelText(name, ctx, required) {
  const label = typeof name === 'number' ? t('issue.item', { n: name + 1 }) : fieldLabel(name, ctx.eventType);
  return [label, required && h('abbr', { title: t('form.required'), class: 'required' }, ' *')];
}

/** Where an issue for `path` is shown; the control (if any) is marked invalid and pointed at it. */
function errorSlot(path, ctx, control) {
  const id = nextId('error');
  const element = h('p', { class: 'field-error', id, hidden: true });
  const describedBy = control?.getAttribute('aria-describedby');
  const slot = {
    element,
    show(message) {
      element.textContent = message;
      element.hidden = false;
      control?.setAttribute('aria-invalid', 'true');
      control?.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
    },
    clear() {
      element.textContent = '';
      element.hidden = true;
      control?.removeAttribute('aria-invalid');
      if (describedBy) control?.setAttribute('aria-describedby', describedBy);
      else control?.removeAttribute('aria-describedby');
    },
  };
  ctx.slots.set(pathKey(path), slot);
  return slot;
}
