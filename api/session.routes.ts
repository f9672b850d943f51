import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SessionSettings } from '../config/load-config';
import type { AccountService } from '../engine/account.service';
import { NotFoundError } from '../engine/errors';
import type { SessionService } from '../engine/session.service';
import { HUMAN_ROLES } from '../machines/petition.vocabulary';
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
        summary: 'Sign in with a name and password: sets the console’s session cookie (send X-Petitionflow-Console: 1)',
        security: [],
        body: signInBody,
        response: { 201: z.object({ user: whoSchema, session: sessionSchema }) },
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
        summary: 'Who the caller is (by session or token), and the session, if it is one',
        response: { 200: z.object({ user: whoSchema, session: sessionSchema.nullable() }) },
      },
    },
    async (request) => {
      const { actor, sessionId } = request;
      const own = sessionId === null ? [] : await deps.sessions.list(actor.id, sessionId);
      return { user: await deps.accounts.whoIs(actor), session: own.find((s) => s.current) ?? null };
    },
  );

  r.delete('/sessions/current', { schema: { summary: 'Sign out: ends the session of the cookie' } }, async (request, reply) => {
    if (request.sessionId === null) throw new NotFoundError('session');
    await deps.sessions.revoke(request.actor.id, request.sessionId);
    clearSessionCookie(reply, request, mode);
    return reply.status(204).send();
  });

  r.get(
    '/sessions',
    { schema: { summary: 'The caller’s own live sessions, newest first', response: { 200: z.object({ items: z.array(sessionSchema) }) } } },
    async (request) => ({ items: await deps.sessions.list(request.actor.id, request.sessionId) }),
  );

  r.delete(
    '/sessions/:id',
    {
      schema: {
        summary: 'Revoke one of the caller’s own sessions (e.g. one left open on another computer)',
        params: z.object({ id: z.uuid() }),
      },
    },
    async (request, reply) => {
      await deps.sessions.revoke(request.actor.id, request.params.id);
      if (request.params.id === request.sessionId) clearSessionCookie(reply, request, mode);
      return reply.status(204).send();
    },
  );
}
