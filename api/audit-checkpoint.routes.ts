import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCapability } from '../engine/access';
import type { AuditCheckpointService } from '../engine/audit-checkpoint.service';
import { TAGS } from './openapi';
import { checkpointPageSchema, checkpointSummarySchema, checkpointVerificationSchema } from './schemas/audit-checkpoint.schema';
import { COMMON_ERRORS, cursorQuery, errors, ok } from './schemas/common.schema';

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
        operationId: 'listAuditCheckpoints',
        tags: [TAGS.audit.name],
        summary: 'Signed checkpoints of the audit trail, newest first (审计检查点)',
        description: 'For auditors. Each checkpoint signs a Merkle root over every case head with a key kept outside the database.',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: cursorQuery }),
        response: { 200: ok('a page of checkpoints', checkpointPageSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.checkpoints.list');
      return deps.checkpoints.list(request.query.limit, request.query.cursor);
    },
  );

  r.post(
    '/audit/checkpoints',
    {
      schema: {
        operationId: 'takeAuditCheckpoint',
        tags: [TAGS.audit.name],
        summary: 'Verify the whole trail, then sign and store a checkpoint (签署检查点)',
        description: 'Refused with 409 TRAIL_BROKEN when the trail does not verify: nothing vouches for a broken trail.',
        response: { 201: ok('the checkpoint taken', checkpointSummarySchema), ...errors(...COMMON_ERRORS, 403, 409, 429) },
      },
    },
    async (request, reply) => {
      requireCapability(request.actor, 'audit.checkpoints.take');
      const { leaves: _leaves, ...checkpoint } = await deps.checkpoints.take();
      return reply.status(201).send(checkpoint);
    },
  );

  r.get(
    '/audit/checkpoints/latest/verify',
    {
      schema: {
        operationId: 'verifyLatestAuditCheckpoint',
        tags: [TAGS.audit.name],
        summary: 'Check the newest checkpoint against the trail (核验检查点)',
        description:
          'Checks the stored copy: against a hostile database owner only a copy kept elsewhere proves anything (`petitionflow audit verify --against FILE`).',
        response: { 200: ok('the newest checkpoint checked, or null', checkpointVerificationSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.checkpoints.take');
      return { checkpoint: (await deps.checkpoints.verifyLatest(request.actor.unit)) ?? null };
    },
  );
}
