import { z } from 'zod';
import { isoDurationSchema } from './duration';

/** The clocks of DOMAIN.md (Arts 22-23, 34-36) plus the petitioner's satisfaction window. */
export const CLOCK_NAMES = [
  'acceptance',
  'objection',
  'handling',
  'reviewRequest',
  'reviewDecision',
  'reReviewRequest',
  'reReviewDecision',
  'supervision',
  'satisfaction',
] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];
export const clockNameSchema = z.enum(CLOCK_NAMES);

/** How a clock counts: exact duration, whole days (rest-day roll-over), or working days. */
export const CALENDARS = ['elapsed', 'calendar-days', 'working-days'] as const;
export type CalendarKind = (typeof CALENDARS)[number];

/** What a breach does: escalate (督办), close a petitioner window, or only notify. */
export const BREACH_ACTIONS = ['escalate', 'close', 'notify'] as const;
export type BreachAction = (typeof BREACH_ACTIONS)[number];

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

/** The policy file of CONTRACT.md: any clock left out keeps its statutory default. */
export const policyFileSchema = z.strictObject({
  clocks: z.partialRecord(clockNameSchema, clockPolicySchema).default({}),
});

export type Policy = { readonly clocks: Readonly<Record<ClockName, ClockPolicy>> };
