import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { durationMillis } from '../machines/iso-duration';
import type { ApiLimits } from '../config/load-config';
import { RateLimitedError } from '../engine/errors';

/** Methods that change something: the rate limits on writes count these. */
const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The CSP of every API answer: JSON and CSV are never to be run or framed,
 * whatever a browser sniffs (the console and `/docs` carry their own).
 */
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The path of a URL, without its query string (which may carry a cursor, a unit, anything a client put there). */
export function pathOnly(url: string): string {
  return url.split('?')[0] ?? '';
}

/** Whether a path is a static file of the console or of `/docs` (public, cacheable, with CSPs of their own). */
function isStaticFile(path: string, staticPrefixes: readonly string[]): boolean {
  return staticPrefixes.some((p) => path === p || path.startsWith(`${p}/`));
}

/** The account a sign-in names, as the per-name limit counts it (case and spaces do not make a new name). */
function signInName(request: FastifyRequest): string {
  const name = (request.body as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name.trim().toLowerCase() : '';
}

/**
 * How a request appears in the request log: method and path, never the query
 * string, never a header or the body (Fastify's default serialiser logs the
 * whole URL).
 */
export function requestLogView(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: pathOnly(req.url), remoteAddress: req.ip };
}

/**
 * Security headers and rate limits, registered before any route:
 * `@fastify/helmet`'s headers (nosniff, no framing, no referrer, …) on every
 * answer; `Cache-Control: no-store` and a deny-all CSP on every API answer,
 * since any of them may carry a name, an ID number or a phone; and per-window
 * limits on writes (per client address, before the token is even checked,
 * and per actor), on `GET /audit/verify` and `POST /audit/verify-runs` (per actor) and on sign-in
 * (`POST /sessions`, per address and per account name). A limit reached is a
 * 429 RATE_LIMITED with `Retry-After`. Counters live in this process's memory:
 * N API processes behind a balancer allow N times the limits.
 */
export async function registerHardening(app: FastifyInstance, limits: ApiLimits, staticPrefixes: readonly string[]): Promise<void> {
  await app.register(helmet, { global: true, contentSecurityPolicy: false });
  await app.register(rateLimit, { global: false });
  const timeWindow = durationMillis(limits.rateLimitWindow);
  const actorKey = (r: FastifyRequest) => `${r.actor.id}\u0000${r.actor.role}\u0000${r.actor.unit}`;
  const perAddress = app.createRateLimit({ max: limits.writesPerAddress, timeWindow, keyGenerator: (r) => `write-address:${r.ip}` });
  const perUser = app.createRateLimit({ max: limits.writesPerUser, timeWindow, keyGenerator: (r) => `write-actor:${actorKey(r)}` });
  const verifies = app.createRateLimit({ max: limits.auditVerifyPerUser, timeWindow, keyGenerator: (r) => `verify-actor:${actorKey(r)}` });
  // Sign-in: per address (one machine guessing many names) and per name (many machines guessing one password).
  const signInsPerAddress = app.createRateLimit({
    max: limits.signInPerAddress,
    timeWindow,
    keyGenerator: (r) => `signin-address:${r.ip}`,
  });
  const signInsPerName = app.createRateLimit({
    max: limits.signInPerName,
    timeWindow,
    keyGenerator: (r) => `signin-name:${signInName(r)}`,
  });

  const enforce = async (limiter: typeof perAddress, request: FastifyRequest): Promise<void> => {
    const outcome = await limiter(request);
    if (!outcome.isAllowed && outcome.isExceeded) throw new RateLimitedError(Math.max(1, outcome.ttlInSeconds));
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isStaticFile(pathOnly(request.url), staticPrefixes)) {
      void reply.header('cache-control', 'no-store');
      void reply.header('content-security-policy', API_CSP);
    }
    if (WRITE_METHODS.has(request.method)) await enforce(perAddress, request);
  });
  // After authentication (an onRequest hook), so the actor is known; after parsing, so the sign-in's name is.
  app.addHook('preHandler', async (request: FastifyRequest) => {
    if (request.method === 'POST' && request.routeOptions.url === '/sessions') {
      await enforce(signInsPerAddress, request);
      await enforce(signInsPerName, request);
    }
    if (request.actor === null) return;
    if (WRITE_METHODS.has(request.method)) await enforce(perUser, request);
    if (request.routeOptions.url === '/audit/verify' || (request.routeOptions.url === '/audit/verify-runs' && request.method === 'POST')) {
      await enforce(verifies, request);
    }
  });
}
