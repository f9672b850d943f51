import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditService } from '../engine/audit.service';
import { narrowScope, requireCapability } from '../engine/access';
import type { CaseQueryService } from '../engine/case-query.service';
import { ValidationError } from '../engine/errors';
import { divisionCodeSchema } from '../machines/petition.roles';
import type { ApiMetrics } from './metrics';

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

  r.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  r.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks = await deps.readiness();
    const ok = Object.values(checks).every(Boolean);
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });

  r.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    return reply.header('content-type', deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  r.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  r.get(
    '/audit/verify',
    {
      schema: {
        summary: 'Walk every hash chain in scope and name the first broken entry',
        querystring: z.object({ unit: divisionCodeSchema.optional() }),
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
