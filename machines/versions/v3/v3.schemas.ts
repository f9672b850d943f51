import { z } from 'zod';
import { isoDurationSchema } from '../../iso-duration';
import { BREACH_ACTIONS } from '../../petition.vocabulary';
import { divisionCodeSchema } from '../../petition.roles';
import { CHANNELS, matterSchema, petitionerSchema, representativeSchema } from '../../petition.schemas';
import {
  ATTACHMENT_KINDS,
  DELIVERY_METHODS,
  ITEM_CLASSES,
  MEDIATION_LEVELS,
  NOTICE_METHODS,
  PAUSE_REASONS,
  RATINGS,
  RECEIVERS,
  REFER_TARGETS,
  REJECT_GROUNDS,
  RESOLVE_OUTCOMES,
  ROUTE_PROCEDURES,
  SUPERVISION_LEVELS,
  V3_CLOCK_NAMES,
} from './v3.vocabulary';

// Text limits keep one case row and one audit event well under a page of JSON a person would write.
const shortText = z.string().trim().min(1).max(200);
const text = z.string().trim().min(1).max(4000);
const longText = z.string().trim().min(1).max(20000);
/** A unit of the tree (division, bureau or department) named by its code. */
const unitCode = divisionCodeSchema;
const caseId = z.uuid();

/** A clock of version 3. */
export const v3ClockNameSchema = z.enum(V3_CLOCK_NAMES);

/** Flags set at intake (Arts 20, 22 ¶2, 25, 28); each is counted by the statistics. */
export const v3FlagsSchema = z.strictObject({
  /** 集体访 (Art 20): a group visit, with its head count. */
  group: z.strictObject({ headCount: z.number().int().min(2).max(100000) }).optional(),
  /** 越级访 (Art 20): the visit skipped the body with authority. */
  skipLevel: z.boolean().optional(),
  /** 涉法涉诉 (Arts 22 ¶2, 28): a matter for the courts, procuratorate or police. */
  lawRelated: z.boolean().optional(),
  /** 重大紧急 (Art 25): reported up the line at once. */
  majorUrgent: z.boolean().optional(),
});
/** The flags of an intake. */
export type V3Flags = z.infer<typeof v3FlagsSchema>;

/** The intake of a version 3 case (Art 19); the class decides the route (Arts 29-31). */
export const v3IntakeSchema = z
  .strictObject({
    channel: z.enum(CHANNELS),
    unit: unitCode,
    class: z.enum(ITEM_CLASSES),
    flags: v3FlagsSchema.default({}),
    /** 领导接访 (Art 18): a visit received by a leader is registered as such. */
    receivedBy: z.enum(RECEIVERS).default('clerk'),
    petitioner: petitionerSchema,
    // The class says whether this is an accusation; the v1 boolean would only contradict it.
    matter: matterSchema.omit({ accusation: true }),
    representatives: z.array(representativeSchema).max(5, 'a group visit sends at most 5 representatives (Art 20)').optional(),
  })
  .superRefine((intake, ctx) => {
    if (intake.class === 'accusation' && intake.matter.accusedUnit === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['matter', 'accusedUnit'],
        message: 'an accusation names the accused unit, so it is never sent there (Arts 30, 46)',
      });
    }
    const headCount = intake.flags.group?.headCount;
    if (headCount !== undefined && (intake.representatives?.length ?? 0) > headCount) {
      ctx.addIssue({ code: 'custom', path: ['representatives'], message: 'more representatives than people in the group' });
    }
  });
/** A parsed v3 intake (flags and receiver defaulted). */
export type V3Intake = z.output<typeof v3IntakeSchema>;

const rating = z.enum(RATINGS);

