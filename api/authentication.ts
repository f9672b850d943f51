/**
 * Who is calling: every route but the public ones needs either a bearer token
 * (`Authorization: Bearer …`, for scripts and API clients, api/auth.ts) or the
 * console's session cookie (api/session-cookie.ts). A token wins when both
 * are sent. A token naming an account that is disabled is refused like a
 * session of that account: "disabled" means at once, whatever the credential.
 *
 * Then the one gate on case data: every authenticated route outside account
 * and unit administration may reveal a case, so it needs `cases.read`, which
 * an administrator does not hold. New routes are guarded by default; a route
 * that carries no case data and that administrators need is added to
 * {@link ROUTES_WITHOUT_CASE_DATA}.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccountService } from '../engine/account.service';
import { requireCapability } from '../engine/access';
import { AccessError } from '../engine/errors';
import type { SessionService } from '../engine/session.service';
import type { Actor } from '../machines/petition.roles';
import { bearerToken, verifyToken } from './auth';
import { pathOnly } from './http-hardening';
import { CONSOLE_HEADER, sessionSecretOf } from './session-cookie';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller named by the bearer token or the session; set for every route but the public ones. */
    actor: Actor;
    /** The console session the request came with; null for a bearer token or a public route. */
    sessionId: string | null;
  }
}

/** Path prefixes of routes that carry no case data: accounts, sessions and the unit tree. */
export const ROUTES_WITHOUT_CASE_DATA: readonly string[] = ['/sessions', '/users', '/units'];

/** Methods that change something: a cookie-authenticated one must carry the console's header. */
const STATE_CHANGING: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function isUnder(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

/** Whether a request is the sign-in itself (public: it is how a session starts). */
export function isSignIn(request: FastifyRequest): boolean {
  return request.method === 'POST' && pathOnly(request.url) === '/sessions';
}

/** What {@link registerAuthentication} checks credentials against. */
export interface AuthenticationDeps {
  readonly authSecret: string;
  readonly tokenMaxLifetime: string;
  readonly sessions: SessionService;
  readonly accounts: AccountService;
  /** Path prefixes that need no credential at all (probes, API description, static files). */
  readonly publicPrefixes: readonly string[];
}

/** The cross-site request rule for cookie-authenticated writes (see api/session-cookie.ts). */
export function requireConsoleHeader(request: FastifyRequest): void {
  if (STATE_CHANGING.has(request.method) && request.headers[CONSOLE_HEADER] !== '1') {
    throw new AccessError('FORBIDDEN', `a change made with the session cookie must carry the header ${CONSOLE_HEADER}: 1`);
  }
}

async function actorOf(request: FastifyRequest, deps: AuthenticationDeps): Promise<Actor> {
  const secret = sessionSecretOf(request);
  if (request.headers.authorization !== undefined || secret === undefined) {
    const actor = await verifyToken(deps.authSecret, bearerToken(request.headers.authorization), deps.tokenMaxLifetime);
    if (await deps.accounts.isDisabled(actor.id)) throw new AccessError('UNAUTHORIZED', 'this account is disabled');
    return actor;
  }
  const { actor, sessionId } = await deps.sessions.authenticate(secret);
  requireConsoleHeader(request);
  request.sessionId = sessionId;
  return actor;
}

/** Registers the authentication hook and the case-data gate (before any route). */
export function registerAuthentication(app: FastifyInstance, deps: AuthenticationDeps): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('sessionId', null);
  app.addHook('onRequest', async (request) => {
    const path = pathOnly(request.url);
    // A CORS preflight carries no token by design; it is answered (or not found) without one.
    if (request.method === 'OPTIONS') return;
    if (path === '/' || isUnder(path, deps.publicPrefixes)) return;
    if (isSignIn(request)) {
      // No session yet to forge a request with; the header still keeps other sites from signing a browser in.
      requireConsoleHeader(request);
      return;
    }
    request.actor = await actorOf(request, deps);
    if (!isUnder(path, ROUTES_WITHOUT_CASE_DATA)) requireCapability(request.actor, 'cases.read');
  });
}
