import type { Transaction } from 'kysely';
import type { Policy } from '../config/policy.schema';
import { findCase } from '../db/case.repository';
import type { Database } from '../db/schema';
import { durationMillis } from '../machines/iso-duration';
import type { PetitionEvent } from '../machines/petition.machine';
import { isFinalState } from '../machines/petition.vocabulary';
import { ValidationError } from './errors';

/**
 * The longest duration a command may set a clock to: far beyond any statutory
 * clock, and well inside the dates PostgreSQL and JavaScript can hold (a
 * `dueIn` of P300000Y used to end in a 500).
 */
const MAX_COMMAND_DURATION = 'P10Y';

/** Durations a command may carry: the policy's extension limit (Art 32), and a bound on supervision deadlines. */
function checkDurations(policy: Policy, event: PetitionEvent): void {
  if (event.type === 'REQUEST_EXTENSION') {
    const max = policy.clocks.handling.maxExtension ?? MAX_COMMAND_DURATION;
    if (durationMillis(event.duration) > durationMillis(max)) {
      throw new ValidationError('extension too long', [{ path: ['duration'], message: `at most ${max} (Art 32)` }]);
    }
  }
  if ((event.type === 'ESCALATE' || event.type === 'REASSIGN') && event.dueIn !== undefined && durationMillis(event.dueIn) > durationMillis(MAX_COMMAND_DURATION)) {
    throw new ValidationError('deadline too far', [{ path: ['dueIn'], message: `at most ${MAX_COMMAND_DURATION}` }]);
  }
}

/**
 * The rules of a command the machine cannot hold because they need the policy
 * or other rows (the merge target; the unit tree is reach's, engine/access). Checked once the event is
 * permitted (machines/event-permission.ts), under the case lock, before the
 * transition; each failure is a VALIDATION error naming the field.
 */
export async function checkCommandRules(trx: Transaction<Database>, policy: Policy, event: PetitionEvent, caseId: string): Promise<void> {
  checkDurations(policy, event);
  if (event.type === 'MERGE') {
    // Looked up within the sender's units: a case outside them is answered as one that does not exist.
    const target = event.intoCaseId === caseId ? undefined : await findCase(trx, event.intoCaseId, event.actor.unit);
    if (target === undefined || isFinalState(target.state)) {
      throw new ValidationError('cannot merge', [{ path: ['intoCaseId'], message: 'must be another case still in progress' }]);
    }
  }
}