/** The fields of every command a person may send under version 3, by event type. */
export const v3CommandFieldSchemas = {
  /** Art 22: 转送, to the body with authority (属地管理、分级负责), within 15 days. */
  TRANSFER: z.strictObject({ toUnit: unitCode, note: text.optional() }),
  /** Art 22(3): 交办, a transfer with the bureau's deadline for the closing report. */
  ASSIGN: z.strictObject({ toUnit: unitCode, dueIn: isoDurationSchema, note: text.optional() }),
  /** Art 22 ¶2: 涉法涉诉 to the 政法 bodies, 检举控告 to 纪检监察. */
  REFER: z.strictObject({ to: z.enum(REFER_TARGETS), reason: text }),
  /** Art 19 ¶3 / Art 36 ¶3: 不予受理, with its ground and the related case where there is one. */
  REJECT: z.strictObject({ ground: z.enum(REJECT_GROUNDS), reason: text, relatedCaseId: caseId.optional() }),
  /** Art 19 ¶3 practice: a duplicate joins the open case. */
  MERGE: z.strictObject({ intoCaseId: caseId }),
  /** Art 23: 受理 with the written notice (受理告知书) within 15 days. */
  ACCEPT: z.strictObject({ noticeMethod: z.enum(NOTICE_METHODS), note: text.optional() }),
  /** Art 23 ¶3: "not ours", within 5 working days, with reasons. */
  OBJECT: z.strictObject({ reason: text }),
  /** Art 23 ¶3: the sending bureau agrees (核实同意) and transfers anew. */
  APPROVE_OBJECTION: z.strictObject({ note: text }),
  /** Art 23 ¶3: the sending bureau disagrees; the matter stays with the body. */
  DENY_OBJECTION: z.strictObject({ note: text }),
  /** Art 31(1)-(5): the complaint goes into its legal procedure (诉访分离, Art 28). */
  ROUTE: z.strictObject({ procedure: z.enum(ROUTE_PROCEDURES), reason: text }),
  /** Art 19: materials the petitioner must supply. */
  REQUEST_INFO: z.strictObject({ note: text }),
  /** Art 19: the petitioner supplied them. */
  PROVIDE_INFO: z.strictObject({ note: text }),
  /** Art 33: mediation or reconciliation, at a level (三级调解, Art 37). */
  START_MEDIATION: z.strictObject({ level: z.enum(MEDIATION_LEVELS), mediator: shortText.optional() }),
  /** Art 33: one mediation session held. */
  RECORD_MEDIATION_SESSION: z.strictObject({ note: text }),
  /** Art 33: a mediation agreement (调解协议书) answers the matter. */
  MEDIATION_AGREED: z.strictObject({ agreement: longText }),
  /** Art 33: no agreement; the body handles on. */
  MEDIATION_FAILED: z.strictObject({ reason: text }),
  /** Art 31(6): a hearing (听证) for a major, complex or difficult matter, at a time. */
  SCHEDULE_HEARING: z.strictObject({ hearingAt: z.iso.datetime({ offset: true }) }),
  /** Art 31(6): the hearing held, its summary. */
  RECORD_HEARING: z.strictObject({ summary: longText }),
  /** Art 34: the one extension of the handling clock, ≤ 30 days, the reason told to the petitioner. */
  REQUEST_EXTENSION: z.strictObject({ duration: isoDurationSchema, reason: text }),
  /** Art 34: approved by the handling body's leader. */
  APPROVE_EXTENSION: z.strictObject({ note: text }),
  /** Art 34: refused by the handling body's leader. */
  DENY_EXTENSION: z.strictObject({ note: text }),
  /** Art 32: 信访处理意见书 (support / explain / not-support); Art 29: a suggestion adopted or not. */
  RESOLVE: z.strictObject({ outcome: z.enum(RESOLVE_OUTCOMES), opinion: longText }),
  /** Art 32: the written answer delivered (送达), the proof kept. */
  DELIVER: z.strictObject({ method: z.enum(DELIVERY_METHODS), proof: shortText.optional() }),
  /** Art 21: the petitioner rates the handling body and the bureau. */
  RATE_SATISFACTION: z.strictObject({ body: rating, bureau: rating }),
  /** Art 35 (复查) / Art 36 (复核): asked of the body one level up, within 30 days. */
  REQUEST_REVIEW: z.strictObject({ reason: text }),
  /** Art 22(3): the closing report (办结报告) of an assigned case. */
  SUBMIT_REPORT: z.strictObject({ text: longText }),
  /** Art 22(3): the bureau accepts the closing report. */
  ACCEPT_REPORT: z.strictObject({ note: text }),
  /** Art 22(3): the bureau returns it for more work. */
  RETURN_REPORT: z.strictObject({ note: text }),
  /** Practice: the petitioner withdraws before an answer. */
  WITHDRAW: z.strictObject({ reason: text }),
  /** Arts 38-40: 督办, 挂牌督办, 约谈 or 通报, optionally with a deadline. */
  SUPERVISE: z.strictObject({ level: z.enum(SUPERVISION_LEVELS), reason: text, dueIn: isoDurationSchema.optional() }),
  /** Arts 38-40 practice: 销号, the supervision struck off. */
  STRIKE_OFF: z.strictObject({ note: text }),
  /** Art 40: the bureau sends the matter to another body before it is answered. */
  REASSIGN: z.strictObject({ toUnit: unitCode, reason: text }),
  /** Art 18: 包案, a named leader takes personal charge. */
  ASSIGN_LEADER: z.strictObject({ leader: shortText }),
  /** Art 18: 批示, a leader's instruction on the case. */
  LEADER_INSTRUCTION: z.strictObject({ text }),
  /** Arts 13, 24: 联席会议, a matter several bodies share. */
  LINK_CONFERENCE: z.strictObject({ conference: shortText, departments: z.array(shortText).min(2).max(20) }),
  /** Art 36 ¶2 and policy: a clock waits, only for a reason the policy allows for it. */
  PAUSE_CLOCK: z.strictObject({ clock: v3ClockNameSchema, reason: z.enum(PAUSE_REASONS), note: text.optional() }),
  /** Art 36 ¶2 and policy: the clock runs again. */
  RESUME_CLOCK: z.strictObject({ clock: v3ClockNameSchema, reason: text.optional() }),
} as const;

