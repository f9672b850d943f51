/* global document, fetch, location, URL */
/**
 * The console's only way to the server: the HTTP API with the user's bearer
 * token. Errors arrive as {@link ApiError} carrying the API's own
 * `{error: {code, message, details}}`, so views show what the API said.
 */
import { currentSession, endSession } from './session.js';

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
  if (session === null) {
    // Signed out or expired in the meantime (currentSession() has kept the reason for the sign-in page).
    location.hash = '#/sign-in';
    throw new ApiError(401, { code: 'UNAUTHORIZED', message: '请先登录 Sign in first' });
  }
  const response = await fetch(apiUrl(path, query), {
    method,
    headers: {
      authorization: `Bearer ${session.token}`,
      accept: as === 'json' ? 'application/json' : '*/*',
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (response.ok) return as === 'blob' ? response.blob() : response.json();
  const error = await errorOf(response);
  if (response.status === 401) {
    endSession(`登录已失效：${error.message}。Your sign-in is no longer valid.`);
    location.hash = '#/sign-in';
  }
  throw new ApiError(response.status, error);
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
