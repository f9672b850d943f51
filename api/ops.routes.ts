import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditService } from '../engine/audit.service';
import { narrowScope, requireCapability } from '../engine/access';
import type { CaseQueryService } from '../engine/case-query.service';
import { ValidationError } from '../engine/errors';
import { divisionCodeSchema } from '../machines/petition.roles';
import type { ApiMetrics } from './metrics';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors, ok } from './schemas/common.schema';
import { healthSchema, readinessSchema, verificationSchema } from './schemas/ops.schema';

/** Probes, metrics, the OpenAPI description and the whole-trail audit check. */
export function registerOpsRoutes(
  app: FastifyInstance,
  deps: {
    audit: AuditService;
    readiness: () => Promise<Record<string, boolean>>;
    metrics: ApiMetrics;
    queries: Pick<CaseQueryService, 'count'>;
    /** The most cases one `GET /audit/verify` walks; a wider scope is refused. */
    verifyMaxCases: number;
  },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/healthz',
    {
      schema: {
        operationId: 'checkLiveness',
        tags: [TAGS.operations.name],
        summary: 'Liveness probe (存活检查)',
        description: 'Answers while the process runs; needs no token.',
        security: [],
        response: { 200: ok('the process is alive', healthSchema) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  r.get(
    '/readyz',
    {
      schema: {
        operationId: 'checkReadiness',
        tags: [TAGS.operations.name],
        summary: 'Readiness probe (就绪检查)',
        description: 'Whether the database and the queue answer; needs no token.',
        security: [],
        response: {
          200: ok('every backing service answers', readinessSchema),
          503: ok('some backing service does not answer', readinessSchema),
        },
      },
    },
    async (_req, reply) => {
      const checks = await deps.readiness();
      const ready = Object.values(checks).every(Boolean);
      return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );

  r.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    return reply.header('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  r.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  r.get(
    '/audit/verify',
    {
      schema: {
        operationId: 'verifyAuditTrail',
        tags: [TAGS.audit.name],
        summary: 'Walk every hash chain in scope and name the first broken entry (审计核验)',
        description: 'For auditors and supervisors. A unit outside your own is not widened to: your own subtree is checked instead.',
        querystring: z.object({ unit: divisionCodeSchema.optional().describe('check only this unit and the units below it') }),
        response: { 200: ok('the outcome of the check', verificationSchema), ...errors(...COMMON_ERRORS, 403, 429) },
      },
    },
    async (request) => {
      const { actor } = request;
      requireCapability(actor, 'audit.verify');
      // A unit outside the caller's subtree is not widened to: the caller's own subtree is checked instead.
      const scope = narrowScope(request.query.unit, actor);
      // Walking every chain of a province is the CLI's job (`petitionflow verify-audit`), not a request's.
      if ((await deps.queries.count(scope)) > deps.verifyMaxCases) {
        throw new ValidationError('scope too large', [
          { path: ['unit'], message: `more than ${deps.verifyMaxCases} cases: verify a narrower unit, or run petitionflow verify-audit` },
        ]);
      }
      return deps.audit.verifyAudit(scope);
    },
  );
}
