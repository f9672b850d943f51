import { z } from 'zod';
import { nextCursorSchema } from './common.schema';

/**
 * The answers of the person index routes (一人一档): people with their matters, a case's related matters, and the
 * access log. Identifiers come masked or unmasked per the viewer's role, so they are plain strings here.
 */

const matterSchema = z.object({
  caseId: z.uuid(),
  number: z.string().nullable().describe('案件编号; null for cases recorded before numbering'),
  state: z.string(),
  unit: z.object({ code: z.string(), name: z.string().nullable() }),
  createdAt: z.string(),
  summary: z.string().describe('the matter summary, shortened'),
});

const relatedMatterSchema = matterSchema.extend({ similarity: z.number().describe('0 to 1: how alike the two requests read') });

/** `GET /people`: people in your units with their matters; identifiers masked per role. */
export const peoplePageSchema = z
  .object({
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
  })
  .meta({ id: 'PeoplePage' });

/** `GET /petitions/:id/related` and `PUT /petitions/:id/person`. */
export const relatedMattersSchema = z
  .object({
    samePerson: z.array(relatedMatterSchema).describe("the same person's other matters"),
    similar: z.array(relatedMatterSchema).describe('similar requests in your units'),
    finalMatches: z.array(relatedMatterSchema).describe('closed for good on a similar request (Art 36 ¶3)'),
    inProgressBelow: z.array(relatedMatterSchema).describe('a similar request still open in a unit below (Art 19 ¶3)'),
    personCandidates: z
      .array(z.object({ id: z.uuid(), name: z.string(), address: z.string() }))
      .describe('people on file who may be the petitioner'),
  })
  .meta({ id: 'RelatedMatters' });

/** `GET /audit/access-log`. */
export const accessLogPageSchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        actor: z.object({ id: z.string(), role: z.string(), unit: z.string() }),
        caseId: z.string(),
        personId: z.string().nullable(),
        reason: z.string().describe('the route: `petitions.get`, `people.search` or `attachments.download`'),
        at: z.string(),
      }),
    ),
    nextCursor: nextCursorSchema,
  })
  .meta({ id: 'AccessLogPage' });
