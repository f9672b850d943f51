import { z } from 'zod';
import { isoDurationSchema } from './iso-duration';
import { clockNameSchema, BREACH_ACTIONS } from './petition.vocabulary';
import { divisionCodeSchema } from './petition.roles';
import { isValidResidentId } from './resident-id';

// Text limits keep one case row and one audit event well under a page of JSON
// a person would write; a 200 KB "summary" is a mistake or an attack.
const shortText = z.string().trim().min(1).max(200);
const text = z.string().trim().min(1).max(4000);
const longText = z.string().trim().min(1).max(20000);

/** Art 17: the channels a petition arrives by, plus the grid workers' reports (网格员) of the seed. */
export const CHANNELS = ['letter', 'visit', 'phone', 'fax', 'online', 'grid'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * A resident ID number, stored normalised (18 characters, upper-case `X`) so
 * that masking and comparisons see one form; spaces and hyphens typed between
 * digit groups are dropped. A wrong GB 11643 check character is a typo caught
 * here, at intake, where the clerk can still ask.
 */
const idNumber = z
  .string()
  .max(40)
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
  .pipe(
    z
      .string()
      .regex(/^\d{17}[\dX]$/, { message: 'an 18-character resident ID number', abort: true })
      .refine(isValidResidentId, 'the check character does not match (GB 11643)'),
  );
/** A phone number, stored as its digits (and a leading `+` for a country code), whatever separators were typed. */
const phone = z
  .string()
  .max(40)
  .regex(/^\s*\+?[0-9][0-9 -]*$/, 'a phone number')
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^\+?\d{5,20}$/, 'a phone number of 5 to 20 digits'));

/** Art 19: who petitions. */
export const petitionerSchema = z.strictObject({
  name: shortText,
  idNumber: idNumber.optional(),
  phone: phone.optional(),
  address: z.string().trim().min(1).max(500),
});
export type Petitioner = z.infer<typeof petitionerSchema>;

/** Art 19: the request, facts and reasons. */
export const matterSchema = z.strictObject({
  category: z.string().trim().min(1).max(64),
  summary: z.string().trim().min(1).max(2000),
  details: longText.optional(),
  /** 检举控告: an accusation's materials never reach the accused unit (Arts 30, 46). */
  accusation: z.boolean().optional(),
  /** The unit accused; its people never see who accused it nor the materials. */
  accusedUnit: divisionCodeSchema.optional(),
});
export type Matter = z.infer<typeof matterSchema>;

/** Art 20: a group visit sends at most 5 representatives. */
export const representativeSchema = z.strictObject({
  name: shortText,
  idNumber: idNumber.optional(),
  phone: phone.optional(),
});

/** The intake body of `POST /petitions`. */
export const intakeSchema = z.strictObject({
  channel: z.enum(CHANNELS),
  unit: divisionCodeSchema,
  petitioner: petitionerSchema,
  matter: matterSchema,
  representatives: z.array(representativeSchema).max(5, 'a group visit sends at most 5 representatives (Art 20)').optional(),
});
export type Intake = z.infer<typeof intakeSchema>;

const rating = z.enum(['satisfied', 'basically-satisfied', 'unsatisfied']);

/**
 * The fields of every command a person may send, by event type.
 * Each entry names the rule it encodes.
 */
