/**
 * The console's session cookie and its CSRF rule.
 *
 * The cookie is `HttpOnly` (no script, injected or not, can read it),
 * `SameSite=Strict` (a browser sends it only on requests a page of this site
 * starts) and `Secure` over HTTPS; `Path=/` and no `Domain`, so it goes to
 * this host only. It carries no expiry of its own beyond the session's: the
 * server decides when a session ends.
 *
 * CSRF: SameSite=Strict already keeps the cookie off requests started by other
 * sites. Sibling hosts of the same site (another app on a neighbouring
 * subdomain) are same-site, so every state-changing request authenticated by
 * the cookie must also carry the header {@link CONSOLE_HEADER}. A page of
 * another origin cannot add a custom header without a CORS preflight, which
 * this server never grants; the console's own script adds it to every call.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionSettings } from '../config/load-config';

/** The cookie's name. */
export const SESSION_COOKIE = 'pf_session';

/** The header the console sends with every call (`X-Petitionflow-Console: 1`); required on cookie-authenticated writes. */
export const CONSOLE_HEADER = 'x-petitionflow-console';

/** The session secret in the request's `Cookie` header, if any. */
export function sessionSecretOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function isSecure(request: FastifyRequest, mode: SessionSettings['cookieSecure']): boolean {
  return mode === 'always' || (mode === 'auto' && request.protocol === 'https');
}

/** Sets the session cookie (a session cookie to the browser: it goes when the browser closes, or the session ends first). */
export function setSessionCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  secret: string,
  mode: SessionSettings['cookieSecure'],
): void {
  const flags = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(isSecure(request, mode) ? ['Secure'] : [])];
  void reply.header('set-cookie', `${SESSION_COOKIE}=${secret}; ${flags.join('; ')}`);
}

/** Tells the browser to forget the session cookie. */
export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, mode: SessionSettings['cookieSecure']): void {
  const flags = ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(isSecure(request, mode) ? ['Secure'] : [])];
  void reply.header('set-cookie', `${SESSION_COOKIE}=; ${flags.join('; ')}`);
}
