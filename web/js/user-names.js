/**
 * People by display name, never by sign-in id: the names a case's trail
 * carries (GET /petitions/:id/history answers `names`) and the user directory
 * of the user's units (GET /users: id, display name, role and unit, no
 * personal data), which the pickers for leaders and mediators read. Names
 * learnt are kept for the page load.
 */
import { api } from './api-client.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';

const names = new Map();

/** Keeps display names by user id (from a trail's `names`, or directory entries). */
export function rememberNames(byId) {
  for (const [id, name] of Object.entries(byId ?? {})) names.set(id, name);
}

/** A person's display name, or null when none is known. */
export function userName(id) {
  return names.get(id) ?? null;
}

/**
 * A person on screen: the display name, the id in the tooltip; text with no
 * account behind it (a 包案 leader named by title in older cases) as written.
 */
export function userLabel(id, role) {
  // The deadline workers act for no person.
  if (role === 'system') return h('span', { class: 'user-name' }, t('user.system'));
  const name = userName(id);
  return h('span', { class: 'user-name', title: name === null ? null : t('user.idTooltip', { id }) }, name ?? id);
}

/** The enabled users of the user's units, optionally of one role or unit, their names remembered. */
export async function listUsers(query = {}) {
  const { items } = await api('/users', { query });
  rememberNames(Object.fromEntries(items.map((u) => [u.id, u.displayName])));
  return items;
}
