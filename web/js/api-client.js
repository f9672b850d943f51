/* global document, fetch, FormData, location, URL */
/**
 * The console's only way to the server: the HTTP API with the user's session
 * cookie (sent by the browser itself) or bearer token. Every call carries the
 * console's header, which the API requires of changes made with the cookie
 * (no other site's page can add it). Errors arrive as {@link ApiError}
 * carrying the API's own `{error: {code, message, details}}`, so views show
 * what the API said.
 */
import { t } from './i18n/i18n.js';
import { currentSession, endSession, startSession } from './session.js';

/** The header the API asks of cookie-authenticated changes (see api/session-cookie.ts). */
const CONSOLE_HEADER = { 'x-petitionflow-console': '1' };

/** The API's root: the console is served at `<root>/console/`, so this also works behind a path prefix. */
export const API_ROOT = new URL('../', document.baseURI);

/** An answer other than 2xx, as the API described it. */
export class ApiError extends Error {
  constructor(status, error) {
    super(error.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code;
    this.details = error.details;
  }
}

/** Makes a URL under the API root from a path and query parameters (empty ones left out). */
export function apiUrl(path, query = {}) {
  const url = new URL(path.replace(/^\//, ''), API_ROOT);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  return url;
}

/**
 * Calls the API. `as` is `json` (the default) or `blob` (downloads). A 401
 * ends the session and sends the user to sign in: the token is no longer good.
 */
export async function api(path, { method = 'GET', query, body, headers = {}, as = 'json' } = {}) {
  const session = currentSession();
  // A form with a file goes as multipart; the browser writes its content type with the boundary.
  const form = body instanceof FormData;
  if (session === null) {
    // Signed out or expired in the meantime (currentSession() has kept the reason for the sign-in page).
    location.hash = '#/sign-in';
    throw new ApiError(401, { code: 'UNAUTHORIZED', message: t('session.signInFirst') });
  }
  const response = await fetch(apiUrl(path, query), {
    method,
    credentials: 'same-origin',
    headers: {
      ...CONSOLE_HEADER,
      ...(session.token !== null && { authorization: `Bearer ${session.token}` }),
      accept: as === 'json' ? 'application/json' : '*/*',
      ...(body !== undefined && !form && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: form ? body : JSON.stringify(body) }),
  });
  if (response.status === 204) return null;
  if (response.ok) return as === 'blob' ? response.blob() : response.json();
  const error = await errorOf(response);
  if (response.status === 401) {
    endSession(t('session.expired'));
    location.hash = '#/sign-in';
  }
  throw new ApiError(response.status, error);
}

/** A call made before anyone is signed in (sign-in, resuming a session): the cookie, if any, and the console header. */
async function anonymous(path, { method = 'GET', body, headers = {} } = {}) {
  const response = await fetch(apiUrl(path), {
    method,
    credentials: 'same-origin',
    headers: {
      ...CONSOLE_HEADER,
      accept: 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (response.status === 204) return null;
  if (response.ok) return response.json();
  throw new ApiError(response.status, await errorOf(response));
}

/** Signs in with a name and password: the API sets the session cookie and answers the profile. */
export async function signInWithPassword(name, password) {
  const { user } = await anonymous('/sessions', { method: 'POST', body: { name, password } });
  startSession({ profile: user });
  return user;
}

/** Signs in with an API token, once the API has accepted it and said whose it is. */
export async function signInWithToken(token) {
  const { user } = await anonymous('/sessions/current', { headers: { authorization: `Bearer ${token}` } });
  startSession({ token, profile: user });
  return user;
}

/**
 * Picks up a session the browser already holds (another tab signed in, or
 * this one was reloaded): true when the cookie is still good.
 */
export async function resumeSession() {
  try {
    const { user } = await anonymous('/sessions/current');
    startSession({ profile: user });
    return true;
  } catch {
    return false;
  }
}

/** Signs out: ends the cookie's session on the server (a token simply stops being used), then in this tab. */
export async function signOut() {
  const session = currentSession();
  if (session !== null && session.token === null) {
    await anonymous('/sessions/current', { method: 'DELETE' }).catch(() => undefined);
  }
  endSession(t('session.signedOut'));
}

/** The public API description (`/openapi.json` needs no token). */
export async function apiDescription() {
  const response = await fetch(apiUrl('openapi.json'), { headers: { accept: 'application/json' } });
  if (!response.ok) throw new ApiError(response.status, await errorOf(response));
  return response.json();
}

async function errorOf(response) {
  try {
    const parsed = await response.json();
    if (parsed && typeof parsed.error === 'object') return parsed.error;
  } catch {
    // not JSON (a proxy's error page): described below
  }
  return { code: `HTTP_${response.status}`, message: response.statusText || 'request failed' };
}
