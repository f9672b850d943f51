import { z } from 'zod';
import {
  caseIncidentSchema,
  deadlineViewSchema,
  lifecycleEventSchema,
  lifecycleStateSchema,
  matterViewSchema,
  personViewSchema,
  petitionerViewSchema,
  petitionViewSchema,
} from '../../engine/case-view.schema';
import { INTAKE_EVENT } from '../../engine/trail-entry';
import { divisionCodeSchema } from '../../machines/petition.roles';
import { ROLES } from '../../machines/petition.vocabulary';
import { COMMAND_TYPES, commandFieldSchemas, intakeSchema } from '../../machines/petition.schemas';
import { nextCursorSchema } from './common.schema';
import { EXAMPLE_INTAKE, EXAMPLE_VIEW } from './examples';

/** Gives a schema instance an id (a component of the description), keeping what it already said of itself. */
function component<T extends z.ZodType>(schema: T, id: string, meta: Record<string, unknown> = {}): T {
  z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), ...meta, id });
  return schema;
}

component(personViewSchema, 'PersonView', { description: 'a person as your role may see them' });
component(petitionerViewSchema, 'PetitionerView', { description: '信访人: the petitioner as your role may see them (Art 19)' });
component(matterViewSchema, 'MatterView', { description: '信访事项: the matter (Art 19)' });
component(deadlineViewSchema, 'DeadlineView', { description: '时限: one statutory clock of the case as a deadline' });
component(caseIncidentSchema, 'CaseIncident', { description: 'an open incident of one of the case’s background jobs' });

/** The petition view (案件视图), answered by intake, reads, commands and lists. */
export const petitionViewResponse = component(petitionViewSchema, 'PetitionView', {
  description:
    '案件视图: a case as your role may see it — identifiers masked unless you are a clerk, the accuser withheld from an accused unit — with the commands your role may send now',
  examples: [EXAMPLE_VIEW],
});

/** A page of the case list. */
export const petitionPageSchema = z
  .object({ items: z.array(petitionViewResponse), nextCursor: nextCursorSchema })
  .meta({ id: 'PetitionPage', description: 'a page of cases, newest first' });

/** The intake body of `POST /petitions` (登记), with an example from the demo data. */
export const intakeBody = intakeSchema.meta({ examples: [EXAMPLE_INTAKE] });

/** `RECORD_MEDIATION_SESSION` → `RecordMediationSessionCommand`. */
function commandComponentName(type: string): string {
  return `${type
    .toLowerCase()
    .split('_')
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('')}Command`;
}

/** One command variant: its own fields, `type`, and the optional `expectedVersion` (optimistic concurrency). */
const commandVariants = COMMAND_TYPES.map((type) =>
  commandFieldSchemas[type]
    .extend({
      type: z.literal(type),
      expectedVersion: z.number().int().positive().optional().describe('the case version you saw; 409 VERSION_CONFLICT if it moved on'),
    })
    .meta({ id: commandComponentName(type) }),
);

/**
 * The body of `POST /petitions/{id}/events`: a union of the commands discriminated by `type`. Request
 * schemas become components named `<id>Input`; the description drops the suffix when no output schema
 * shares the name (api/openapi.ts), so the mapping names the final components.
 */
export const commandBodySchema = z.discriminatedUnion('type', commandVariants as unknown as [z.ZodObject, ...z.ZodObject[]]).meta({
  id: 'Command',
  description: 'a command to a case, by its type',
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(COMMAND_TYPES.map((type) => [type, `#/components/schemas/${commandComponentName(type)}Input`])),
  },
});

/** Who did something: a user (or `system`, the deadline workers) with a role and a unit. */
export const actorSchema = z
  .object({ id: z.string(), role: z.enum(ROLES), unit: divisionCodeSchema })
  .meta({ id: 'Actor', description: 'who sent an event: user id, role and unit (`system` for the deadline workers)' });

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** One entry of a case's audit trail (审计记录). */
export const historyEventSchema = z
  .object({
    seq: z.number().int().positive(),
    type: z.union([z.literal(INTAKE_EVENT), lifecycleEventSchema]).describe('INTAKE for the recording of the case, else the event'),
    actor: actorSchema,
    at: z.iso.datetime().describe('ISO 8601 with milliseconds, exactly as hashed'),
    machineVersion: z.number().int().positive(),
    fields: z.record(z.string(), z.unknown()).describe("the event's own fields (the intake masked as for the case view)"),
    hash: sha256.describe('SHA-256 over the canonical entry and prevHash'),
    prevHash: sha256,
  })
  .meta({ id: 'HistoryEvent', description: '审计记录: one hash-chained entry of the trail' });

/** `GET /petitions/{id}/history` as JSON. */
export const historySchema = z
  .object({ events: z.array(historyEventSchema) })
  .meta({ id: 'History', description: 'the whole trail, oldest first' });

/** The CSV columns of the trail, camelCase like the JSON (the console adds a Chinese display row). */
export const TRAIL_CSV_COLUMNS = [
  'seq',
  'type',
  'actorId',
  'actorRole',
  'actorUnit',
  'at',
  'machineVersion',
  'fields',
  'prevHash',
  'hash',
] as const;

/** One step of a replay. */
export const replayStepSchema = z
  .object({
    seq: z.number().int().positive(),
    type: z.string(),
    actor: actorSchema,
    at: z.iso.datetime(),
    state: z.union([lifecycleStateSchema, z.literal('unknown')]).describe('the state the event led to'),
    accepted: z.boolean().describe('false when the recorded machine version refused the recorded event'),
  })
  .meta({ id: 'ReplayStep' });

/** `GET /petitions/{id}/replay`: a case rebuilt from its trail alone (回放). */
export const replaySchema = z
  .object({
    id: z.uuid().describe('the case id'),
    machineVersion: z.number().int().positive(),
    steps: z.array(replayStepSchema),
    state: z.union([lifecycleStateSchema, z.literal('unknown')]),
    matchesStored: z.boolean().describe('whether the rebuilt case equals the stored one'),
  })
  .meta({ id: 'Replay', description: '回放: the case rebuilt from its trail, step by step' });
