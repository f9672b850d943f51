import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditService } from '../engine/audit.service';
import { narrowScope, requireCapability } from '../engine/access';
import type { CaseQueryService } from '../engine/case-query.service';
import type { VerifyRunService } from '../engine/verify-run.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import type { ApiMetrics } from './metrics';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors, ok } from './schemas/common.schema';
import { healthSchema, readinessSchema, verificationSchema, verifyRunSchema } from './schemas/ops.schema';

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
        summary: 'Walk every hash chain in scope and check every case row against its trail (审计核验)',
        description:
          'For auditors and supervisors. A unit outside your own is not widened to: your own subtree is checked instead. ' +
          'A scope with more cases than this server walks while you wait answers 202 with a background run ' +
          '(its `Location` is `/audit/verify-runs/{id}`): poll that run for the result.',
        querystring: z.object({ unit: divisionCodeSchema.optional().describe('check only this unit and the units below it') }),
        response: {
          200: ok('the outcome of the check', verificationSchema),
          202: ok('the scope is large: a background run was started instead', verifyRunSchema),
          ...errors(...COMMON_ERRORS, 403, 429),
        },
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
        operationId: 'startVerifyRun',
        tags: [TAGS.audit.name],
        summary: 'Start a background verification of a unit subtree (后台审计核验)',
        description:
          'For auditors and supervisors. `fast` walks every hash chain and checks each case row against the state and snapshot digest ' +
          'its last entry records; `replay` also replays every case through its machine version. A unit outside your own is not ' +
          'widened to: your own subtree is verified instead. Too many live runs answer 429.',
        body: z
          .object({
            unit: divisionCodeSchema.optional().describe('verify only this unit and the units below it'),
            mode: z.enum(['fast', 'replay']).default('fast').describe('`fast` (digests) or `replay` (every case through its machine)'),
          })
          .strict(),
        response: { 202: ok('the run was started: poll its Location', verifyRunSchema), ...errors(...COMMON_ERRORS, 403, 429) },
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
        operationId: 'getVerifyRun',
        tags: [TAGS.audit.name],
        summary: 'A background verification: its progress, and its result once done (审计核验进度)',
        description: 'For auditors and supervisors; a run over a scope outside your units answers 404.',
        params: z.object({ id: z.uuid().describe('the run id') }),
        response: { 200: ok('the run', verifyRunSchema), ...errors(...COMMON_ERRORS, 403, 404) },
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.verify');
      return deps.runs.get(request.params.id, request.actor);
    },
  );
}
