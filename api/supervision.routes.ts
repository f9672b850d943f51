import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { inSubtree } from '../db/case.repository';
import { listedCaseIds, supervisionCounts } from '../db/supervision.repository';
import type { Database } from '../db/schema';
import type { CaseQueryService } from '../engine/case-query.service';
import { AccessError } from '../engine/errors';
import { divisionCodeSchema } from '../machines/petition.roles';

/** The listed-supervision board (挂牌督办 until 挂牌销号): for supervisors, leaders and auditors. */
export function registerSupervisionRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; queries: CaseQueryService; now: () => Date },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/supervision',
    {
      schema: {
        summary: 'Escalated and listed cases until they close, with overdue and at-risk counts per unit',
        querystring: z.object({ unit: divisionCodeSchema.optional(), limit: z.coerce.number().int().min(1).max(500).default(100) }),
      },
    },
    async (request) => {
      const { actor } = request;
      if (!['supervisor', 'leader', 'auditor'].includes(actor.role)) {
        throw new AccessError('FORBIDDEN', 'the supervision board is for supervisors, leaders and auditors');
      }
      // A unit outside the caller's subtree is not widened to: the caller's own subtree is shown instead.
      const unit = request.query.unit !== undefined && inSubtree(request.query.unit, actor.unit) ? request.query.unit : actor.unit;
      const [units, ids] = await Promise.all([supervisionCounts(deps.db, unit, deps.now()), listedCaseIds(deps.db, unit, request.query.limit)]);
      const cases = await Promise.all(ids.map((id) => deps.queries.get(id, actor)));
      return { unit, units, cases };
    },
  );
}
