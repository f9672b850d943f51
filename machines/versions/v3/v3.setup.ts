/**
 * The building blocks of machine version 3: its XState setup (guards and
 * actions), the clock action shorthands, and the handlers every state takes
 * (the permission table says in which states they apply). The states
 * themselves are in v3.machine.ts.
 */
import { assign, setup } from 'xstate';
import * as clk from './v3.clocks';
import { isSupervised, type V3Context, type V3Event, type V3Input } from './v3.context';
import { isPermittedV3 } from './v3.permissions';
import { clocksClosedBy, closeWith, isPendingHearing, raiseSupervision, recordEvent, reportOwed, superviseOnBreach } from './v3.updates';
import { V3_DUTY_CLOCKS, V3_REVIEW_WINDOWS, outcomesFor, type V3ClockName, type V3Closure, type V3State } from './v3.vocabulary';

/** Parameters of the startClock action; `skip` leaves the clocks alone (a start that does not apply). */
interface ClockStart {
  readonly clock: V3ClockName;
  readonly duration?: string | undefined;
  readonly skip?: boolean;
}

type E<T extends V3Event['type']> = Extract<V3Event, { type: T }>;
function is<T extends V3Event['type']>(event: V3Event, type: T): event is E<T> {
  return event.type === type;
}

/** Whether a deadline event belongs to the clock's current run (an older generation's timer is stale). */
function isCurrentTimer(context: V3Context, event: V3Event): boolean {
  if (!is(event, 'DEADLINE_BREACHED') && !is(event, 'DEADLINE_REMINDER')) return false;
  const entry = context.clocks[event.clock];
  return entry?.generation === event.generation && entry.status === 'running';
}

/** Whether a breach asks for supervision (policy `escalate`) on one of `clocks`. */
function breachEscalates(event: V3Event, clocks: readonly V3ClockName[]): boolean {
  return is(event, 'DEADLINE_BREACHED') && event.onBreach === 'escalate' && clocks.includes(event.clock);
}

/**
 * The conditions a state puts on an event beyond the permission table, by
 * name; transitions list them with `when(state, ...names)`.
 */
const CONDITIONS = {
  hasBody: (context) => context.units.body !== null,
  isComplaint: (context) => context.class === 'complaint',
  objectionOpen: (context) => clk.isLive(context.clocks.objection),
  infoPending: (context) => context.infoRequests.some((r) => r.answeredAt === null),
  noInfoPending: (context) => context.infoRequests.every((r) => r.answeredAt !== null),
  // A hearing belongs to its decision stage: one left unrecorded at the first stage does not block the review's.
  hearingPending: (context) => context.hearings.some((h) => isPendingHearing(h, context)),
  noHearingPending: (context) => !context.hearings.some((h) => isPendingHearing(h, context)),
  extensionRequestable: (context) =>
    (context.extension === null || context.extension.status === 'denied') && clk.isLive(context.clocks.handling),
  extensionPending: (context) => context.extension?.status === 'requested',
  outcomeFitsClass: (context, event) => is(event, 'RESOLVE') && outcomesFor(context.class).includes(event.outcome),
  finalStage: (context) => context.reviewStage === 'reReview',
  reviewWindowOpen: (context) => context.reviewStage === 'first' && clk.isLive(context.clocks.reviewRequest),
  reReviewWindowOpen: (context) => context.reviewStage === 'review' && clk.isLive(context.clocks.reReviewRequest),
  satisfactionOpen: (context) => clk.isLive(context.clocks.satisfaction),
  reportDue: (context) => reportOwed(context),
  reportSubmitted: (context) => context.report?.status === 'submitted',
  // 销号 once the matter is answered (the states say so) and, for 交办, the closing report accepted.
  strikeable: (context) => isSupervised(context) && (context.report === null || ['accepted', 'cancelled'].includes(context.report.status)),
  clockRunning: (context, event) => is(event, 'PAUSE_CLOCK') && context.clocks[event.clock]?.status === 'running',
  clockPaused: (context, event) => is(event, 'RESUME_CLOCK') && context.clocks[event.clock]?.status === 'paused',
  currentTimer: (context, event) => isCurrentTimer(context, event),
  breachClosesWindow: (_, event) =>
    is(event, 'DEADLINE_BREACHED') && event.onBreach === 'close' && V3_REVIEW_WINDOWS.some((c) => c === event.clock),
  breachOfSupervision: (_, event) => breachEscalates(event, ['supervision']),
  breachOfDuty: (_, event) => breachEscalates(event, V3_DUTY_CLOCKS),
  breachOfSatisfaction: (_, event) => is(event, 'DEADLINE_BREACHED') && event.clock === 'satisfaction',
} satisfies Record<string, (context: V3Context, event: V3Event) => boolean>;
/** The name of a condition a transition may add to the permission table. */
export type Condition = keyof typeof CONDITIONS;

