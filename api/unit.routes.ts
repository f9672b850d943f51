import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UnitService } from '../engine/unit.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import { UNIT_KINDS, UNIT_LEVELS } from '../machines/unit-tree';
import { TAGS } from './openapi';
import { COMMON_ERRORS, errors, ok } from './schemas/common.schema';

/** One unit of `GET /units`. */
export const unitViewSchema = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(UNIT_KINDS),
  level: z.enum(UNIT_LEVELS),
  parentCode: z.string().nullable(),
  /** The body that reviews this unit's answers one level up (Arts 35-36): the configured one, else the parent. */
  reviewBody: z.string().nullable(),
  shortName: z.string().nullable(),
});

/** The answer of `GET /units`: the units by code, each naming its parent (a tree as a flat list). */
export const unitTreeSchema = z.object({ units: z.array(unitViewSchema) });

/** The unit tree with names, kinds, levels, review bodies and short names; any subtree for any person. */
export function registerUnitRoutes(app: FastifyInstance, deps: { units: UnitService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/units',
    {
      schema: {
        operationId: 'listUnits',
        tags: [TAGS.units.name],
        summary: 'The unit tree (单位): divisions, petition bureaus and departments, with names, kinds, levels and review bodies',
        description: 'Unit names are no personal data: every role may read any subtree. An unknown `under` is 404.',
        querystring: z.object({ under: divisionCodeSchema.optional() }),
        response: { 200: ok('the units, parents first', unitTreeSchema), ...errors(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => {
      const units = await deps.units.tree(request.actor, request.query.under);
      return {
        units: units.map((u) => ({
          code: u.code,
          name: u.name,
          kind: u.kind,
          level: u.level,
          parentCode: u.parentCode,
          reviewBody: u.effectiveReviewBody,
          shortName: u.shortName,
        })),
      };
    },
  );
}
