/**
 * The unit tree (GET /units), fetched once per page load and kept, so every
 * page shows a unit by its name (扶沟县) and never by its code (411621); the
 * code stays in the tooltip. Unit names are no personal data: the API gives
 * the whole tree to every role.
 */
import { api } from './api-client.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';

/** How a unit the tree does not hold is shown (its code stays in the tooltip). */
const unknownUnit = () => t('unit.unknown');
/** The indentation of one level of the tree in a picker's option (full-width spaces keep CJK columns aligned). */
const INDENT = '\u3000';

let loading;
let byCode = new Map();

/**
 * Loads the tree once (again after a failure). Never throws: without the tree
 * the pages still work, naming units as unknown, and the page's own calls
 * report what went wrong.
 */
export function loadUnits() {
  loading ??= api('/units')
    .then(({ units }) => {
      byCode = new Map(units.map((u) => [u.code, u]));
    })
    .catch(() => {
      loading = undefined;
    });
  return loading;
}

/** A unit's name, or null when the tree does not hold it. */
export function unitName(code) {
  return byCode.get(code)?.name ?? null;
}

/** A unit on screen: its name, with its code in the tooltip. */
export function unitLabel(code, name = unitName(code)) {
  if (code === null || code === undefined) return '—';
  return h('span', { class: 'unit-name', title: t('shell.unitCode', { code }), 'data-unit': code }, name ?? unknownUnit());
}

/** How deep a unit lies among `codes` (0 for one whose parent is not among them). */
function depthAmong(code, codes) {
  let depth = 0;
  for (let up = byCode.get(code)?.parentCode; up != null && codes.has(up); up = byCode.get(up)?.parentCode) depth++;
  return depth;
}

/** Codes in tree order: each unit after its parent, siblings by code. */
function treeOrder(codes) {
  const set = new Set(codes);
  const childrenOf = new Map();
  const roots = [];
  for (const code of [...set].sort()) {
    const parent = byCode.get(code)?.parentCode;
    if (parent != null && set.has(parent)) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), code]);
    else roots.push(code);
  }
  const out = [];
  const walk = (code) => {
    out.push(code);
    for (const child of childrenOf.get(code) ?? []) walk(child);
  };
  roots.forEach(walk);
  return out;
}

/**
 * `<option>`s for the units of `codes` as a tree (each indented under its
 * parent among them), named, the code in the tooltip.
 */
export function unitOptions(codes) {
  const set = new Set(codes);
  return treeOrder(codes).map((code) =>
    h(
      'option',
      { value: code, title: t('shell.unitCode', { code }) },
      INDENT.repeat(depthAmong(code, set)) + (unitName(code) ?? unknownUnit()),
    ),
  );
}

/** The codes of every unit in the tree (empty where none was imported). */
export function allUnits() {
  return [...byCode.keys()];
}

/** The codes of the units at `scope` and below it in the tree (the units a user's lists and boards may be narrowed to). */
export function unitsWithin(scope) {
  const out = [];
  for (const code of byCode.keys()) {
    for (let up = code; up != null; up = byCode.get(up)?.parentCode) {
      if (up === scope) {
        out.push(code);
        break;
      }
    }
  }
  return out;
}

/**
 * A select of the units at `scope` and below, as a tree, with a first option
 * for "all" (`allLabel`, value '') when one is given; `value` is preselected.
 * Where no tree was imported (the scope unknown to it), a plain input for the
 * code, so the filter still works.
 */
export function unitSelect({ id, name, scope, value, allLabel = null }) {
  const within = unitsWithin(scope);
  if (within.length === 0)
    return h('input', { id, name, type: 'text', inputmode: 'numeric', placeholder: t('list.unitPlaceholder'), value: value ?? '' });
  const select = h(
    'select',
    { id, name, class: 'unit-picker' },
    allLabel !== null && h('option', { value: '' }, allLabel),
    unitOptions(within),
  );
  select.value = value ?? '';
  return select;
}
