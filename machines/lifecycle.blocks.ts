import { and, assign, not, setup } from 'xstate';
import { closesCaseOnBreach } from './breach-actions';
import * as clk from './petition.clocks';
import type { PetitionContext, PetitionEvent, PetitionInput, Resolution, Escalation } from './petition.machine';
import { isPermitted, type PermissionTable, type StateKey } from './petition.permissions';
import { REVIEW_WINDOWS, type ClockName, type StateName } from './petition.vocabulary';

/*
 * The building blocks of the petition lifecycle, shared by the machine
 * versions in versions/. A version composes them into a machine and gives it
 * its own permission table; a later version that changes the lifecycle adds
 * blocks here (or its own) without changing what earlier versions are built of.
 * The machine decides and records; it never does I/O. Clocks live in
 * `context.clocks`; the engine turns their changes into deadline rows and timers.
 */

const DECISION_CLOCKS: readonly ClockName[] = ['acceptance', 'handling', 'supervision', 'reviewDecision', 'reReviewDecision'];

/** Parameters of the startClock action: `skip` leaves the clocks as they are (a start that does not apply). */
interface ClockStart {
  readonly clock: ClockName;
  readonly duration?: string | undefined;
  readonly unlessStarted?: boolean;
  readonly skip?: boolean;
}

type E<T extends PetitionEvent['type']> = Extract<PetitionEvent, { type: T }>;
function is<T extends PetitionEvent['type']>(event: PetitionEvent, type: T): event is E<T> {
  return event.type === type;
}

/** A guard object checking the version's permission table for `state`. */
const permitted = (state: StateKey) => ({ type: 'permitted', params: { state } }) as const;

/**
 * The `permitted` guard of one machine version: its own permission table for
 * the case's state. `*` means every active state: the root handlers must not
 * reach a closed or rejected case, whose snapshot XState would otherwise still
 * change (a final case has a closure or a rejection).
 */
export function permissionGuard(table: PermissionTable) {
  return ({ context, event }: { context: PetitionContext; event: PetitionEvent }, params: { state: StateKey }): boolean =>
    (params.state !== '*' || (context.closure === null && context.rejection === null)) &&
    isPermitted(table, event.type, params.state, event.actor.role);
}

/**
 * Guards and actions every version shares. The `permitted` guard is each
 * version's own (`machine.provide({ guards: { permitted: permissionGuard(table) } })`
 * in versions/vN.ts); a machine built without one fails loudly rather than
 * guessing a table.
 */
