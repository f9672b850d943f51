import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCapability } from '../engine/access';
import type { PeopleQueryService } from '../engine/people/people-query.service';
import type { AccessLogService } from '../engine/people/access-log';
import { TAGS } from './openapi';
import { caseIdParams, COMMON_ERRORS, cursorQuery, errors, limitQuery, ok } from './schemas/common.schema';
import { accessLogPageSchema, peoplePageSchema, relatedMattersSchema } from './schemas/people.schema';

/** The person index (一人一档): search, related matters, confirming a weak match; and the access log for auditors. */
export function registerPeopleRoutes(app: FastifyInstance, deps: { people: PeopleQueryService; accessLog: AccessLogService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/people',
    {
      schema: {
        operationId: 'searchPeople',
        tags: [TAGS.people.name],
        summary: '一人一档: people in your units by partial name, ID number, phone or case number, with their matters',
        querystring: z.object({ q: z.string().trim().min(1).max(100).describe('a name, an ID number, a phone or a case number') }),
        response: { 200: ok('the people found', peoplePageSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request) => deps.people.search(request.query.q, request.actor),
  );

  r.get(
    '/petitions/:id/related',
    {
      schema: {
        operationId: 'getRelatedMatters',
        tags: [TAGS.people.name],
        summary:
          "关联事项: the same person's matters, similar requests, final matters on a similar request (Art 36 ¶3) and matters open below (Art 19 ¶3)",
        params: caseIdParams,
        response: { 200: ok('the related matters', relatedMattersSchema), ...errors(...COMMON_ERRORS, 403, 404) },
      },
    },
    async (request) => deps.people.related(request.params.id, request.actor),
  );

  r.put(
    '/petitions/:id/person',
    {
      schema: {
        operationId: 'confirmPetitionPerson',
        tags: [TAGS.people.name],
        summary:
          "确认当事人: confirm that the case's petitioner is a person on file (a weak name-and-address match); answers the related matters",
        params: caseIdParams,
        body: z.strictObject({ personId: z.uuid() }),
        response: {
          200: ok('the related matters after the link', relatedMattersSchema),
          ...errors(...COMMON_ERRORS, 403, 404, 413, 415, 429),
        },
      },
    },
    async (request) => deps.people.confirmPerson(request.params.id, request.body.personId, request.actor),
  );

  r.get(
    '/audit/access-log',
    {
      schema: {
        operationId: 'listAccessLog',
        tags: [TAGS.audit.name],
        summary: '查阅记录: unmasked reads of personal data in your units (who, which case, when, why), newest first',
        querystring: z.object({ limit: limitQuery(500, 100), cursor: cursorQuery }),
        response: { 200: ok('a page of the access log', accessLogPageSchema), ...errors(...COMMON_ERRORS, 403) },
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.access-log');
      return deps.accessLog.page(request.actor, request.query.limit, request.query.cursor);
    },
  );
}
