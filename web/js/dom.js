/* global document, Node */
/**
 * Element building. Everything the API returns is inserted as text, never as
 * HTML, so a petition's contents can never become markup or script.
 */

/**
 * `h('a', { href: '#/cases', class: 'x', onclick: fn }, 'text', child)`: an element with attributes,
 * listeners (`on…` keys) and children (strings, nodes, arrays; null and false are skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children as {@link h} takes them. */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A code's name with the code itself only in the tooltip (never on screen): 受理, titled `VERIFY`. */
export function bilingual(name, code) {
  return h('span', { class: 'coded', title: code, 'data-code': code }, name ?? code);
}

/** A page's heading; focusable so the router can move focus to it after a navigation. */
export function heading(text) {
  return h('h1', { tabindex: '-1' }, text);
}

let sections = 0;

/** A titled section of a page, named by its heading (a landmark screen-reader users can jump to). */
export function section(title, ...content) {
  const id = `section-${++sections}`;
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), content);
}

/** A control with its label above it; the control must have an id. */
export function labelledField(label, control) {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

/**
 * A table with a caption, column headings and one row per item. Every cell
 * carries its column's heading (`data-label`), so below 600 px the stylesheet
 * shows each row as a card of labelled lines; `lead` names the columns (by
 * index) a card shows first, e.g. the state and the deadline.
 */
export function table(caption, headings, rows, { lead = [] } = {}) {
  const body = h('tbody', null, rows);
  for (const row of body.rows) {
    [...row.cells].forEach((cell, index) => {
      const heading = headings[index];
      if (heading !== undefined) cell.setAttribute('data-label', heading);
      if (lead.includes(index)) cell.classList.add('card-lead');
    });
  }
  return h(
    'table',
    { class: 'cards' },
    h('caption', null, caption),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headings.map((text) => h('th', { scope: 'col' }, text)),
      ),
    ),
    body,
  );
}

/** A definition list of [term, description] pairs; pairs whose description is null are left out. */
export function definitions(pairs) {
  return h(
    'dl',
    null,
    pairs.filter(([, value]) => value !== null && value !== undefined).map(([term, value]) => [h('dt', null, term), h('dd', null, value)]),
  );
}
