/* global sessionStorage, atob, TextDecoder */
/**
 * The signed-in user: the API token an office issued (`petitionflow token`),
 * kept in sessionStorage so it dies with the tab. The claims are read here
 * only to say who the user is; the API verifies the signature on every call.
 */

const TOKEN_KEY = 'petitionflow.token';

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

/** `{ token, claims }` of the signed-in user, or null (never signed in, signed out, or expired). */
export function currentSession() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token === null) return null;
  const claims = readClaims(token);
  if (claims === null || isExpired(claims)) {
    endSession('登录已过期，请重新登录。The token has expired; sign in again.');
    return null;
  }
  return { token, claims };
}

/** Keeps the token for this tab. */
export function startSession(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  endedBecause = null;
}

/** Forgets the token; `reason`, if given, is shown on the sign-in page. */
export function endSession(reason = null) {
  sessionStorage.removeItem(TOKEN_KEY);
  endedBecause = reason;
}

/** The reason the last session ended, once. */
export function takeEndReason() {
  const reason = endedBecause;
  endedBecause = null;
  return reason;
}
