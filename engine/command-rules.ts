import type { Transaction } from 'kysely';
import type { Policy } from '../config/policy.schema';
import { findCase } from '../db/case.repository';
import type { Database } from '../db/schema';
import { isAssignableUnit } from '../db/unit.repository';
import { durationMillis } from '../machines/iso-duration';
import type { CommandClaims } from '../machines/machine-adapter';
import type { Actor } from '../machines/petition.roles';
import { isFinalState, type ClockName } from '../machines/petition.vocabulary';
import { DEFAULT_PAUSABLE_FOR } from '../machines/versions/v3/v3.vocabulary';
import { accusedUnitRefusal, reachRefusal } from './access';
import { EventNotAllowedError, ValidationError, type PetitionError } from './errors';

/**
 * The longest duration a command may set a clock to: far beyond any statutory
 * clock, and well inside the dates PostgreSQL and JavaScript can hold (a
 * `dueIn` of P300000Y used to end in a 500).
 */
const MAX_COMMAND_DURATION = 'P10Y';

/** The case as the rules see it: the event's type, the case's state, and what the sender may send now. */
export interface RuleContext {
  readonly eventType: string;
  readonly state: string;
  readonly allowedEvents: readonly string[];
}

/** The reasons the policy lets `clock` pause for (the statutory list where the policy names none). */
function pausableFor(policy: Policy, clock: string): readonly string[] {
  const lists: Readonly<Record<string, readonly string[] | undefined>> = policy.pausableFor ?? DEFAULT_PAUSABLE_FOR;
  return lists[clock] ?? [];
}

/**
 * The refusals a command's claims meet before the machine steps, recorded
 * like the permission refusals: a target outside the sender's reach (403), an
 * accusation sent to its accused unit (422, Arts 30, 46), a pause for a reason
 * the policy does not allow for that clock (422). Undefined when none applies.
 */
export function claimRefusal(policy: Policy, claims: CommandClaims, actor: Actor, now: RuleContext): PetitionError | undefined {
  if (claims.sendsTo !== undefined) {
    const target = claims.sendsTo.unit;
    const refused = reachRefusal(now.eventType, target, actor) ?? accusedUnitRefusal(now.eventType, target, claims.sendsTo.neverTo ?? null, now);
    if (refused !== undefined) return refused;
  }
  if (claims.pause !== undefined && !pausableFor(policy, claims.pause.clock).includes(claims.pause.reason)) {
    const { clock, reason } = claims.pause;
    return new EventNotAllowedError(now.eventType, now.state, now.allowedEvents, `the policy does not let the ${clock} clock pause for ${reason}`);
  }
  return undefined;
}

/** Durations a command may carry: the policy's extension limit (Art 34), and a bound on deadlines a sender sets. */
function checkDurations(policy: Policy, claims: CommandClaims): void {
  if (claims.extension !== undefined) {
    const { field, duration, clock } = claims.extension;
    const max = policy.clocks[clock as ClockName]?.maxExtension ?? MAX_COMMAND_DURATION;
    if (durationMillis(duration) > durationMillis(max)) {
      throw new ValidationError('extension too long', [{ path: [field], message: `at most ${max} (Art 34)` }]);
    }
  }
  if (claims.deadline !== undefined && durationMillis(claims.deadline.duration) > durationMillis(MAX_COMMAND_DURATION)) {
    throw new ValidationError('deadline too far', [{ path: [claims.deadline.field], message: `at most ${MAX_COMMAND_DURATION}` }]);
  }
}

/**
 * The rules of a command the machine cannot hold because they need the policy
 * or other rows (the unit tree, another case). Checked once the event is
 * permitted and its claims not refused, under the case lock, before the
 * transition; each failure is a VALIDATION error naming the field.
 */
export async function checkCommandRules(trx: Transaction<Database>, policy: Policy, claims: CommandClaims, caseId: string, actor: Actor): Promise<void> {
  checkDurations(policy, claims);
  if (claims.sendsTo !== undefined && !(await isAssignableUnit(trx, claims.sendsTo.unit))) {
    throw new ValidationError('unknown unit', [{ path: [claims.sendsTo.field], message: 'not a unit of the loaded unit tree' }]);
  }
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
