import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { SupervisionService } from '../engine/supervision.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import { TAGS } from './openapi';
import { COMMON_ERRORS, cursorQuery, errors, limitQuery, ok } from './schemas/common.schema';
import { supervisionBoardSchema } from './schemas/ops.schema';

/** The listed-supervision board (挂牌督办 until 挂牌销号); who sees it is the access module's `supervision.board`. */
export function registerSupervisionRoutes(app: FastifyInstance, deps: { supervision: SupervisionService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/supervision',
    {
      schema: {
        operationId: 'getSupervisionBoard',
        tags: [TAGS.supervision.name],
        summary: 'The listed-supervision board (督办看板): escalated and listed cases until they close',
        description:
          'For supervisors, leaders and auditors: active, listed, overdue and at-risk counts per unit, and the escalated or listed open cases, one page at a time.',
        querystring: z.object({
          unit: divisionCodeSchema.optional().describe('narrow to this unit and the units below it'),
          limit: limitQuery(500, 100),
          cursor: cursorQuery,
        }),
        response: { 200: ok('the board', supervisionBoardSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request) =>
      deps.supervision.board(request.actor, { unit: request.query.unit, limit: request.query.limit, cursor: request.query.cursor }),
  );
}
