import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionSettings } from '../config/load-config';
import type { AccountService } from '../engine/account.service';
import { NotFoundError } from '../engine/errors';
import type { SessionService } from '../engine/session.service';
import { HUMAN_ROLES } from '../machines/petition.vocabulary';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors, ok } from './schemas/common.schema';
import { clearSessionCookie, setSessionCookie } from './session-cookie';

/** Who is signed in, as the console's header shows them. */
export const whoSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(HUMAN_ROLES),
  unit: z.string(),
  unitName: z.string().nullable().describe('the unit’s name, when the unit tree holds it'),
});

const sessionSchema = z.object({
  id: z.uuid(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  userAgent: z.string().nullable(),
  address: z.string().nullable(),
  current: z.boolean().describe('whether this is the session the request came with'),
});

const signInBody = z.object({
  name: z.string().trim().toLowerCase().pipe(z.string().min(1).max(64)),
  password: z.string().min(1).max(256),
});

/**
 * Answers 204 with no body at all. The description declares the 204 as `null` (so it carries no content),
 * which types the route's `send` as wanting `null`; `null` would be serialized as the text "null", so the
 * reply goes out through the untyped reply, empty.
 */
function noContent(reply: FastifyReply) {
  return reply.status(204).send();
}

/** The sign-in routes and a user's own sessions. */
export function registerSessionRoutes(
  app: FastifyInstance,
  deps: { sessions: SessionService; accounts: AccountService; settings: SessionSettings },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const mode = deps.settings.cookieSecure;

  r.post(
    '/sessions',
    {
      schema: {
        operationId: 'signIn',
        tags: [TAGS.accounts.name],
        summary: 'Sign in (登录) with a name and password: sets the console’s session cookie (send X-Petitionflow-Console: 1)',
        description:
          'A wrong name or password, a disabled or a locked account is 401 with `details.reason`; without the console header 403.',
        security: [],
        body: signInBody,
        response: {
          201: ok(
            'signed in: who you are and the new session (the cookie `pf_session` is set)',
            z.object({ user: whoSchema, session: sessionSchema }),
          ),
          ...errors(...COMMON_ERRORS, 403, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const origin = { userAgent: request.headers['user-agent'] ?? null, address: request.ip };
      const opened = await deps.sessions.signIn(request.body.name, request.body.password, origin);
      setSessionCookie(reply, request, opened.secret, mode);
      return reply.status(201).send({ user: await deps.accounts.whoIs(opened.actor), session: opened.session });
    },
  );

  r.get(
    '/sessions/current',
    {
      schema: {
        operationId: 'getCurrentSession',
        tags: [TAGS.accounts.name],
        summary: 'Who the caller is (当前用户), by session or token, and the session, if it is one',
        response: {
          200: ok(
            'the caller and their session (null for a bearer token)',
            z.object({ user: whoSchema, session: sessionSchema.nullable() }),
          ),
          ...errors(...COMMON_ERRORS, 403),
        },
      },
    },
    async (request) => {
      const { actor, sessionId } = request;
      const own = sessionId === null ? [] : await deps.sessions.list(actor.id, sessionId);
      return { user: await deps.accounts.whoIs(actor), session: own.find((s) => s.current) ?? null };
    },
  );

  r.delete(
    '/sessions/current',
    {
      schema: {
        operationId: 'signOut',
        tags: [TAGS.accounts.name],
        summary: 'Sign out (退出登录): ends the session of the cookie',
        response: { 204: z.null().describe('signed out; the cookie is cleared'), ...errors(...COMMON_ERRORS, 403, 404) },
      },
    },
    async (request, reply) => {
      if (request.sessionId === null) throw new NotFoundError('session');
      await deps.sessions.revoke(request.actor.id, request.sessionId);
      clearSessionCookie(reply, request, mode);
      return noContent(reply);
    },
  );

  r.get(
    '/sessions',
    {
      schema: {
        operationId: 'listSessions',
        tags: [TAGS.accounts.name],
        summary: 'The caller’s own live sessions (会话), newest first',
        response: { 200: ok('your live sessions', z.object({ items: z.array(sessionSchema) })), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request) => ({ items: await deps.sessions.list(request.actor.id, request.sessionId) }),
  );

  r.delete(
    '/sessions/:id',
    {
      schema: {
        operationId: 'revokeSession',
        tags: [TAGS.accounts.name],
        summary: 'Revoke one of the caller’s own sessions (注销会话), e.g. one left open on another computer',
        params: z.object({ id: z.uuid().describe('the session id') }),
        response: { 204: z.null().describe('the session is ended'), ...errors(...COMMON_ERRORS, 403, 404) },
      },
    },
    async (request, reply) => {
      await deps.sessions.revoke(request.actor.id, request.params.id);
      if (request.params.id === request.sessionId) clearSessionCookie(reply, request, mode);
      return noContent(reply);
    },
  );
}