export const lifecycleSetup = setup({
  types: { context: {} as PetitionContext, events: {} as PetitionEvent, input: {} as PetitionInput },
  guards: {
    permitted: (_, _params: { state: StateKey }): boolean => {
      throw new Error('a machine version must provide its permission table (versions/vN.ts)');
    },
    infoRequested: ({ context }) => context.infoRequested,
    objectionOpen: ({ context }) => clk.isLive(context.clocks.objection),
    extensionRequestable: ({ context }) => context.extension === null && clk.isLive(context.clocks.handling),
    extensionPending: ({ context }) => context.extension?.status === 'requested',
    clockRunning: ({ context, event }) => is(event, 'PAUSE_CLOCK') && context.clocks[event.clock]?.status === 'running',
    clockPaused: ({ context, event }) => is(event, 'RESUME_CLOCK') && context.clocks[event.clock]?.status === 'paused',
    currentTimer: ({ context, event }) =>
      (is(event, 'DEADLINE_BREACHED') || is(event, 'DEADLINE_REMINDER')) &&
      context.clocks[event.clock]?.generation === event.generation &&
      context.clocks[event.clock]?.status === 'running',
    breachEscalates: ({ event }) => is(event, 'DEADLINE_BREACHED') && event.onBreach === 'escalate',
    breachClosesCase: ({ event }) => is(event, 'DEADLINE_BREACHED') && event.onBreach === 'close' && closesCaseOnBreach(event.clock),
    reviewWindowOpen: ({ context }) => context.reviewStage < 2 && REVIEW_WINDOWS.some((c) => clk.isLive(context.clocks[c])),
    finalDecision: ({ context }) => context.reviewStage === 2,
    satisfactionOpen: ({ context }) => clk.isLive(context.clocks.satisfaction),
    breachOfSatisfaction: ({ event }) => is(event, 'DEADLINE_BREACHED') && event.clock === 'satisfaction',
  },
  actions: {
    // Clock actions: the engine interprets their effect on `context.clocks` as deadline rows.
    startClock: assign({
      clocks: ({ context }, p: ClockStart) => (p.skip === true ? context.clocks : clk.startClock(context.clocks, p.clock, p)),
    }),
    stopClocks: assign({
      clocks: ({ context }, p: { clocks: readonly ClockName[]; outcome: 'met' | 'cancelled' }) =>
        clk.stopClocks(context.clocks, p.clocks, p.outcome),
    }),
    stopAllClocks: assign({ clocks: ({ context }) => clk.stopAllClocks(context.clocks, 'cancelled') }),
    pauseClock: assign({ clocks: ({ context }, p: { clock: ClockName }) => clk.setPaused(context.clocks, p.clock, true) }),
    resumeClock: assign({ clocks: ({ context }, p: { clock: ClockName }) => clk.setPaused(context.clocks, p.clock, false) }),
    markBreached: assign({
      clocks: ({ context, event }) =>
        is(event, 'DEADLINE_BREACHED') ? clk.stopClocks(context.clocks, [event.clock], 'breached') : context.clocks,
    }),
    setInfoRequested: assign({ infoRequested: (_, p: { value: boolean }) => p.value }),
    reject: assign({ rejection: ({ event }) => (is(event, 'REJECT') ? { reason: event.reason, route: event.route } : null) }),
    merge: assign({
      mergedInto: ({ event }) => (is(event, 'MERGE') ? event.intoCaseId : null),
      closure: () => 'merged' as const,
    }),
    assignUnit: assign({
      assignee: ({ event, context }) =>
        is(event, 'ASSIGN') || is(event, 'REASSIGN') ? { unit: event.unit, handler: event.handler ?? null } : context.assignee,
    }),
    clearAssignee: assign({ assignee: () => null }),
    startMediation: assign({
      mediation: ({ event }) =>
        is(event, 'START_MEDIATION') ? { level: event.level, mediator: event.mediator ?? null, sessions: 0 } : null,
    }),
    countSession: assign({
      mediation: ({ context }) => (context.mediation ? { ...context.mediation, sessions: context.mediation.sessions + 1 } : null),
    }),
    resolve: assign(({ context, event }) => {
      const resolution: Resolution | null = is(event, 'RESOLVE')
        ? { outcome: event.outcome, text: event.opinion, at: event.at, by: event.actor.id }
        : is(event, 'MEDIATION_AGREED')
          ? { outcome: 'mediation-agreement', text: event.agreement, at: event.at, by: event.actor.id }
          : null;
      const stage = context.reviewPending === 'review' ? 1 : context.reviewPending === 'reReview' ? 2 : context.reviewStage;
      return {
        resolution,
        reviewStage: stage,
        reviewPending: null,
        escalation: null,
        delivery: null,
        clocks: clk.stopClocks(context.clocks, DECISION_CLOCKS, 'met'),
      };
    }),
    deliver: assign({ delivery: ({ event }) => (is(event, 'DELIVER') ? { method: event.method, at: event.at } : null) }),
    closeFinally: assign({ closure: () => 'final' as const }),
    closeLapsed: assign({ closure: () => 'window-lapsed' as const }),
    requestExtension: assign({
      extension: ({ event, context }) =>
        is(event, 'REQUEST_EXTENSION')
          ? { status: 'requested' as const, duration: event.duration, reason: event.reason }
          : context.extension,
    }),
    approveExtension: assign(({ context }) =>
      context.extension === null
        ? {}
        : {
            extension: { ...context.extension, status: 'approved' as const },
            clocks: clk.extendClock(context.clocks, 'handling', context.extension.duration),
          },
    ),
    escalate: assign(({ context, event }) => {
      const escalation: Escalation | null = is(event, 'ESCALATE')
        ? { kind: 'supervision', reason: event.reason, at: event.at }
        : is(event, 'DEADLINE_BREACHED')
          ? { kind: 'breach', reason: `${event.clock} clock breached`, clock: event.clock, at: event.at }
          : is(event, 'REQUEST_REVIEW')
            ? { kind: context.reviewStage === 0 ? 'review' : 'reReview', reason: event.reason, at: event.at }
            : context.escalation;
      return { escalation, listed: true };
    }),
    requestReview: assign({ reviewPending: ({ context }) => (context.reviewStage === 0 ? 'review' : 'reReview') }),
    rate: assign({
      satisfaction: ({ event, context }) =>
        is(event, 'RATE_SATISFACTION')
          ? 'body' in event
            ? { body: event.body, bureau: event.bureau }
            : { unit: event.unit, bureau: event.bureau }
          : context.satisfaction,
    }),
    markUnrated: assign({ satisfaction: ({ context }) => context.satisfaction ?? 'unrated' }),
    // A reminder changes nothing in the case, but it must be a taken transition: XState's `can()` reports a
    // transition with neither target nor actions as refused, and callers (allowedEvents, the engine) ask `can()`.
    noteReminder: () => {},
    assignLeader: assign({ leader: ({ event, context }) => (is(event, 'ASSIGN_LEADER') ? event.leader : context.leader) }),
    linkConference: assign({
      conference: ({ event, context }) =>
        is(event, 'LINK_CONFERENCE')
          ? { name: event.conference, departments: event.departments, at: event.at }
          : (context.conference ?? null),
    }),
  },
});

