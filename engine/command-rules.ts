import type { Transaction } from 'kysely';
import type { Policy } from '../config/policy.schema';
import { findCase } from '../db/case.repository';
import type { Database } from '../db/schema';
import { durationMillis } from '../machines/iso-duration';
import type { CommandClaims } from '../machines/machine-adapter';
import type { Actor } from '../machines/petition.roles';
import { isFinalState, type ClockName } from '../machines/petition.vocabulary';
import { accusedUnitRefusal, reachRefusal, type KnownUnits } from './access';
import { ValidationError, type PetitionError } from './errors';

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
  return new ValidationError(`the policy does not pause ${clock} for ${reason ?? 'no reason'}`, [
    { path: ['reason'], message: `${given}: ${rule}` },
  ]);
}

/**
 * The refusals a command's claims meet before the machine steps, recorded
 * like the permission refusals: a target outside the sender's reach (403), an
 * accusation sent to its accused unit (422, Arts 30, 46). Undefined when none
 * applies.
 */
export function claimRefusal(claims: CommandClaims, actor: Actor, eventType: string, tree: KnownUnits): PetitionError | undefined {
  if (claims.sendsTo === undefined) return undefined;
  const target = claims.sendsTo.unit;
  return reachRefusal(eventType, target, actor, tree) ?? accusedUnitRefusal(claims.sendsTo.neverTo ?? null, target);
}

/**
 * The policy's limits on what a command claims: an extension (Art 34), a
 * length it gives a clock, a pause reason (`pausableFor`; a version whose
 * pauses take free text claims none).
 */
function checkPolicyLimits(policy: Policy, claims: CommandClaims): void {
  const { extension, deadline, pause } = claims;
  const refusal =
    (extension !== undefined ? extensionRefusal(policy, extension.duration) : undefined) ??
    (deadline !== undefined ? lengthRefusal(policy, deadline.clock as ClockName, deadline.duration, deadline.field) : undefined) ??
    (pause !== undefined ? pauseRefusal(policy, pause.clock as ClockName, pause.reason) : undefined);
  if (refusal !== undefined) throw refusal;
}

/**
 * The rules of a command the machine cannot hold because they need the policy
 * or other rows (another case; the unit tree is reach's, engine/access). Checked once the event is
 * permitted and its claims not refused, under the case lock, before the
 * transition; each failure is a VALIDATION error naming the field.
 */
export async function checkCommandRules(
  trx: Transaction<Database>,
  policy: Policy,
  claims: CommandClaims,
  caseId: string,
  actor: Actor,
): Promise<void> {
  checkPolicyLimits(policy, claims);
  if (claims.namesCase !== undefined) {
    const { field, caseId: named, open } = claims.namesCase;
    // Looked up within the sender's units: a case outside them is answered as one that does not exist.
    const target = named === caseId ? undefined : await findCase(trx, named, actor.unit);
    if (target === undefined || (open && isFinalState(target.state))) {
      const message = open ? 'must be another case still in progress' : 'must be another case you can see';
      throw new ValidationError(open ? 'cannot merge' : 'unknown case', [{ path: [field], message }]);
    }
  }
}
