import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { administersAccounts, newUserSchema, signInNameSchema, userPatchSchema, type AccountService } from '../engine/account.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import { HUMAN_ROLES } from '../machines/petition.vocabulary';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors, ok } from './schemas/common.schema';

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
        operationId: 'listUsers',
        tags: [TAGS.accounts.name],
        summary: 'Users (用户) in your units: full accounts for administrators, names and roles for everyone else',
        querystring: listQuery,
        response: { 200: ok('the users of your subtree', z.object({ items: z.array(userSchema) })), ...errors(...COMMON_ERRORS, 403) },
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
    {
      schema: {
        operationId: 'createUser',
        tags: [TAGS.accounts.name],
        summary: 'Create an account (新建用户) in your units (administrators)',
        body: newUserSchema,
        response: { 201: ok('the new account', userSchema), ...errors(...COMMON_ERRORS, 403, 413, 415, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await deps.accounts.create(request.body, request.actor)),
  );

  r.patch(
    '/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        tags: [TAGS.accounts.name],
        summary: 'Change an account (修改用户): display name, role, unit, disable/enable, reset the password (administrators)',
        params: z.object({ id: signInNameSchema }),
        body: userPatchSchema,
        response: { 200: ok('the account after the change', userSchema), ...errors(...COMMON_ERRORS, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => deps.accounts.update(request.params.id, request.body, request.actor),
  );
}
