import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCapability } from '../engine/access';
import type { PeopleQueryService } from '../engine/people/people-query.service';
import type { AccessLogService } from '../engine/people/access-log';

const matterSchema = z.object({
  caseId: z.uuid(),
  number: z.string().nullable(),
  state: z.string(),
  unit: z.object({ code: z.string(), name: z.string().nullable() }),
  createdAt: z.string(),
  summary: z.string(),
});
const relatedMatterSchema = matterSchema.extend({ similarity: z.number() });

/** `GET /people` answer: people in your units with their matters; identifiers masked per role. */
const peoplePageSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      idNumber: z.string().nullable(),
      phone: z.string().nullable(),
      address: z.string(),
      matters: z.array(matterSchema.extend({ role: z.enum(['petitioner', 'representative']) })),
    }),
  ),
});

/** `GET /petitions/:id/related` answer. */
const relatedSchema = z.object({
  samePerson: z.array(relatedMatterSchema),
  similar: z.array(relatedMatterSchema),
  finalMatches: z.array(relatedMatterSchema),
  inProgressBelow: z.array(relatedMatterSchema),
  personCandidates: z.array(z.object({ id: z.uuid(), name: z.string(), address: z.string() })),
});

/** `GET /audit/access-log` answer. */
const accessLogPageSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      actor: z.object({ id: z.string(), role: z.string(), unit: z.string() }),
      caseId: z.string(),
      personId: z.string().nullable(),
      reason: z.string(),
      at: z.string(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

const idParams = z.object({ id: z.uuid() });

/** The person index (一人一档): search, related matters, confirming a weak match; and the access log for auditors. */
export function registerPeopleRoutes(app: FastifyInstance, deps: { people: PeopleQueryService; accessLog: AccessLogService }): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/people',
    {
      schema: {
        summary: 'People in your units by partial name, ID number, phone or case number, with their matters',
        querystring: z.object({ q: z.string().trim().min(1).max(100) }),
        response: { 200: peoplePageSchema },
      },
    },
    async (request) => deps.people.search(request.query.q, request.actor),
  );

  r.get(
    '/petitions/:id/related',
    {
      schema: {
        summary: "The same person's matters, similar requests, final matters on a similar request (Art 36 ¶3) and matters open below (Art 19 ¶3)",
        params: idParams,
        response: { 200: relatedSchema },
      },
    },
    async (request) => deps.people.related(request.params.id, request.actor),
  );

  r.put(
    '/petitions/:id/person',
    {
      schema: {
        summary: "Confirm that the case's petitioner is a person on file (a weak name-and-address match); answers the related matters",
        params: idParams,
        body: z.strictObject({ personId: z.uuid() }),
        response: { 200: relatedSchema },
      },
    },
    async (request) => deps.people.confirmPerson(request.params.id, request.body.personId, request.actor),
  );

  r.get(
    '/audit/access-log',
    {
      schema: {
        summary: 'Unmasked reads of personal data in your units (who, which case, when, why), newest first',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), cursor: z.string().max(40).optional() }),
        response: { 200: accessLogPageSchema },
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.access-log');
      return deps.accessLog.page(request.actor, request.query.limit, request.query.cursor);
    },
  );
}
