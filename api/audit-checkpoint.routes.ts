import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditCheckpointService } from '../engine/audit-checkpoint.service';
import { AccessError } from '../engine/errors';
import type { Actor } from '../machines/petition.roles';

function requireRole(actor: Actor, roles: readonly string[], what: string): void {
  if (!roles.includes(actor.role)) throw new AccessError('FORBIDDEN', `only ${roles.join(' and ')}s ${what}`);
}

/**
 * Signed checkpoints of the audit trail: list them, take one now, and check
 * the newest against the trail. Answers carry no leaves (case ids of every
 * unit); the full checkpoint is the operator's file (`audit checkpoint --out`).
 */
export function registerAuditCheckpointRoutes(app: FastifyInstance, deps: { checkpoints: AuditCheckpointService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/audit/checkpoints',
    {
      schema: {
        summary: 'Signed checkpoints of the audit trail, newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(200).optional() }),
      },
    },
    async (request) => {
      requireRole(request.actor, ['auditor'], 'list checkpoints');
      return deps.checkpoints.list(request.query.limit, request.query.cursor);
    },
  );

  r.post('/audit/checkpoints', { schema: { summary: 'Verify the whole trail, then sign and store a checkpoint of every case head' } }, async (request, reply) => {
    requireRole(request.actor, ['auditor', 'supervisor'], 'take checkpoints');
    const { leaves: _leaves, ...checkpoint } = await deps.checkpoints.take();
    return reply.status(201).send(checkpoint);
  });

  r.get(
    '/audit/checkpoints/latest/verify',
    { schema: { summary: 'Check the newest checkpoint’s signature and that no case it covers has changed since' } },
    async (request) => {
      requireRole(request.actor, ['auditor', 'supervisor'], 'verify checkpoints');
      return { checkpoint: (await deps.checkpoints.verifyLatest(request.actor.unit)) ?? null };
    },
  );
}
