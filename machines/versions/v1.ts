import { ACTIVE_STAGE_HANDLERS, initialContext, LIFECYCLE_STATES, lifecycleSetup, permissionGuard } from '../lifecycle.blocks';
import type { PermissionTable } from '../petition.permissions';

/** The first released lifecycle; stored with every case and audit event recorded under it. */
export const MACHINE_VERSION_1 = 1;

/**
 * Who may send which event in which state under version 1. The machine's
 * `permitted` guard reads it, `allowedEvents` reflects it, and the tests are
 * generated from it.
 */
export const PERMISSIONS_V1: PermissionTable = {
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
  DEADLINE_REMINDER: { '*': ['system'] },
  DEADLINE_BREACHED: { '*': ['system'] },
};

/**
 * The petition lifecycle, version 1, as a pure XState v5 machine. Cases
 * recorded under it keep its rules for good: they know no LINK_CONFERENCE.
 */
export const petitionMachineV1 = lifecycleSetup
  .createMachine({ id: 'petition', initial: 'received', context: initialContext, on: ACTIVE_STAGE_HANDLERS, states: LIFECYCLE_STATES })
  .provide({ guards: { permitted: permissionGuard(PERMISSIONS_V1) } });
