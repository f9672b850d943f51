import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccessError } from '../engine/errors';
import type { IncidentRecord, IncidentService } from '../engine/incident.service';
import { TAGS } from './openapi';
import { COMMON_ERRORS, cursorQuery, errors, limitQuery, ok, queryBoolean } from './schemas/common.schema';
import { incidentPageSchema, incidentSchema } from './schemas/ops.schema';

/** Retries the job behind an incident (the worker runtime does this). */
export interface IncidentRetrier {
  retryIncident(id: string): Promise<IncidentRecord>;
}

/** Jobs that failed for good, in the caller's units; who may list or retry them is the access module's. */
export function registerIncidentRoutes(
  app: FastifyInstance,
  deps: { incidents: IncidentService; retrier?: IncidentRetrier | undefined },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/incidents',
    {
      schema: {
        operationId: 'listIncidents',
        tags: [TAGS.incidents.name],
        summary: 'Background jobs that exhausted their retries, in your units (故障任务), newest first',
        description: 'For supervisors and auditors. Open incidents only, unless `all`.',
        querystring: z.object({
          all: queryBoolean.optional().describe('also incidents already retried or resolved'),
          limit: limitQuery(500, 100),
          cursor: cursorQuery,
        }),
        response: { 200: ok('one page of incidents', incidentPageSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request) =>
      deps.incidents.listFor(request.actor, { all: request.query.all === true, limit: request.query.limit, cursor: request.query.cursor }),
  );

  r.post(
    '/incidents/:id/retry',
    {
      schema: {
        operationId: 'retryIncident',
        tags: [TAGS.incidents.name],
        summary: 'Retry the job behind an incident (重试)',
        description: 'For supervisors. Puts the failed job back to work and marks the incident retried.',
        params: z.object({
          id: z
            .string()
            .regex(/^\d{1,18}$/)
            .describe('the incident id'),
        }),
        response: { 200: ok('the incident, now retried', incidentSchema), ...errors(...COMMON_ERRORS, 403, 404, 429) },
      },
    },
    async (request) => {
      const incident = await deps.incidents.findForRetry(request.params.id, request.actor);
      if (deps.retrier === undefined) throw new AccessError('FORBIDDEN', 'this process runs no queues');
      return deps.retrier.retryIncident(incident.id);
    },
  );
}
