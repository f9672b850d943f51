/* global sessionStorage, atob, TextDecoder */
/**
 * The signed-in user. Two ways in: a name and password, after which the
 * browser holds an HttpOnly session cookie that no script (this one
 * included) can read; or an API token an office issued (`petitionflow
 * token`), kept in sessionStorage so it dies with the tab. Either way the
 * profile the API answered (`GET /sessions/current`: name, role, unit) is
 * kept for the header and the navigation; the API checks the credential on
 * every call.
 */

import { t } from './i18n/i18n.js';

const TOKEN_KEY = 'petitionflow.token';
const PROFILE_KEY = 'petitionflow.profile';

/** Why the last session ended, shown once on the sign-in page (e.g. the API answered 401). */
let endedBecause = null;

/** The claims of a JWT (`sub`, `role`, `unit`, `exp`), or null if `token` is not one. */
export function readClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof claims.sub !== 'string' || typeof claims.role !== 'string' || typeof claims.unit !== 'string') return null;
    return claims;
  } catch {
    return null;
  }
}

/** Whether the token's `exp` has passed: an expired token would only earn a 401. */
export function isExpired(claims, now = Date.now()) {
  return typeof claims.exp === 'number' && claims.exp * 1000 <= now;
}

function storedProfile() {
  try {
    const profile = JSON.parse(sessionStorage.getItem(PROFILE_KEY) ?? 'null');
    return profile !== null && typeof profile.id === 'string' && typeof profile.role === 'string' ? profile : null;
  } catch {
    return null;
  }
}

/**
 * `{ token, claims, profile }` of the signed-in user, or null. `token` is null
 * for a password sign-in (the cookie goes with every call by itself);
 * `claims` (`sub`, `role`, `unit`) is what the pages ask.
 */
export function currentSession() {
  const profile = storedProfile();
  if (profile === null) return null;
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token !== null) {
    const claims = readClaims(token);
    if (claims === null || isExpired(claims)) {
      endSession(t('session.tokenExpired'));
      return null;
    }
  }
  return { token, profile, claims: { sub: profile.id, role: profile.role, unit: profile.unit } };
}

/** Keeps the signed-in user for this tab: the profile, and the token when signed in with one. */
export function startSession({ token = null, profile }) {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.setItem(PROFILE_KEY, JSON.stringify(profile));
  endedBecause = null;
}

/** Forgets the user in this tab; `reason`, if given, is shown on the sign-in page. */
export function endSession(reason = null) {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PROFILE_KEY);
  endedBecause = reason;
}

/** The reason the last session ended, once. */
export function takeEndReason() {
  const reason = endedBecause;
  endedBecause = null;
  return reason;
}
