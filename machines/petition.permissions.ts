import type { EventType } from './petition.schemas';
import { ACTIVE_STATES, type Role, type StateName } from './petition.vocabulary';

/** `*` stands for every active state. */
export type StateKey = StateName | '*';

/**
 * The one permission matrix: event × state → the roles that may send it there.
 * The machine's `permitted` guard reads it, `allowedEvents` reflects it, and the
 * tests are generated from it. A pair missing here is refused, whatever the role.
 */
export const PERMISSIONS: Readonly<Record<EventType, Readonly<Partial<Record<StateKey, readonly Role[]>>>>> = {
  VERIFY: { received: ['clerk'] },
  REJECT: { received: ['clerk'] },
  REQUEST_INFO: { received: ['clerk'] },
  PROVIDE_INFO: { received: ['clerk'] },
  MERGE: { received: ['clerk'] },
  ASSIGN: { verified: ['clerk', 'supervisor'] },
  OBJECT: { assigned: ['handler'] },
  START_MEDIATION: { assigned: ['handler'] },
  RECORD_MEDIATION_SESSION: { mediated: ['mediator'] },
  MEDIATION_AGREED: { mediated: ['mediator'] },
  MEDIATION_FAILED: { mediated: ['mediator'] },
  RESOLVE: { assigned: ['handler'], mediated: ['handler'], escalated: ['supervisor'] },
  DELIVER: { resolved: ['clerk'] },
  REQUEST_EXTENSION: { verified: ['handler'], assigned: ['handler'], mediated: ['handler'] },
  APPROVE_EXTENSION: { verified: ['supervisor'], assigned: ['supervisor'], mediated: ['supervisor'], escalated: ['supervisor'] },
  ESCALATE: {
    received: ['supervisor'],
    verified: ['supervisor'],
    assigned: ['supervisor'],
    mediated: ['supervisor'],
    escalated: ['supervisor'],
  },
  REASSIGN: { escalated: ['supervisor'] },
  RATE_SATISFACTION: { resolved: ['clerk'] },
  REQUEST_REVIEW: { resolved: ['clerk'] },
  ASSIGN_LEADER: { '*': ['supervisor'] },
  PAUSE_CLOCK: { '*': ['supervisor'] },
  RESUME_CLOCK: { '*': ['supervisor'] },
  // Machine v2 only; cases under v1 refuse it.
  LINK_CONFERENCE: { '*': ['supervisor'] },
  DEADLINE_REMINDER: { '*': ['system'] },
  DEADLINE_BREACHED: { '*': ['system'] },
};

/** Whether `role` may send `type` while the case is in `state` (before any state-specific rule). */
export function isPermitted(type: EventType, state: StateKey, role: Role): boolean {
  const row = PERMISSIONS[type];
  const roles = state === '*' ? row['*'] : (row[state] ?? ((ACTIVE_STATES as readonly string[]).includes(state) ? row['*'] : undefined));
  return roles?.includes(role) ?? false;
}

/** Whether a role may send an event type in some state at all (if not, a request is FORBIDDEN rather than merely untimely). */
export function roleMaySend(type: EventType, role: Role): boolean {
  return Object.values(PERMISSIONS[type]).some((roles) => roles?.includes(role));
}