/** Guards and actions of version 3; every guard and action a state refers to is named here. */
export const v3Setup = setup({
  types: { context: {} as V3Context, events: {} as V3Event, input: {} as V3Input },
  guards: {
    /** The permission table (role and relation may send this event in this state), then the state's own conditions. */
    permitted: ({ context, event }, p: { state: V3State; if?: readonly Condition[] }) =>
      isPermittedV3(event.type, p.state, event.actor.role, event.relations) &&
      (p.if ?? []).every((name) => CONDITIONS[name](context, event)),
  },
  actions: {
    /** What the event records in the context (v3.updates.ts). */
    record: assign(({ context, event }) => recordEvent(context, event)),
    /** Starts (or restarts) a clock; a start that does not apply is skipped. */
    startClock: assign({
      clocks: ({ context }, p: ClockStart) => (p.skip === true ? context.clocks : clk.startClock(context.clocks, p.clock, p)),
    }),
    /** Stops live clocks and ends their open pauses. */
    stopClocks: assign(({ context, event }, p: { clocks: readonly V3ClockName[]; outcome: 'met' | 'cancelled' }) => ({
      clocks: clk.stopClocks(context.clocks, p.clocks, p.outcome),
      pauses: p.clocks.reduce((pauses, clock) => clk.closePause(pauses, clock, event.at), context.pauses),
    })),
    pauseClock: assign({
      clocks: ({ context, event }) => (is(event, 'PAUSE_CLOCK') ? clk.setPaused(context.clocks, event.clock, true) : context.clocks),
    }),
    resumeClock: assign({
      clocks: ({ context, event }) => (is(event, 'RESUME_CLOCK') ? clk.setPaused(context.clocks, event.clock, false) : context.clocks),
    }),
    extendHandling: assign({
      clocks: ({ context }) =>
        context.extension === null ? context.clocks : clk.extendClock(context.clocks, 'handling', context.extension.duration),
    }),
    markBreached: assign({
      clocks: ({ context, event }) =>
        is(event, 'DEADLINE_BREACHED') ? clk.stopClocks(context.clocks, [event.clock], 'breached') : context.clocks,
    }),
    superviseOnBreach: assign(({ context, event }) => (is(event, 'DEADLINE_BREACHED') ? superviseOnBreach(context, event) : {})),
    raiseSupervision: assign(({ context, event }) => (is(event, 'DEADLINE_BREACHED') ? raiseSupervision(context, event) : {})),
    markUnrated: assign({ satisfaction: ({ context }) => context.satisfaction ?? 'unrated' }),
    /** The case ends with a closure; its clocks stop (all but a report still owed). */
    close: assign(({ context, event }, p: { closure: V3Closure }) => {
      const stopped = clocksClosedBy(context, p.closure);
      return {
        ...closeWith(context, p.closure, event.at),
        clocks: clk.stopClocks(context.clocks, stopped, 'cancelled'),
        pauses: stopped.reduce((pauses, clock) => clk.closePause(pauses, clock, event.at), context.pauses),
      };
    }),
    // A reminder (or a filing) changes nothing, but must be a taken transition: XState's can() refuses one with neither target nor actions.
    noteReminder: () => {},
  },
});

/** The permission table's guard for `state`. */
export const permitted = (state: V3State) => ({ type: 'permitted', params: { state } }) as const;
/** The permission table for `state`, and then the state's own conditions. */
export const when = (state: V3State, ...conditions: Condition[]) => ({ type: 'permitted', params: { state, if: conditions } }) as const;
/** Stops live clocks, `met` unless said otherwise. */
export const stop = (clocks: readonly V3ClockName[], outcome: 'met' | 'cancelled' = 'met') =>
  ({ type: 'stopClocks', params: { clocks, outcome } }) as const;
/** Starts (or restarts) a clock at the policy's length. */
export const start = (clock: V3ClockName) => ({ type: 'startClock', params: { clock } }) as const;
/** Closes the case with a closure. */
export const close = (closure: V3Closure) => ({ type: 'close', params: { closure } }) as const;
/** The id-path of the closed state, for transitions from any state. */
export const CLOSED = '#petition-v3.closed';

/** Art 34: the handling clock runs for a complaint (Art 31(6)) and, by policy, a suggestion; an accusation goes by its own rules. */
export const startHandling = {
  type: 'startClock',
  params: ({ context }: { context: V3Context }) => ({ clock: 'handling', skip: context.class === 'accusation' }) satisfies ClockStart,
} as const;

/** Art 22(3): 交办 starts the report clock with the bureau's deadline. */
export const startReport = {
  type: 'startClock',
  params: ({ event }: { event: V3Event }) =>
    (is(event, 'ASSIGN') ? { clock: 'report', duration: event.dueIn } : { clock: 'report', skip: true }) satisfies ClockStart,
} as const;