/** The command types a person may send under version 3. */
export type V3CommandType = keyof typeof v3CommandFieldSchemas;
/** Every command type of version 3, in table order. */
export const V3_COMMAND_TYPES = Object.keys(v3CommandFieldSchemas) as V3CommandType[];

/** The events only the engine's deadline workers send (actor role `system`). */
export const v3SystemFieldSchemas = {
  /** A reminder before the due time (policy `reminders`). */
  DEADLINE_REMINDER: z.strictObject({ clock: v3ClockNameSchema, generation: z.number().int().positive(), reminder: z.string() }),
  /** A clock ran out: supervise (督办), close a petitioner window, or notify, as the policy says. */
  DEADLINE_BREACHED: z.strictObject({
    clock: v3ClockNameSchema,
    generation: z.number().int().positive(),
    onBreach: z.enum(BREACH_ACTIONS),
  }),
} as const;
/** The event types only the deadline workers send. */
export type V3SystemEventType = keyof typeof v3SystemFieldSchemas;

/**
 * Events a person records through a route of their own, never as a command
 * (the attachment routes: the digest must be of bytes the engine stored).
 */
export const v3FilingFieldSchemas = {
  /**
   * Art 19 and the practice of 一案一卷: a scanned letter or evidence filed with the case. The trail keeps its
   * digest, size, media type and kind, never its bytes or file name (which may name a person).
   */
  ATTACH_MATERIAL: z.strictObject({
    attachmentId: z.uuid(),
    kind: z.enum(ATTACHMENT_KINDS),
    size: z.number().int().nonnegative(),
    mediaType: z.string().min(1).max(100),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
} as const;
/** The event types recorded through routes of their own. */
export type V3FilingEventType = keyof typeof v3FilingFieldSchemas;

type Fields<T extends Record<string, z.ZodType>> = { [K in keyof T]: { type: K } & z.output<T[K]> }[keyof T];
/** A command as a person sends it under version 3: the type and its fields. */
export type V3Command = Fields<typeof v3CommandFieldSchemas>;
/** An event of the deadline workers. */
export type V3SystemCommand = Fields<typeof v3SystemFieldSchemas>;
/** An event recorded through a route of its own (an attachment's digest). */
export type V3FilingCommand = Fields<typeof v3FilingFieldSchemas>;

/** Every event type of version 3. */
export type V3EventType = V3CommandType | V3SystemEventType | V3FilingEventType;
/** Every event type of version 3: the commands, the deadline events, then the filings. */
export const V3_EVENT_TYPES: readonly V3EventType[] = [
  ...V3_COMMAND_TYPES,
  ...(Object.keys(v3SystemFieldSchemas) as V3SystemEventType[]),
  ...(Object.keys(v3FilingFieldSchemas) as V3FilingEventType[]),
];

/** A filing as the attachment routes record it: a discriminated union on `type`. */
export const v3FilingSchema = z.discriminatedUnion(
  'type',
  (Object.keys(v3FilingFieldSchemas) as V3FilingEventType[]).map((type) =>
    v3FilingFieldSchemas[type].extend({ type: z.literal(type) }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

/** A command sent over the API or CLI under version 3: a discriminated union on `type`. */
export const v3CommandSchema = z.discriminatedUnion(
  'type',
  V3_COMMAND_TYPES.map((type) => v3CommandFieldSchemas[type].extend({ type: z.literal(type) })) as unknown as [
    z.ZodObject,
    ...z.ZodObject[],
  ],
);
