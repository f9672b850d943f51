import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccessError } from '../engine/errors';
import type { IncidentRecord, IncidentService } from '../engine/incident.service';

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
        summary: 'Background jobs that exhausted their retries, in your units',
        querystring: z.object({ all: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => ({ items: await deps.incidents.listFor(request.actor, { all: request.query.all === 'true', limit: request.query.limit }) }),
  );

  r.post(
    '/incidents/:id/retry',
    { schema: { summary: 'Retry the job behind an incident', params: z.object({ id: z.string().regex(/^\d{1,18}$/) }) } },
    async (request) => {
      const incident = await deps.incidents.findForRetry(request.params.id, request.actor);
      if (deps.retrier === undefined) throw new AccessError('FORBIDDEN', 'this process runs no queues');
      return deps.retrier.retryIncident(incident.id);
    },
  );
}
