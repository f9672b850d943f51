import { z } from 'zod';
import { isoDurationSchema } from '../machines/iso-duration';
import { BREACH_ACTIONS, clockNameSchema, pauseReasonSchema, type ClockName, type PauseReason } from '../machines/petition.vocabulary';

/** How a clock counts: exact duration, whole days (rest-day roll-over), or working days. */
export const CALENDARS = ['elapsed', 'calendar-days', 'working-days'] as const;
export type CalendarKind = (typeof CALENDARS)[number];

/** A reminder is a share of the clock (`"80%"`) or a negative duration before the due time (`"-P1D"`; whole days count working days on a working-days clock). */
export const reminderSchema = z.union([
  z.string().regex(/^(100|[1-9]?[0-9])(\.[0-9]+)?%$/, 'a share such as "50%"'),
  z
    .string()
    .regex(/^-P/, 'a negative ISO 8601 duration such as "-P1D"')
    .refine((s) => isoDurationSchema.safeParse(s.slice(1)).success, {
      message: 'must be a negative ISO 8601 duration such as -P1D',
    }),
]);

/** One clock as a policy file writes it; `pausableFor` left out keeps the clock's default list. */
export const clockPolicySchema = z.strictObject({
  duration: isoDurationSchema,
  calendar: z.enum(CALENDARS),
  reminders: z.array(reminderSchema).max(10).default([]),
  onBreach: z.enum(BREACH_ACTIONS),
  /** The longest approved extension (handling, Art 34). */
  maxExtension: isoDurationSchema.optional(),
  /** The longest length a command may give this clock (the report deadline set at ASSIGN, a supervisor's `dueIn`). */
  maxDuration: isoDurationSchema.optional(),
  /** The reasons this clock may be paused for; every other reason is refused. */
  pausableFor: z.array(pauseReasonSchema).max(10).optional(),
});
/** A clock entry of a policy file. */
export type ClockPolicyEntry = z.infer<typeof clockPolicySchema>;

/** A clock entry as code writes it (tests, overlays): reminders and pause reasons may be read-only lists. */
export interface ClockPolicyInput extends Omit<ClockPolicyEntry, 'pausableFor' | 'reminders'> {
  readonly reminders: readonly string[];
  readonly pausableFor?: readonly PauseReason[] | undefined;
}

/** One clock of the effective policy: every field a file may leave out is filled in. */
export interface ClockPolicy extends Omit<ClockPolicyEntry, 'pausableFor' | 'reminders'> {
  readonly reminders: readonly string[];
  readonly pausableFor: readonly PauseReason[];
}

/**
 * The flags the statistics count (Arts 20, 22 ¶2, 25, 28; 重复信访 and 初信初访
 * from the person's file), in the order reports show them.
 */
export const STATISTICS_FLAGS = ['group', 'skipLevel', 'majorUrgent', 'lawRelated', 'repeat', 'first'] as const;
export type StatisticsFlag = (typeof STATISTICS_FLAGS)[number];

/** What the statistics read from the policy: the flags a township must have none of in a period to be 四无. */
export const statisticsPolicySchema = z.strictObject({
  fourNone: z.array(z.enum(STATISTICS_FLAGS)).min(1).max(STATISTICS_FLAGS.length),
});

/**
 * The urgency colours of a live deadline (the console's green, yellow and
 * red): by the share of its period still left, in percent. Red below
 * `redBelow` (and once overdue), yellow below `yellowBelow`, green above.
 */
export const urgencyPolicySchema = z
  .strictObject({ yellowBelow: z.number().min(0).max(100), redBelow: z.number().min(0).max(100) })
  .refine((u) => u.redBelow <= u.yellowBelow, { message: 'redBelow must not be above yellowBelow' });
export type UrgencyPolicy = z.infer<typeof urgencyPolicySchema>;

/** A time of day, Beijing time (`09:00`): when reminders of whole-day clocks fire, at the start of a working day. */
export const timeOfDaySchema = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a time of day such as "09:00"');

/** The policy file (`PETITION_POLICY`): any clock left out keeps its statutory default, `machineVersion` the newest. */
export const policyFileSchema = z.strictObject({
  clocks: z.partialRecord(clockNameSchema, clockPolicySchema).default({}),
  /** The machine version new cases start under (a bureau may hold an older one for a while); existing cases keep theirs. */
  machineVersion: z.number().int().positive().optional(),
  /** The 四无 criteria; by default no skip-level, group, repeat or major/urgent matter. */
  statistics: statisticsPolicySchema.optional(),
  /** The urgency colours of live deadlines; by default red below 20% of the period left, yellow below 50%. */
  urgency: urgencyPolicySchema.optional(),
  /** When reminders of whole-day clocks fire (Beijing time, on a working day); 09:00 by default. */
  reminderTime: timeOfDaySchema.optional(),
});
export type PolicyFile = z.infer<typeof policyFileSchema>;

/** The effective policy: every clock, and the machine version new cases start under. */
export interface Policy {
  readonly clocks: Readonly<Record<ClockName, ClockPolicy>>;
  readonly machineVersion: number;
  /** The 四无 criteria when the file sets them; the statistics' default otherwise. */
  readonly statistics?: { readonly fourNone: readonly StatisticsFlag[] };
  /** The urgency colours of live deadlines (DEFAULT_URGENCY unless set). */
  readonly urgency?: UrgencyPolicy;
  /** When reminders of whole-day clocks fire, Beijing time, on a working day (DEFAULT_REMINDER_TIME unless set). */
  readonly reminderTime?: string;
}
