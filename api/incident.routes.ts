import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { caseInScope, findCase } from '../db/case.repository';
import { findIncident, listIncidents, type IncidentRecord } from '../db/incident.repository';
import type { Database } from '../db/schema';
import { AccessError, NotFoundError } from '../engine/errors';

/** Retries the job behind an incident (the worker runtime does this). */
export interface IncidentRetrier {
  retryIncident(id: string): Promise<IncidentRecord>;
}

/** Jobs that failed for good: listed for supervisors and auditors, retried by supervisors. */
export function registerIncidentRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; retrier?: IncidentRetrier | undefined }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/incidents',
    {
      schema: {
        summary: 'Background jobs that exhausted their retries, in your units',
        querystring: z.object({ all: z.enum(['true', 'false']).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => {
      const { actor } = request;
      if (actor.role !== 'supervisor' && actor.role !== 'auditor') throw new AccessError('FORBIDDEN', 'only supervisors and auditors see incidents');
      return { items: await listIncidents(deps.db, { scopeUnit: actor.unit, all: request.query.all === 'true', limit: request.query.limit }) };
    },
  );

  r.post(
    '/incidents/:id/retry',
    { schema: { summary: 'Retry the job behind an incident', params: z.object({ id: z.string().regex(/^\d{1,18}$/) }) } },
    async (request) => {
      const { actor } = request;
      if (actor.role !== 'supervisor') throw new AccessError('FORBIDDEN', 'only supervisors retry incidents');
      const incident = await findIncident(deps.db, request.params.id);
      const c = incident?.caseId == null ? undefined : await findCase(deps.db, incident.caseId);
      if (incident === undefined || c === undefined || !caseInScope(c, actor.unit)) throw new NotFoundError('incident');
      if (deps.retrier === undefined) throw new AccessError('FORBIDDEN', 'this process runs no queues');
      return deps.retrier.retryIncident(incident.id);
    },
  );
}
