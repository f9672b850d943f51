import { Duration } from 'luxon';
import { z } from 'zod';

// luxon's Duration is pure arithmetic on the string (no clock, no zone), so the machine may use it.

/**
 * An ISO 8601 duration such as `P15D`, `PT1M` or `PT2S`, validated by luxon.
 * Kept as its string form everywhere (policy, events, audit trail) so that
 * replay sees exactly what was recorded.
 */
export const isoDurationSchema = z.iso
  // `format: duration` and its pattern describe the field to API clients; luxon has the last word below.
  .duration({ message: 'must be an ISO 8601 duration such as P15D or PT30S' })
  .max(64)
  .refine(
    (s) => {
      const d = Duration.fromISO(s);
      return d.isValid && d.toMillis() > 0;
    },
    { message: 'must be a positive duration' },
  );

/** Milliseconds of an ISO 8601 duration, with months and years at their average length (luxon's casual matrix). */
export function durationMillis(iso: string): number {
  return Duration.fromISO(iso).toMillis();
}
