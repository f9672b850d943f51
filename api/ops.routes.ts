import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditService } from '../engine/audit.service';
import { narrowScope, requireCapability } from '../engine/access';
import type { CaseQueryService } from '../engine/case-query.service';
import type { VerifyRunService } from '../engine/verify-run.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import type { ApiMetrics } from './metrics';

const brokenSchema = z.object({ caseId: z.string(), seq: z.number().int(), reason: z.string() });

/** The answer of a verification: entries and cases checked, and the first break if any. */
const verificationSchema = z.object({ ok: z.boolean(), checked: z.number().int(), cases: z.number().int(), firstBroken: brokenSchema.optional() });

/** A background verification run. */
const verifyRunSchema = z.object({
  id: z.uuid(),
  status: z.enum(['running', 'done', 'failed', 'interrupted']),
  mode: z.enum(['fast', 'replay']),
  unit: z.string().nullable(),
  progress: z.object({ cases: z.number().int(), totalCases: z.number().int(), checked: z.number().int() }),
  result: verificationSchema.optional(),
  error: z.string().optional(),
  createdAt: z.string(),
  finishedAt: z.string().optional(),
});

/** Probes, metrics, the OpenAPI description and the whole-trail audit check. */
export function registerOpsRoutes(
  app: FastifyInstance,
  deps: {
    audit: AuditService;
    readiness: () => Promise<Record<string, boolean>>;
    metrics: ApiMetrics;
    queries: Pick<CaseQueryService, 'count'>;
    /** The most cases one `GET /audit/verify` walks while the caller waits; a wider scope becomes a background run. */
    verifyMaxCases: number;
    runs: VerifyRunService;
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
        summary: 'Walk every hash chain in scope and check every case row against its trail; a large scope answers 202 with a background run',
        querystring: z.object({ unit: divisionCodeSchema.optional() }),
        response: { 200: verificationSchema, 202: verifyRunSchema },
      },
    },
    async (request, reply) => {
      const { actor } = request;
      requireCapability(actor, 'audit.verify');
      // A unit outside the caller's subtree is not widened to: the caller's own subtree is checked instead.
      const scope = narrowScope(request.query.unit, actor);
      // A scope too large to walk while the caller waits is verified in the background: poll the run.
      if ((await deps.queries.count(scope)) > deps.verifyMaxCases) {
        const run = await deps.runs.start(actor, scope, 'fast');
        return reply.status(202).header('location', `/audit/verify-runs/${run.id}`).send(run);
      }
      return reply.status(200).send(await deps.audit.verifyAudit(scope));
    },
  );

  r.post(
    '/audit/verify-runs',
    {
      schema: {
        summary: 'Start a background verification of a unit subtree (`replay` also replays every case through its machine version)',
        body: z.object({ unit: divisionCodeSchema.optional(), mode: z.enum(['fast', 'replay']).default('fast') }).strict(),
        response: { 202: verifyRunSchema },
      },
    },
    async (request, reply) => {
      const { actor } = request;
      requireCapability(actor, 'audit.verify');
      const run = await deps.runs.start(actor, narrowScope(request.body.unit, actor), request.body.mode);
      return reply.status(202).header('location', `/audit/verify-runs/${run.id}`).send(run);
    },
  );

  r.get(
    '/audit/verify-runs/:id',
    {
      schema: {
        summary: 'A background verification: its progress, and its result once done',
        params: z.object({ id: z.uuid() }),
        response: { 200: verifyRunSchema },
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.verify');
      return deps.runs.get(request.params.id, request.actor);
    },
  );
}
