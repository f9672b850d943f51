import { z } from 'zod';
import { clockNameSchema } from '../machines/petition.vocabulary';
import { CHANNELS } from '../machines/petition.schemas';
import { divisionCodeSchema } from '../machines/petition.roles';
import { LIFECYCLE_VERSIONS } from './lifecycle-versions';

/**
 * The zod schemas of what the API answers with when it shows a case. The view's TypeScript types are
 * derived from them (engine/case-view.ts), and the API description is generated from them, so the
 * code, the types and the description cannot drift apart.
 */

/**
 * One named enum per machine version (`StatesV1`, `CommandsV2`, ...), so the description says which
 * version knows which states and events; a new entry in LIFECYCLE_VERSIONS adds its own.
 */
function perVersion(
  kind: 'States' | 'Commands' | 'Events',
  pick: (v: (typeof LIFECYCLE_VERSIONS)[number]) => readonly [string, ...string[]],
) {
  const [first, ...rest] = LIFECYCLE_VERSIONS.map((v) =>
    z.enum(pick(v)).meta({ id: `${kind}V${v.version}`, description: `${kind.toLowerCase()} of machine version ${v.version}` }),
  );
  return rest.length === 0 || first === undefined ? (first ?? z.never()) : z.union([first, ...rest]);
}

/** A state of some machine version (`StatesV1 | StatesV2 | ...`). */
export const lifecycleStateSchema = perVersion('States', (v) => v.states);
/** A command of some machine version. */
export const lifecycleCommandSchema = perVersion('Commands', (v) => v.commands);
/** An event of some machine version (commands and the deadline workers' events). */
export const lifecycleEventSchema = perVersion('Events', (v) => v.events);

const isoTime = z.iso.datetime().describe('an instant, ISO 8601 in UTC');
const duration = z.iso.duration().describe('an ISO 8601 duration such as P15D');

/** A person as the viewer may see them: identifiers masked unless the role needs them (Art 19). */
export const personViewSchema = z.object({
  name: z.string().describe('the name, or （不予公开） for the accused unit of an accusation (Arts 30, 46)'),
  idNumber: z.string().optional().describe('resident ID number; masked as 41272119xxxxxx3411 for every role but clerk'),
  phone: z.string().optional().describe('phone number; masked as 1874926xxxx for every role but clerk'),
});

/** The petitioner (信访人) as the viewer may see them. */
export const petitionerViewSchema = personViewSchema.extend({
  address: z.string().describe('address, or （不予公开） for the accused unit of an accusation'),
});

/** The matter (信访事项, Art 19): the request, its facts and reasons. */
export const matterViewSchema = z.object({
  category: z.string(),
  summary: z.string(),
  details: z.string().optional().describe('withheld from the accused unit of an accusation'),
  accusation: z.boolean().optional().describe('检举控告: an accusation (Arts 30, 46)'),
  accusedUnit: divisionCodeSchema.optional(),
});

/** A statutory clock of a case as a deadline row (时限). */
export const deadlineViewSchema = z.object({
  clock: clockNameSchema,
  generation: z.number().int().positive().describe('grows each time the clock starts again'),
  startedAt: isoTime,
  dueAt: isoTime,
  status: z.enum(['pending', 'paused', 'met', 'breached', 'cancelled']),
  reminders: z.array(isoTime).describe('when reminders fire before the due time'),
  extendedBy: duration.nullable().describe('an approved extension (Art 32)'),
});

/** An open incident of one of the case's background jobs (故障任务). */
export const caseIncidentSchema = z.object({
  id: z.string().regex(/^\d{1,18}$/),
  clock: z.string().nullable(),
  error: z.string(),
  createdAt: isoTime,
});

const resolutionSchema = z.object({
  outcome: z.enum(['support', 'explain', 'not-support', 'mediation-agreement']),
  text: z.string(),
  at: isoTime,
  by: z.string().describe('the user id of whoever resolved it'),
});

const escalationSchema = z.object({
  kind: z.enum(['breach', 'supervision', 'review', 'reReview']),
  reason: z.string(),
  clock: clockNameSchema.optional(),
  at: isoTime,
});

const ratingSchema = z.enum(['satisfied', 'basically-satisfied', 'unsatisfied']);

/** The petition view (案件视图): a case as one viewer may see it, with the events their role may send now. */
export const petitionViewSchema = z.object({
  id: z.uuid(),
  state: lifecycleStateSchema.describe("the state in the lifecycle of the case's machineVersion"),
  version: z.number().int().positive().describe('grows with every change; send it back as expectedVersion'),
  machineVersion: z.number().int().positive().describe('the lifecycle the case was recorded under (see LifecycleVersions)'),
  unit: divisionCodeSchema,
  channel: z.enum(CHANNELS),
  petitioner: petitionerViewSchema,
  representatives: z.array(personViewSchema).describe('a group visit sends at most 5 representatives (Art 20)'),
  matter: matterViewSchema,
  assignee: z.object({ unit: divisionCodeSchema, handler: z.string().nullable() }).nullable().describe('交办: the responsible unit'),
  leader: z.string().nullable().describe('领导包案: the leader in personal charge'),
  mediation: z.object({ level: z.string(), mediator: z.string().nullable(), sessions: z.number().int().min(0) }).nullable(),
  extension: z.object({ status: z.enum(['requested', 'approved']), duration, reason: z.string() }).nullable(),
  escalation: escalationSchema.nullable().describe('督办 / 复查 / 复核: why the case sits with a supervisor or a higher level'),
  listed: z.boolean().describe('挂牌督办: listed for supervision until the case closes'),
  reviewStage: z.number().int().min(0).max(2).describe('0: first opinion; 1: review (复查) decided; 2: re-review (复核) decided (Art 35)'),
  resolution: resolutionSchema.nullable().describe('the handling opinion (Art 32) or mediation agreement (Art 33)'),
  delivery: z.object({ method: z.string(), at: isoTime }).nullable().describe('送达: when the opinion was delivered'),
  satisfaction: z
    .union([z.object({ body: ratingSchema, bureau: ratingSchema }), z.literal('unrated')])
    .nullable()
    .describe('满意度: the rating of the handling unit and of the bureau, or unrated when the window lapsed'),
  rejection: z.object({ reason: z.string(), route: z.string() }).nullable().describe('不予受理, with the legal route told'),
  mergedInto: z.uuid().nullable(),
  closure: z.enum(['final', 'window-lapsed', 'merged']).nullable().describe('终结: how the case closed'),
  deadlines: z.array(deadlineViewSchema),
  incidents: z.array(caseIncidentSchema).optional().describe('open incidents of the case (single-case reads only)'),
  allowedEvents: z.array(lifecycleCommandSchema).describe('the commands your role may send now'),
  createdAt: isoTime,
  updatedAt: isoTime,
});
