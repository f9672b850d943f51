/**
 * Display names of the users the signed-in user may see (GET /users: the
 * enabled users of their own units, names and roles only), so the trail can
 * say 周敏（登记人员） rather than a sign-in name. Anyone outside those units,
 * or every one when the API refuses the list, is named by role alone.
 */
import { api } from './api-client.js';

/** A map of sign-in name → display name; empty when the API refuses the list. */
export async function userNames() {
  try {
    const { items } = await api('/users');
    return new Map(items.map((u) => [u.id, u.displayName]));
  } catch {
    // The names are a courtesy: without them the trail names each actor by role.
    return new Map();
  }
}