export const commandFieldSchemas = {
  /** Art 22: accept (受理) after checking identity and contact. */
  VERIFY: z.strictObject({ note: text.optional() }),
  /** Arts 22, 29-31: not accepted (不予受理), with the legal route told to the petitioner. */
  REJECT: z.strictObject({ reason: text, route: z.enum(['litigation', 'discipline', 'other']) }),
  /** Policy: ask the petitioner for missing information; the acceptance clock pauses. */
  REQUEST_INFO: z.strictObject({ note: text }),
  /** Policy: the petitioner answered; the acceptance clock resumes. */
  PROVIDE_INFO: z.strictObject({ note: text }),
  /** Art 19: a repeat of a case already in progress joins that case. */
  MERGE: z.strictObject({ intoCaseId: z.uuid() }),
  /** Art 23: hand the case to the responsible unit (交办). */
  ASSIGN: z.strictObject({ unit: divisionCodeSchema, handler: shortText.optional() }),
  /** Art 23: the unit says "not ours" within 5 working days. */
  OBJECT: z.strictObject({ reason: text }),
  /** 三级调解 (seed): mediation at county, township or village level. */
  START_MEDIATION: z.strictObject({ level: z.enum(['county', 'township', 'village']), mediator: shortText.optional() }),
  /** 三级调解 (seed): one mediation session held. */
  RECORD_MEDIATION_SESSION: z.strictObject({ note: text }),
  /** Art 33: mediation ends in a written agreement. */
  MEDIATION_AGREED: z.strictObject({ agreement: longText }),
  /** Art 33: mediation failed; back to the handler. */
  MEDIATION_FAILED: z.strictObject({ reason: text }),
  /** Art 32: the written handling opinion (信访处理意见书). */
  RESOLVE: z.strictObject({ outcome: z.enum(['support', 'explain', 'not-support']), opinion: longText }),
  /** Art 32: the opinion delivered to the petitioner (送达). */
  DELIVER: z.strictObject({ method: z.enum(['in-person', 'post', 'electronic']), proof: shortText.optional() }),
  /** Art 32: one extension of the handling clock, at most 30 days. */
  REQUEST_EXTENSION: z.strictObject({ duration: isoDurationSchema, reason: text }),
  /** Art 32: the extension needs the supervisor's approval. */
  APPROVE_EXTENSION: z.strictObject({ note: text.optional() }),
  /** 督办 / 挂牌督办: a supervisor takes the case up, optionally with a deadline. */
  ESCALATE: z.strictObject({ reason: text, dueIn: isoDurationSchema.optional() }),
  /** 督办: sent back down to a unit with a supervision deadline. */
  REASSIGN: z.strictObject({ unit: divisionCodeSchema, handler: shortText.optional(), dueIn: isoDurationSchema.optional() }),
  /** Satisfaction rating practice (满意 / 基本满意 / 不满意), of the handling body (责任单位) and of the bureau. */
  RATE_SATISFACTION: z.strictObject({ body: rating, bureau: rating }),
  /** Art 35: the petitioner asks for review (复查), then re-review (复核). */
  REQUEST_REVIEW: z.strictObject({ reason: text }),
  /** 领导包案: a named leader takes personal charge. */
  ASSIGN_LEADER: z.strictObject({ leader: shortText }),
  /** Art 35: hearing (听证) time is excluded; a supervisor pauses a clock. */
  PAUSE_CLOCK: z.strictObject({ clock: clockNameSchema, reason: text.optional() }),
  /** Art 35: the hearing ended; the clock runs again. */
  RESUME_CLOCK: z.strictObject({ clock: clockNameSchema, reason: text.optional() }),
  /** Art 24 (machine v2): a case several departments share is linked to a joint conference (联席会议). */
  LINK_CONFERENCE: z.strictObject({ conference: shortText, departments: z.array(shortText).min(2).max(20) }),
} as const;

export type CommandType = keyof typeof commandFieldSchemas;
export const COMMAND_TYPES = Object.keys(commandFieldSchemas) as CommandType[];

/** The events only the engine's own deadline workers send (actor role `system`). */
export const systemFieldSchemas = {
  /** Reminder before breach (the policy's `reminders` of each clock). */
  DEADLINE_REMINDER: z.strictObject({ clock: clockNameSchema, generation: z.number().int().positive(), reminder: z.string() }),
  /** A clock breached: escalate (督办), close a petitioner window, or notify, as the policy says. */
  DEADLINE_BREACHED: z.strictObject({
    clock: clockNameSchema,
    generation: z.number().int().positive(),
    onBreach: z.enum(BREACH_ACTIONS),
  }),
} as const;
export type SystemEventType = keyof typeof systemFieldSchemas;

type Fields<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K } & z.infer<T[K]> }[keyof T];
/** A command as a person sends it: the type and its fields. */
export type Command = Fields<typeof commandFieldSchemas>;
/** An event the engine's workers send. */
export type SystemCommand = Fields<typeof systemFieldSchemas>;

/**
 * A rating as trails recorded it before the handling body's rating was named `body`: `unit`. The trail
 * is immutable, so replays still meet it; new commands must say `body`.
 */
export interface RecordedRateSatisfaction {
  readonly type: 'RATE_SATISFACTION';
  readonly unit: string;
  readonly bureau: string;
}

/** Every event the machine accepts after intake. */
export type EventType = CommandType | SystemEventType;
export const EVENT_TYPES: readonly EventType[] = [...COMMAND_TYPES, ...(Object.keys(systemFieldSchemas) as SystemEventType[])];

/** The zod schema of a command sent over the API or CLI: a discriminated union on `type`. */
export const commandSchema = z.discriminatedUnion(
  'type',
  COMMAND_TYPES.map((type) => commandFieldSchemas[type].extend({ type: z.literal(type) })) as unknown as [
    z.ZodObject,
    ...z.ZodObject[],
  ],
);