/** 督办: a supervisor takes the case up; a `dueIn` runs as the supervision clock. */
function escalateFrom(state: StateName) {
  return {
    guard: permitted(state),
    target: '#petition.escalated',
    actions: ['escalate', { type: 'startClock', params: ({ event }: { event: PetitionEvent }) => superviseParams(event) }],
  } as const;
}

/**
 * The supervision clock of an ESCALATE or REASSIGN: the supervisor's `dueIn`
 * restarts it. Without one, an ESCALATE only lists the case (any running
 * supervision clock keeps going) while a REASSIGN, which always sends the case
 * down with a deadline, starts the policy's.
 */
function superviseParams(event: PetitionEvent): ClockStart {
  const dueIn = is(event, 'ESCALATE') || is(event, 'REASSIGN') ? event.dueIn : undefined;
  if (dueIn !== undefined) return { clock: 'supervision', duration: dueIn };
  return is(event, 'REASSIGN') ? { clock: 'supervision' } : { clock: 'supervision', skip: true };
}

/** Transitions shared by the three handling states (verified, assigned, mediated). */
function handlingCommon(state: 'verified' | 'assigned' | 'mediated') {
  return lifecycleSetup.createStateConfig({
    on: {
      /** Art 32: the handler asks for the one extension of the handling clock. */
      REQUEST_EXTENSION: { guard: and([permitted(state), 'extensionRequestable']), actions: 'requestExtension' },
      /** Art 32: the supervisor approves it; the handling due time moves once. */
      APPROVE_EXTENSION: { guard: and([permitted(state), 'extensionPending']), actions: 'approveExtension' },
      ESCALATE: escalateFrom(state),
    },
  }).on;
}

/** The context of a new case: recorded, not yet accepted, with the acceptance clock running (Art 22). */
export function initialContext({ input }: { input: PetitionInput }): PetitionContext {
return {
    id: input.id,
    unit: input.intake.unit,
    intake: input.intake,
    receivedAt: input.at,
    clocks: clk.startClock({}, 'acceptance'),
    assignee: null,
    leader: null,
    mediation: null,
    infoRequested: false,
    extension: null,
    escalation: null,
    listed: false,
    reviewStage: 0,
    reviewPending: null,
    resolution: null,
    delivery: null,
    satisfaction: null,
    rejection: null,
    mergedInto: null,
    closure: null,
  };
}

/** Events every active state handles; a state's own handler takes precedence. */
export const ACTIVE_STAGE_HANDLERS = lifecycleSetup.createStateConfig({
  on: {
    // 领导包案: a named leader takes personal charge at any active stage.
    ASSIGN_LEADER: { guard: permitted('*'), actions: 'assignLeader' },
    // Art 35: hearing (听证) time is excluded from a clock.
    PAUSE_CLOCK: {
      guard: and([permitted('*'), 'clockRunning']),
      actions: { type: 'pauseClock', params: ({ event }) => ({ clock: event.clock }) },
    },
    RESUME_CLOCK: {
      guard: and([permitted('*'), 'clockPaused']),
      actions: { type: 'resumeClock', params: ({ event }) => ({ clock: event.clock }) },
    },
    // Reminders before breach: recorded in the trail, no change of state.
    DEADLINE_REMINDER: { guard: and([permitted('*'), 'currentTimer']), actions: 'noteReminder' },
    DEADLINE_BREACHED: [
      // A lapsed petitioner window closes the case (终结, Art 35).
      {
        guard: and([permitted('*'), 'currentTimer', 'breachClosesCase']),
        target: '.closed',
        actions: ['markBreached', 'closeLapsed'],
      },
      // 督办: a breach escalates the case automatically.
      { guard: and([permitted('*'), 'currentTimer', 'breachEscalates']), target: '.escalated', actions: ['markBreached', 'escalate'] },
      // A satisfaction window lapses unrated (超期未评价).
      { guard: and([permitted('*'), 'currentTimer', 'breachOfSatisfaction']), actions: ['markBreached', 'markUnrated'] },
      // `notify` (and objection lapses, Art 23): recorded; the window is shut.
      { guard: and([permitted('*'), 'currentTimer']), actions: 'markBreached' },
    ],
  },
}).on;

