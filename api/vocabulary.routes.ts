import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CHANNEL_LABELS,
  ITEM_CLASS_LABELS,
  RELATION_LABELS,
  ROLE_LABELS,
  SUPERVISION_LEVEL_LABELS,
  V3_CLOCK_LABELS,
  V3_CLOSURE_LABELS,
  V3_EVENT_LABELS,
  V3_STATE_LABELS,
  V3_VALUE_LABELS,
} from '../machines/versions/v3/v3.labels';
import { MACHINE_VERSION_3 } from '../machines/versions/v3/v3.machine';
import { TAGS } from './openapi';
import { ok } from './schemas/common.schema';

const words = z.record(z.string(), z.string());

/** The answer of `GET /vocabulary`: code → words, by list. */
export const vocabularySchema = z.object({
  machineVersion: z.number().int().describe('the machine version whose states, events and periods these are'),
  states: words.describe('states (a closed case is named by its closure)'),
  closures: words.describe('how a closed case ended'),
  events: words,
  clocks: words.describe('the periods (期限) of the regulation and of practice'),
  roles: words,
  channels: words.describe('the channels of Art 17, and grid reports'),
  itemClasses: words.describe('Arts 29-31'),
  supervisionLevels: words,
  relations: words.describe("an actor's unit's relation to a case"),
  values: z.record(z.string(), words).describe('every other coded value, by list (outcome, procedure, referTo, ground …)'),
});

/**
 * The words people read for the codes of the current lifecycle, from its one
 * source (machines/versions/v3/v3.labels.ts): the console shows these, and
 * any other client may too. No case data, so no token.
 */
export function registerVocabularyRoutes(app: FastifyInstance): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/vocabulary',
    {
      schema: {
        operationId: 'getVocabulary',
        tags: [TAGS.vocabulary.name],
        summary: 'The words of the 信访工作条例 for every code of the current lifecycle (用语)',
        description: 'States, closures, events, periods (期限), roles, channels and values with their Chinese names; needs no token.',
        security: [],
        response: { 200: ok('the labels, by list', vocabularySchema) },
      },
    },
    async () => ({
      machineVersion: MACHINE_VERSION_3,
      states: V3_STATE_LABELS,
      closures: V3_CLOSURE_LABELS,
      events: V3_EVENT_LABELS,
      clocks: V3_CLOCK_LABELS,
      roles: ROLE_LABELS,
      channels: CHANNEL_LABELS,
      itemClasses: ITEM_CLASS_LABELS,
      supervisionLevels: SUPERVISION_LEVEL_LABELS,
      relations: RELATION_LABELS,
      values: V3_VALUE_LABELS,
    }),
  );
}
