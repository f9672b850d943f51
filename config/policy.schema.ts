import { z } from 'zod';
import { isoDurationSchema } from '../machines/iso-duration';
import { BREACH_ACTIONS, clockNameSchema, pauseReasonSchema, type ClockName, type PauseReason } from '../machines/petition.vocabulary';

/** How a clock counts: exact duration, whole days (rest-day roll-over), or working days. */
export const CALENDARS = ['elapsed', 'calendar-days', 'working-days'] as const;
export type CalendarKind = (typeof CALENDARS)[number];

/** A reminder is a share of the clock (`"80%"`) or a negative duration before the due time (`"-P1D"`; whole days count working days on a working-days clock). */
export const reminderSchema = z.union([
  z.string().regex(/^(100|[1-9]?[0-9])(\.[0-9]+)?%$/, 'a share such as "50%"'),
  z.string().regex(/^-P/, 'a negative ISO 8601 duration such as "-P1D"').refine((s) => isoDurationSchema.safeParse(s.slice(1)).success, {
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

/** The policy file (`PETITION_POLICY`): any clock left out keeps its statutory default, `machineVersion` the newest. */
export const policyFileSchema = z.strictObject({
  clocks: z.partialRecord(clockNameSchema, clockPolicySchema).default({}),
  /** The machine version new cases start under (a bureau may hold an older one for a while); existing cases keep theirs. */
  machineVersion: z.number().int().positive().optional(),
});
export type PolicyFile = z.infer<typeof policyFileSchema>;

/** The effective policy: every clock, and the machine version new cases start under. */
export interface Policy {
  readonly clocks: Readonly<Record<ClockName, ClockPolicy>>;
  readonly machineVersion: number;
}