/** 联席会议 (Art 24, machine v2): at any active stage a supervisor links the case to a joint conference. */
export const LINK_CONFERENCE_HANDLER = lifecycleSetup.createStateConfig({
  on: { LINK_CONFERENCE: { guard: permitted('*'), actions: 'linkConference' } },
}).on;

/** The states of the lifecycle: received → handling (verified, assigned, mediated) → resolved → closed, with escalated and rejected. */
export const LIFECYCLE_STATES = lifecycleSetup.createStateConfig({
  states: {
    /** 登记 (Art 19): recorded, not yet accepted; the acceptance clock runs (Art 22). */
    received: {
      on: {
        /** 受理 (Art 22): identity and contact checked, accepted; handling starts. */
        VERIFY: {
          guard: permitted('received'),
          target: 'handling.verified',
          actions: [
            { type: 'stopClocks', params: { clocks: ['acceptance'], outcome: 'met' } },
            { type: 'startClock', params: { clock: 'handling' } },
          ],
        },
        /** 不予受理 (Arts 22, 29-31): refused with the legal route. */
        REJECT: {
          guard: permitted('received'),
          target: 'rejected',
          actions: [{ type: 'stopClocks', params: { clocks: ['acceptance'], outcome: 'met' } }, 'reject'],
        },
        /** Art 19: a repeat of a case in progress joins it. */
        MERGE: {
          guard: permitted('received'),
          target: 'closed',
          actions: [{ type: 'stopClocks', params: { clocks: ['acceptance'], outcome: 'met' } }, 'merge'],
        },
        /** Policy: ask for missing information; the acceptance clock pauses meanwhile. */
        REQUEST_INFO: {
          guard: and([permitted('received'), not('infoRequested')]),
          actions: [
            { type: 'setInfoRequested', params: { value: true } },
            { type: 'pauseClock', params: { clock: 'acceptance' } },
          ],
        },
        /** Policy: the petitioner answered; the acceptance clock resumes. */
        PROVIDE_INFO: {
          guard: and([permitted('received'), 'infoRequested']),
          actions: [
            { type: 'setInfoRequested', params: { value: false } },
            { type: 'resumeClock', params: { clock: 'acceptance' } },
          ],
        },
        ESCALATE: escalateFrom('received'),
      },
    },
    /** Accepted and in a unit's hands; the handling clock (Art 32) runs through these three. */
    handling: {
      initial: 'verified',
      states: {
        /** 受理: accepted, waiting to be handed to a unit. */
        verified: {
          on: {
            /** 交办 (Art 23): to the responsible unit; its objection window opens. */
            ASSIGN: {
              guard: permitted('verified'),
              target: 'assigned',
              actions: ['assignUnit', { type: 'startClock', params: { clock: 'objection' } }],
            },
            ...handlingCommon('verified'),
          },
        },
        /** 交办 (Art 23): the unit investigates; it may object within 5 working days. */
        assigned: {
          exit: { type: 'stopClocks', params: { clocks: ['objection'], outcome: 'met' } },
          on: {
            /** Art 23: "not ours", back for reassignment. */
            OBJECT: { guard: and([permitted('assigned'), 'objectionOpen']), target: 'verified', actions: 'clearAssignee' },
            /** 三级调解 (seed): mediation at county, township or village level. */
            START_MEDIATION: { guard: permitted('assigned'), target: 'mediated', actions: 'startMediation' },
            /** Art 32: the written handling opinion. */
            RESOLVE: { guard: permitted('assigned'), target: '#petition.resolved', actions: 'resolve' },
            ...handlingCommon('assigned'),
          },
        },
        /** 调解 (Art 33): sessions until agreement or failure. */
        mediated: {
          on: {
            RECORD_MEDIATION_SESSION: { guard: permitted('mediated'), actions: 'countSession' },
            /** Art 33: a written mediation agreement resolves the case. */
            MEDIATION_AGREED: { guard: permitted('mediated'), target: '#petition.resolved', actions: 'resolve' },
            /** Art 33: no agreement; the handler takes it back. */
            MEDIATION_FAILED: { guard: permitted('mediated'), target: 'assigned' },
            RESOLVE: { guard: permitted('mediated'), target: '#petition.resolved', actions: 'resolve' },
            ...handlingCommon('mediated'),
          },
        },
      },
    },
    /** 办结 (Art 32): an opinion or agreement exists; delivery (送达) opens the petitioner's windows. */
    resolved: {
      initial: 'awaitingDelivery',
      states: {
        awaitingDelivery: {
          on: {
            DELIVER: [
              /** Art 36: a delivered re-review (复核) decision is final (终结). */
              { guard: and([permitted('resolved'), 'finalDecision']), target: '#petition.closed', actions: ['deliver', 'closeFinally'] },
              /** Art 35: delivery opens the 30-day review (or re-review) window and the satisfaction rating. */
              {
                guard: permitted('resolved'),
                target: 'delivered',
                actions: [
                  'deliver',
                  {
                    type: 'startClock',
                    params: ({ context }) => ({ clock: context.reviewStage === 0 ? 'reviewRequest' : 'reReviewRequest' }),
                  },
                  { type: 'startClock', params: { clock: 'satisfaction', unlessStarted: true } },
                ],
              },
            ],
          },
        },
        delivered: {
          on: {
            /** Art 35: review (复查) or re-review (复核) requested within the window. */
            REQUEST_REVIEW: {
              guard: and([permitted('resolved'), 'reviewWindowOpen']),
              target: '#petition.escalated',
              actions: [
                { type: 'stopClocks', params: { clocks: REVIEW_WINDOWS, outcome: 'met' } },
                'escalate',
                {
                  type: 'startClock',
                  params: ({ context }) => ({ clock: context.reviewStage === 0 ? 'reviewDecision' : 'reReviewDecision' }),
                },
                'requestReview',
              ],
            },
          },
        },
      },
      on: {
        /** Satisfaction rating (满意 / 基本满意 / 不满意), given by the clerk for the petitioner. */
        RATE_SATISFACTION: {
          guard: and([permitted('resolved'), 'satisfactionOpen']),
          actions: ['rate', { type: 'stopClocks', params: { clocks: ['satisfaction'], outcome: 'met' } }],
        },
      },
    },
    /** 上报 / 督办: with a supervisor or a higher level, after a breach, a supervisor's order or a review request. */
    escalated: {
      on: {
        /** 督办: sent back down with a supervision deadline. */
        REASSIGN: {
          guard: permitted('escalated'),
          target: 'handling.assigned',
          actions: [
            'assignUnit',
            { type: 'stopClocks', params: { clocks: ['acceptance'], outcome: 'met' } },
            { type: 'startClock', params: { clock: 'handling', unlessStarted: true } },
            { type: 'startClock', params: { clock: 'objection' } },
            // REASSIGN always sets a supervision deadline: the supervisor's dueIn or the policy's.
            { type: 'startClock', params: ({ event }) => superviseParams(event) },
            assign({ escalation: null }),
          ],
        },
        /** Decided at this level (including 复查 / 复核 decisions, Art 35). */
        RESOLVE: { guard: permitted('escalated'), target: 'resolved', actions: 'resolve' },
        /** 挂牌督办: a new reason or deadline for a case already escalated. */
        ESCALATE: {
          guard: permitted('escalated'),
          actions: ['escalate', { type: 'startClock', params: ({ event }) => superviseParams(event) }],
        },
        APPROVE_EXTENSION: { guard: and([permitted('escalated'), 'extensionPending']), actions: 'approveExtension' },
        /** Already escalated: a further breach is recorded and keeps the case listed. */
        DEADLINE_BREACHED: { guard: and([permitted('*'), 'currentTimer']), actions: ['markBreached', assign({ listed: true })] },
      },
    },
    /** 终结: final (Art 36); the same facts and reasons are not accepted again. */
    closed: { type: 'final', entry: 'stopAllClocks' },
    /** 不予受理: not accepted, with the reason and route told (Arts 22, 29-31). */
    rejected: { type: 'final', entry: 'stopAllClocks' },
  },
}).states;
