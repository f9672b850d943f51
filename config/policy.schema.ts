import { z } from 'zod';
import { isoDurationSchema } from '../machines/iso-duration';
import { BREACH_ACTIONS, clockNameSchema, type ClockName } from '../machines/petition.vocabulary';

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

export const clockPolicySchema = z.strictObject({
  duration: isoDurationSchema,
  calendar: z.enum(CALENDARS),
  reminders: z.array(reminderSchema).max(10).default([]),
  onBreach: z.enum(BREACH_ACTIONS),
  maxExtension: isoDurationSchema.optional(),
});
export type ClockPolicy = z.infer<typeof clockPolicySchema>;

/** The policy file (`PETITION_POLICY`): any clock left out keeps its statutory default. */
export const policyFileSchema = z.strictObject({
  clocks: z.partialRecord(clockNameSchema, clockPolicySchema).default({}),
  /** The machine version new cases start under (1-3); the latest when left out. */
  machineVersion: z.number().int().min(1).max(3).optional(),
});

export type Policy = {
  readonly clocks: Readonly<Record<ClockName, ClockPolicy>>;
  /** The machine version new cases start under (default: the latest). */
  readonly machineVersion?: number;
  /** Per clock, the reasons it may pause for (machine v3); a clock left out never pauses. */
  readonly pausableFor?: Readonly<Partial<Record<ClockName, readonly string[]>>>;
};