/** Arts 38-40: a supervisor's deadline (`dueIn`) runs as the supervision clock. */
export const startSupervision = {
  type: 'startClock',
  params: ({ event }: { event: V3Event }) =>
    (is(event, 'SUPERVISE') && event.dueIn !== undefined
      ? { clock: 'supervision', duration: event.dueIn }
      : { clock: 'supervision', skip: true }) satisfies ClockStart,
} as const;

/** Art 23 ¶3: a body receiving the matter has 15 days to notice and 5 working days to object. */
export const RECEIPT = [start('notice'), start('objection')] as const;

/** A deadline event in any state: reminders are recorded; a breach closes a window, supervises, or is noted. */
function deadlineHandlers(state: V3State) {
  return v3Setup.createStateConfig({
    on: {
      /** Policy `reminders`: recorded in the trail, nothing changes. */
      DEADLINE_REMINDER: { guard: when(state, 'currentTimer'), actions: 'noteReminder' },
      DEADLINE_BREACHED: [
        /** Arts 35-36: the petitioner let the review window lapse; the answer stands (办结). */
        { guard: when(state, 'currentTimer', 'breachClosesWindow'), target: CLOSED, actions: ['markBreached', close('concluded')] },
        /** 督办期限 breached: one level up, and the level above is told (by the engine). */
        { guard: when(state, 'currentTimer', 'breachOfSupervision'), actions: ['markBreached', 'raiseSupervision'] },
        /** Arts 22, 23, 34-36: a duty clock breached puts the case under supervision; it stays where it is. */
        { guard: when(state, 'currentTimer', 'breachOfDuty'), actions: ['markBreached', 'superviseOnBreach'] },
        /** Art 21 practice: 未评价. */
        { guard: when(state, 'currentTimer', 'breachOfSatisfaction'), actions: ['markBreached', 'markUnrated'] },
        /** Anything else (e.g. the objection window, Art 23 ¶3): the door is shut, nothing more. */
        { guard: when(state, 'currentTimer'), actions: 'markBreached' },
      ],
    },
  }).on;
}

/** Events the table allows in many states; each state takes them, and the table says where they apply. */
export function sharedHandlers(state: V3State) {
  return v3Setup.createStateConfig({
    on: {
      /** Arts 38-40: 督办 / 挂牌督办 / 约谈 / 通报 set or raised. */
      SUPERVISE: { guard: permitted(state), actions: ['record', startSupervision] },
      /** 销号: supervision struck off once answered (and the report accepted for 交办). */
      STRIKE_OFF: { guard: when(state, 'strikeable'), actions: ['record', stop(['supervision'])] },
      /** Art 18: 包案. */
      ASSIGN_LEADER: { guard: permitted(state), actions: 'record' },
      /** Art 18: 批示. */
      LEADER_INSTRUCTION: { guard: permitted(state), actions: 'record' },
      /** Arts 13, 24: 联席会议. */
      LINK_CONFERENCE: { guard: permitted(state), actions: 'record' },
      /** Art 19, 一案一卷: a scanned letter or evidence filed with the case; the trail keeps its digest, nothing changes. */
      ATTACH_MATERIAL: { guard: permitted(state), actions: 'noteReminder' },
      /** Art 36 ¶2 and policy: a pause the engine checked against `pausableFor`. */
      PAUSE_CLOCK: { guard: when(state, 'clockRunning'), actions: ['record', 'pauseClock'] },
      /** Art 36 ¶2 and policy: the pause ends; its record gets its end. */
      RESUME_CLOCK: { guard: when(state, 'clockPaused'), actions: ['record', 'resumeClock'] },
      /** Art 19: materials asked of the petitioner, one request at a time. */
      REQUEST_INFO: { guard: when(state, 'noInfoPending'), actions: 'record' },
      /** Art 19: the petitioner supplied them. */
      PROVIDE_INFO: { guard: when(state, 'infoPending'), actions: 'record' },
      /** Practice: the petitioner withdraws before an answer. */
      WITHDRAW: { guard: permitted(state), target: CLOSED, actions: ['record', close('withdrawn')] },
      /** Art 22(3): the body's closing report of a 交办 case; the report clock is met. */
      SUBMIT_REPORT: { guard: when(state, 'reportDue'), actions: ['record', stop(['report'])] },
      /** Art 22(3): the sending bureau accepts or returns it. */
      ACCEPT_REPORT: { guard: when(state, 'reportSubmitted'), actions: 'record' },
      /** Art 22(3): returned for more work; the body reports again. */
      RETURN_REPORT: { guard: when(state, 'reportSubmitted'), actions: 'record' },
      ...deadlineHandlers(state),
    },
  }).on;
}
