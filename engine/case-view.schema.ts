import { z } from 'zod';
import { clockNameSchema } from '../machines/petition.vocabulary';
import { CHANNELS } from '../machines/petition.schemas';
import { divisionCodeSchema } from '../machines/petition.roles';
import { LIFECYCLE_VERSIONS } from './lifecycle-versions';
import { URGENCY_LEVELS } from './deadline-urgency';
import {
  FLAGS,
  PERSON_FLAGS,
  ITEM_CLASSES,
  RECEIVERS,
  RELATIONS,
  SUPERVISION_LEVELS,
  V3_CLOSURES,
  DECISION_STAGES,
} from '../machines/versions/v3/v3.vocabulary';

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
  remindersAt: z.array(isoTime).describe('the same reminder times'),
  lastDay: z.iso.date().describe('the last day of the period, Beijing time (dueAt is the start of the day after it)'),
  extendedBy: duration.nullable().describe('an approved extension (Art 34)'),
  remainingDays: z
    .number()
    .int()
    .nullable()
    .describe(
      'days left after today (Beijing) up to lastDay, on remainingBasis: 0 when today is the last day, negative when overdue; null once met or cancelled',
    ),
  remainingBasis: z
    .enum(['working-days', 'calendar-days'])
    .nullable()
    .describe('how remainingDays counts: working days for a working-days clock'),
  level: z
    .enum(URGENCY_LEVELS)
    .nullable()
    .describe('urgency by the share of the period left (policy `urgency`: red below 20%, yellow below 50% by default; red once overdue)'),
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

/** A unit a case passed through, named, with how it came to the case. */
export const caseUnitViewSchema = z.object({
  unit: divisionCodeSchema,
  name: z.string().nullable().describe('the unit’s name in the tree (null for a unit the tree does not hold)'),
  relation: z.enum(['registered', 'sender', 'body', 'review']).describe('registered it, sent it on, handled it, or reviewed it'),
});

/** What every case view has, whatever its machine version. */
const commonViewFields = {
  id: z.uuid(),
  number: z
    .string()
    .nullable()
    .describe(
      '案件编号: the readable number per registering unit and year (e.g. 扶信〔2026〕123号); null for cases recorded before numbering',
    ),
  units: z.array(caseUnitViewSchema).describe('every unit the case passed through, with names'),
  relations: z.array(z.enum(RELATIONS)).describe('your unit’s relations to the case (machine version 3; empty before)'),
};

/** An act recorded on a version 3 case: who, of which unit, when (and what the act says). */
const actSchema = z.looseObject({ by: z.string(), unit: divisionCodeSchema, at: isoTime });
const namedUnitSchema = z.object({ unit: divisionCodeSchema, name: z.string().nullable() });

/** The view of a machine version 3 case: two tiers, supervision beside the lifecycle, review one level up. */
export const v3PetitionViewSchema = z.object({
  ...commonViewFields,
  state: lifecycleStateSchema.describe('the state in the version 3 lifecycle'),
  closure: z.enum(V3_CLOSURES).nullable().describe('how the case closed: 办结, 终结, 导入程序, 已转, 不予受理, 已合并, 已撤回'),
  version: z.number().int().positive(),
  machineVersion: z.literal(3),
  unit: divisionCodeSchema.describe('the unit that registered the case'),
  channel: z.enum(CHANNELS),
  class: z.enum(ITEM_CLASSES).describe('建议意见 / 检举控告 / 申诉求决 (Arts 29-31)'),
  flags: z
    .object(
      Object.fromEntries([
        ...FLAGS.map((f) => [f, f === 'group' ? z.object({ headCount: z.number().int() }).optional() : z.boolean().optional()]),
        ...PERSON_FLAGS.map((f) => [f, z.boolean().optional()]),
      ]),
    )
    .describe('the clerk’s flags, and 初信初访 (first) / 重复信访 (repeat) as registration read them from the petitioner’s file'),
  receivedBy: z.enum(RECEIVERS).describe('leader: received on a leader reception day (领导接访, Art 18)'),
  registeredAtBureau: z.boolean().describe('registered at a petition bureau (dispatch clock, Art 22) or at a body (notice clock, Art 23)'),
  petitioner: petitionerViewSchema,
  representatives: z.array(personViewSchema),
  matter: matterViewSchema,
  assignee: namedUnitSchema.nullable().describe('the handling body (承办单位)'),
  review: namedUnitSchema.nullable().describe('the body reviewing the case (复查 / 复核), one level up'),
  leader: z.string().nullable().describe('领导包案: the leader in personal charge'),
  supervision: actSchema
    .extend({ level: z.enum(SUPERVISION_LEVELS), active: z.boolean(), source: z.enum(['supervisor', 'breach']) })
    .nullable()
    .describe('督办 beside the lifecycle: its level, and whether it is struck off (销号)'),
  listed: z.boolean().describe('under supervision now (on the supervision board until struck off)'),
  assignment: actSchema.nullable(),
  report: z
    .looseObject({ status: z.enum(['pending', 'submitted', 'accepted', 'returned', 'cancelled']) })
    .nullable()
    .describe('办结报告 of a 交办 case'),
  moves: z.array(actSchema),
  notice: actSchema.nullable(),
  objections: z.array(actSchema),
  infoRequests: z.array(actSchema),
  routing: actSchema.nullable(),
  referral: actSchema.nullable(),
  rejection: actSchema.nullable(),
  mergedInto: z.string().nullable(),
  withdrawal: actSchema.nullable(),
  mediation: actSchema.nullable(),
  hearings: z.array(actSchema),
  extension: actSchema.nullable(),
  reviewStage: z.enum(DECISION_STAGES).describe('the decision being made or last made: first opinion, 复查 or 复核'),
  resolution: actSchema.nullable().describe('the answer that stands'),
  resolutions: z.array(actSchema).describe('every answer, in order'),
  deliveries: z.array(actSchema),
  satisfaction: z.union([actSchema, z.literal('unrated')]).nullable(),
  instructions: z.array(actSchema),
  conference: actSchema.nullable(),
  pauses: z.array(z.looseObject({ clock: clockNameSchema, reason: z.string(), startedAt: isoTime, endedAt: isoTime.nullable() })),
  closedAt: isoTime.nullable(),
  deadlines: z.array(deadlineViewSchema),
  incidents: z.array(caseIncidentSchema).optional(),
  allowedEvents: z.array(lifecycleCommandSchema).describe('the commands you may send now, by your role and your unit’s relations'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** The view of a case recorded under machine version 1 or 2. */
export const legacyPetitionViewSchema = z.object({
  ...commonViewFields,
  state: lifecycleStateSchema.describe("the state in the lifecycle of the case's machineVersion"),
  version: z.number().int().positive().describe('grows with every change; send it back as expectedVersion'),
  machineVersion: z.union([z.literal(1), z.literal(2)]).describe('the lifecycle the case was recorded under (see LifecycleVersions)'),
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
  flags: z
    .object({
      first: z.boolean().describe('初信初访: the petitioner has no earlier matter'),
      repeat: z.boolean().describe('重复信访: an earlier matter of the petitioner is on a similar request'),
    })
    .optional()
    .describe("only in the intake answer: the system's proposal, as recorded in the intake entry"),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** The petition view (案件视图): a case as one viewer may see it, in the shape of its machine version. */
export const petitionViewSchema = z.union([v3PetitionViewSchema, legacyPetitionViewSchema]);
