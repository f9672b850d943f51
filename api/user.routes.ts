import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { administersAccounts, newUserSchema, signInNameSchema, userPatchSchema, type AccountService } from '../engine/account.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import { HUMAN_ROLES } from '../machines/petition.vocabulary';

/** An account as an administrator sees it; other roles get only the first four fields. */
const userSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  role: z.enum(HUMAN_ROLES),
  unit: z.string(),
  disabled: z.boolean().optional(),
  lockedUntil: z.string().nullable().optional().describe('when a lockout after failed sign-ins ends, if one runs'),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

const listQuery = z.object({
  unit: divisionCodeSchema.optional().describe('only the users of exactly this unit'),
  role: z.enum(HUMAN_ROLES).optional(),
});

/**
 * Accounts: administrators list, create and change those of their own unit's
 * subtree; every other role lists the names and roles of the enabled users of
 * its subtree (the console's pickers for handlers and leaders).
 */
export function registerUserRoutes(app: FastifyInstance, deps: { accounts: AccountService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/users',
    {
      schema: {
        summary: 'Users in your units: full accounts for administrators, names and roles for everyone else',
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(userSchema) }) },
      },
    },
    async (request) => {
      const { actor } = request;
      const items = administersAccounts(actor)
        ? await deps.accounts.list(request.query, actor)
        : await deps.accounts.directory(request.query, actor);
      return { items };
    },
  );

  r.post(
    '/users',
    { schema: { summary: 'Create an account in your units (administrators)', body: newUserSchema, response: { 201: userSchema } } },
    async (request, reply) => reply.status(201).send(await deps.accounts.create(request.body, request.actor)),
  );

  r.patch(
    '/users/:id',
    {
      schema: {
        summary: 'Change an account: display name, role, unit, disable/enable, reset the password (administrators)',
        params: z.object({ id: signInNameSchema }),
        body: userPatchSchema,
        response: { 200: userSchema },
      },
    },
    async (request) => deps.accounts.update(request.params.id, request.body, request.actor),
  );
}
