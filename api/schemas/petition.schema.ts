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
import { MACHINE_VERSION_1 } from '../../machines/versions/v1';
import { MACHINE_VERSION_2 } from '../../machines/versions/v2';
import { MACHINE_VERSION_3 } from '../../machines/versions/v3/v3.machine';
import { V3_COMMAND_TYPES, v3CommandFieldSchemas, v3IntakeSchema } from '../../machines/versions/v3/v3.schemas';
import { nextCursorSchema } from './common.schema';
import { EXAMPLE_INTAKE, EXAMPLE_INTAKE_V3, EXAMPLE_VIEW } from './examples';

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

/** Tags a body with the machine versions it belongs to (`x-machine-versions`; the console picks its case's). */
const forVersions = (versions: readonly number[]) => ({ 'x-machine-versions': [...versions] });
const LEGACY = [MACHINE_VERSION_1, MACHINE_VERSION_2];

/** The v3 intake (class, flags, receivedBy, the accused unit of an accusation), with an example from the demo data. */
const intakeV3 = v3IntakeSchema.meta({ id: 'IntakeV3', ...forVersions([MACHINE_VERSION_3]), examples: [EXAMPLE_INTAKE_V3] });
/** The intake of versions 1 and 2, while the policy holds new cases on one of them. */
const intakeLegacy = intakeSchema.meta({ id: 'IntakeV1V2', ...forVersions(LEGACY), examples: [EXAMPLE_INTAKE] });

/**
 * The intake body of `POST /petitions` (登记): the intake of the version new
 * cases start under (first), or of the other versions. The engine validates
 * the body under that version; a body of another version is a 400.
 */
export function intakeBodyFor(newCaseVersion: number) {
  const [first, second] = newCaseVersion === MACHINE_VERSION_3 ? [intakeV3, intakeLegacy] : [intakeLegacy, intakeV3];
  return z
    .union([first, second])
    .describe(`the intake of machine version ${newCaseVersion}, the version new cases start under, is listed first`);
}

/** `RECORD_MEDIATION_SESSION` → `RecordMediationSessionCommand` (with a suffix for an older version's). */
function commandComponentName(type: string, suffix = ''): string {
  return `${type
    .toLowerCase()
    .split('_')
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('')}Command${suffix}`;
}

const expectedVersion = z.number().int().positive().optional().describe('the case version you saw; 409 VERSION_CONFLICT if it moved on');

/** One command union discriminated by `type`, each variant a component of its own. */
function commandUnion(
  types: readonly string[],
  fields: Readonly<Record<string, z.ZodObject>>,
  meta: { id: string; suffix: string; versions: readonly number[]; description: string },
) {
  const variants = types.map((type) =>
    (fields[type] as z.ZodObject).extend({ type: z.literal(type), expectedVersion }).meta({ id: commandComponentName(type, meta.suffix) }),
  );
  return z.discriminatedUnion('type', variants as unknown as [z.ZodObject, ...z.ZodObject[]]).meta({
    id: meta.id,
    description: meta.description,
    ...forVersions(meta.versions),
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(types.map((type) => [type, `#/components/schemas/${commandComponentName(type, meta.suffix)}Input`])),
    },
  });
}

/** The commands of machine version 3 (new cases): the primary body of `POST /petitions/{id}/events`. */
export const v3CommandBodySchema = commandUnion(V3_COMMAND_TYPES, v3CommandFieldSchemas, {
  id: 'Command',
  suffix: '',
  versions: [MACHINE_VERSION_3],
  description: 'a command to a machine version 3 case, by its type',
});

/** The commands of versions 1 and 2: a case recorded under them keeps taking its own. */
export const legacyCommandBodySchema = commandUnion(COMMAND_TYPES, commandFieldSchemas, {
  id: 'CommandV1V2',
  suffix: 'V1V2',
  versions: LEGACY,
  description: 'a command to a case recorded under machine version 1 or 2, by its type',
});

/**
 * The body of `POST /petitions/{id}/events`: a command of the case's own
 * machine version. Request schemas become components named `<id>Input`; the
 * description drops the suffix when no output schema shares the name
 * (api/openapi.ts), so the mappings name the final components.
 */
export const commandBodySchema = z
  .union([v3CommandBodySchema, legacyCommandBodySchema])
  .describe("a command of the case's machine version: version 3 for new cases; a case recorded under version 1 or 2 takes that version's");

/** Every command type of any version (metric labels take only these). */
export const KNOWN_COMMAND_TYPES: ReadonlySet<string> = new Set<string>([...V3_COMMAND_TYPES, ...COMMAND_TYPES]);

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
  .object({
    events: z.array(historyEventSchema),
    names: z
      .record(z.string(), z.string())
      .describe('the display names of the people the trail names (actors, a 包案 leader), by user id, for those with an account'),
  })
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

/** `GET /petitions/{id}/targets`: the units a command that sends the case on may name now. */
export const sendTargetsSchema = z
  .object({
    event: z.string().describe('the event asked about'),
    field: z.string().describe('the field of the command that names the unit (`toUnit`, or `unit` under versions 1 and 2)'),
    units: z.array(z.string()).describe('the codes of the units of the tree the command may name, parents first'),
  })
  .meta({ id: 'SendTargets', description: 'where a 转送, 交办 or 改派 may send the case now' });
