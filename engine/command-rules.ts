import type { Transaction } from 'kysely';
import type { Policy } from '../config/policy.schema';
import { findCase } from '../db/case.repository';
import type { Database } from '../db/schema';
import { durationMillis } from '../machines/iso-duration';
import type { PetitionEvent } from '../machines/petition.machine';
import { isFinalState, type ClockName } from '../machines/petition.vocabulary';
import { ValidationError } from './errors';

/**
 * The longest duration a command may set a clock to: far beyond any statutory
 * clock, and well inside the dates PostgreSQL and JavaScript can hold (a
 * `dueIn` of P300000Y used to end in a 500).
 */
const MAX_COMMAND_DURATION = 'P10Y';

/**
 * An extension longer than the policy allows (Art 34: at most 30 days), or
 * undefined when it is within the limit.
 */
export function extensionRefusal(policy: Policy, duration: string): ValidationError | undefined {
  const max = policy.clocks.handling.maxExtension ?? MAX_COMMAND_DURATION;
  if (durationMillis(duration) <= durationMillis(max)) return undefined;
  return new ValidationError('extension too long', [{ path: ['duration'], message: `at most ${max} (Art 34)` }]);
}

/**
 * A length a command gives a clock (the report deadline a bureau sets at
 * ASSIGN, a supervisor's `dueIn`) beyond the clock's `maxDuration`, or
 * beyond {@link MAX_COMMAND_DURATION} when the policy sets none.
 */
export function lengthRefusal(policy: Policy, clock: ClockName, duration: string, path: string): ValidationError | undefined {
  const max = policy.clocks[clock].maxDuration ?? MAX_COMMAND_DURATION;
  if (durationMillis(duration) <= durationMillis(max)) return undefined;
  return new ValidationError('deadline too far', [{ path: [path], message: `at most ${max}` }]);
}

/**
 * The pause rule: a clock stands still only for a reason the policy lists
 * for it (`pausableFor`; by default hearings for the re-review decision, Art
 * 36 ¶2, and materials awaited from the petitioner for dispatch and notice).
 * Undefined when the pause is allowed; otherwise a VALIDATION error naming
 * the reason and what the clock allows.
 */
export function pauseRefusal(policy: Policy, clock: ClockName, reason: string | undefined): ValidationError | undefined {
  const allowed = policy.clocks[clock].pausableFor;
  if (reason !== undefined && (allowed as readonly string[]).includes(reason)) return undefined;
  const given = reason === undefined ? 'a pause without a reason' : `"${reason}"`;
  const rule = allowed.length === 0 ? `the ${clock} clock is never paused` : `the ${clock} clock pauses only for ${allowed.join(', ')}`;
  return new ValidationError(`the policy does not pause ${clock} for ${reason ?? 'no reason'}`, [{ path: ['reason'], message: `${given}: ${rule}` }]);
}

/**
 * The first machine version whose pauses follow the policy's `pausableFor`.
 * Versions 1 and 2 take a free-text reason and keep their own rules.
 */
export const POLICY_PAUSES_FROM_VERSION = 3;

/** Durations and reasons a command may carry, by the policy. */
function checkPolicyLimits(policy: Policy, machineVersion: number, event: PetitionEvent): void {
  const refusal =
    event.type === 'REQUEST_EXTENSION'
      ? extensionRefusal(policy, event.duration)
      : (event.type === 'ESCALATE' || event.type === 'REASSIGN') && event.dueIn !== undefined
        ? lengthRefusal(policy, 'supervision', event.dueIn, 'dueIn')
        : event.type === 'PAUSE_CLOCK' && machineVersion >= POLICY_PAUSES_FROM_VERSION
          ? pauseRefusal(policy, event.clock, event.reason)
          : undefined;
  if (refusal !== undefined) throw refusal;
}

/**
 * The rules of a command the machine cannot hold because they need the policy
 * or other rows (the merge target; the unit tree is reach's, engine/access). Checked once the event is
 * permitted (machines/event-permission.ts), under the case lock, before the
 * transition; each failure is a VALIDATION error naming the field.
 */
export async function checkCommandRules(trx: Transaction<Database>, policy: Policy, machineVersion: number, event: PetitionEvent, caseId: string): Promise<void> {
  checkPolicyLimits(policy, machineVersion, event);
  if (event.type === 'MERGE') {
    // Looked up within the sender's units: a case outside them is answered as one that does not exist.
    const target = event.intoCaseId === caseId ? undefined : await findCase(trx, event.intoCaseId, event.actor.unit);
    if (target === undefined || isFinalState(target.state)) {
      throw new ValidationError('cannot merge', [{ path: ['intoCaseId'], message: 'must be another case still in progress' }]);
    }
  }
}
