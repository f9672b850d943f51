import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SupervisionService } from '../engine/supervision.service';
import { divisionCodeSchema } from '../machines/petition.roles';

/** The listed-supervision board (挂牌督办 until 挂牌销号); who sees it is the access module's `supervision.board`. */
export function registerSupervisionRoutes(app: FastifyInstance, deps: { supervision: SupervisionService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/supervision',
    {
      schema: {
        summary: 'Escalated and listed cases until they close, with overdue and at-risk counts per unit',
        querystring: z.object({ unit: divisionCodeSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => deps.supervision.board(request.actor, { unit: request.query.unit, limit: request.query.limit }),
  );
}
