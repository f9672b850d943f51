/**
 * Machine version 3: the two tiers of the 信访工作条例 as a pure XState v5
 * machine. The bureau registers and dispatches (Art 22); the body with
 * authority notices, accepts or objects (Art 23), handles and answers
 * (Arts 31-34); review goes one level up (Arts 35-36). Supervision (督办,
 * Arts 38-40) is a flag in the context, never a state. Who may send what is
 * the table of v3.permissions.ts, read by the `permitted` guard; clocks live
 * in `context.clocks` and the engine turns their changes into deadline rows.
 *
 * `closed` is not an XState final state: after an answer the closing report,
 * its acceptance, 销号, 批示 and late timers still arrive. A case is closed
 * when `context.closure` is set.
 */
import type { SnapshotFrom } from 'xstate';
import { firstSnapshot, nextSnapshot } from '../../pure-transition';
import { initialContext, intakeClock, type V3Context, type V3Event, type V3Input } from './v3.context';
import { CLOSED, RECEIPT, close, permitted, sharedHandlers, start, startHandling, startReport, stop, v3Setup, when } from './v3.setup';
import type { V3State } from './v3.vocabulary';

/** The version number stored with every case and audit event of this lifecycle. */
export const MACHINE_VERSION_3 = 3;

/** Clocks a unit holding a newly registered matter runs: the bureau's dispatch (Art 22) or the body's notice (Art 23). */
const INTAKE_CLOCKS = ['dispatch', 'notice'] as const;
/** Clocks of a body that has just received the matter (Art 23). */
const RECEIPT_CLOCKS = ['notice', 'objection'] as const;

/** 登记 (Art 19): at a bureau the dispatch clock runs (Art 22); at a body the notice clock (Art 23). */
function registered() {
  const s: V3State = 'registered';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      /** Art 22: 转送 to the body with authority. */
      TRANSFER: { guard: permitted(s), target: 'transferred', actions: ['record', stop(INTAKE_CLOCKS), ...RECEIPT] },
      /** Art 22(3): 交办, with the report clock at the bureau's deadline. */
      ASSIGN: { guard: permitted(s), target: 'transferred', actions: ['record', stop(INTAKE_CLOCKS), ...RECEIPT, startReport] },
      /** Art 22 ¶2: to the 政法 bodies or 纪检监察. */
      REFER: { guard: permitted(s), target: CLOSED, actions: ['record', stop(INTAKE_CLOCKS), close('referred')] },
      /** Art 19 ¶3 / Art 36 ¶3: 不予受理. */
      REJECT: { guard: permitted(s), target: CLOSED, actions: ['record', stop(INTAKE_CLOCKS), close('rejected')] },
      /** Art 19 ¶3 practice: a duplicate of an open case. */
      MERGE: { guard: permitted(s), target: CLOSED, actions: ['record', stop(INTAKE_CLOCKS), close('merged')] },
      /** Art 23 ¶1: a body registering a matter within its own authority accepts it itself. */
      ACCEPT: { guard: when(s, 'hasBody'), target: 'accepted', actions: ['record', stop(INTAKE_CLOCKS), startHandling] },
    },
  });
}

/** 已转送 / 已交办 (Arts 22-23): the body notices within 15 days or objects within 5 working days. */
function transferred() {
  const s: V3State = 'transferred';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      /** Art 23: 受理 with the written notice; the handling clock starts (Art 34). */
      ACCEPT: { guard: permitted(s), target: 'accepted', actions: ['record', stop(RECEIPT_CLOCKS), startHandling] },
      /** Art 23 ¶3: "not ours", while the objection window is open. */
      OBJECT: { guard: when(s, 'objectionOpen'), target: 'objected', actions: ['record', stop(RECEIPT_CLOCKS)] },
      /** Art 31(1)-(5): a complaint goes into its legal procedure; the petitioner is told where. */
      ROUTE: { guard: when(s, 'isComplaint'), target: CLOSED, actions: ['record', stop(RECEIPT_CLOCKS), close('routed')] },
      /** Art 19 ¶3 practice: a duplicate of an open case. */
      MERGE: { guard: permitted(s), target: CLOSED, actions: ['record', close('merged')] },
      /** Art 40: supervision sends the matter to another body, which notices anew. */
      REASSIGN: { guard: permitted(s), target: 'transferred', actions: ['record', stop(RECEIPT_CLOCKS, 'cancelled'), ...RECEIPT] },
    },
  });
}

/** 异议 (Art 23 ¶3): the sending bureau rules on the body's objection. */
function objected() {
  const s: V3State = 'objected';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      /**
       * 核实同意: back to the registering unit, which transfers anew. The dispatch
       * clock starts afresh (a new generation): the first run was met by the
       * transfer; the new one measures the new decision.
       */
      APPROVE_OBJECTION: {
        guard: permitted(s),
        target: 'registered',
        actions: [
          'record',
          stop(['report'], 'cancelled'),
          { type: 'startClock', params: ({ context }) => ({ clock: intakeClock(context) }) },
        ],
      },
      /** Not agreed: the body keeps the matter and must notice; the objection window does not reopen. */
      DENY_OBJECTION: { guard: permitted(s), target: 'transferred', actions: ['record', start('notice')] },
    },
  });
}

/** Extension of the handling clock (Art 34): one, requested by the handler, decided by the body's leader. */
function extensionHandlers(s: V3State) {
  return v3Setup.createStateConfig({
    on: {
      REQUEST_EXTENSION: { guard: when(s, 'extensionRequestable'), actions: 'record' },
      APPROVE_EXTENSION: { guard: when(s, 'extensionPending'), actions: ['record', 'extendHandling'] },
      DENY_EXTENSION: { guard: when(s, 'extensionPending'), actions: 'record' },
    },
  }).on;
}

/** Hearings (听证, Art 31(6)): scheduled, then recorded with a summary. */
function hearingHandlers(s: V3State) {
  return v3Setup.createStateConfig({
    on: {
      SCHEDULE_HEARING: { guard: when(s, 'noHearingPending'), actions: 'record' },
      RECORD_HEARING: { guard: when(s, 'hearingPending'), actions: 'record' },
    },
  }).on;
}

/** 已受理 / 办理中 (Arts 31-34): the body handles the matter; the handling clock runs for complaints and suggestions. */
function accepted() {
  const s: V3State = 'accepted';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      ...extensionHandlers(s),
      ...hearingHandlers(s),
      /** Art 31(1)-(5): routed into its legal procedure. */
      ROUTE: { guard: when(s, 'isComplaint'), target: CLOSED, actions: ['record', close('routed')] },
      /** Art 33: mediation or reconciliation. */
      START_MEDIATION: { guard: permitted(s), target: 'mediating', actions: 'record' },
      /** Art 32: the written opinion (Art 29 for a suggestion). */
      RESOLVE: { guard: when(s, 'outcomeFitsClass'), target: 'answered', actions: ['record', stop(['handling', 'supervision'])] },
      /** Art 40: supervision sends the matter to another body; its handling starts over after its notice. */
      REASSIGN: { guard: permitted(s), target: 'transferred', actions: ['record', stop(['handling'], 'cancelled'), ...RECEIPT] },
    },
  });
}

/** 调解 (Art 33): sessions until an agreement (which answers the matter) or a failure. */
function mediating() {
  const s: V3State = 'mediating';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      ...extensionHandlers(s),
      RECORD_MEDIATION_SESSION: { guard: permitted(s), actions: 'record' },
      /** Art 33: 调解协议书. */
      MEDIATION_AGREED: { guard: permitted(s), target: 'answered', actions: ['record', stop(['handling', 'supervision'])] },
      /** Art 33: no agreement; the body handles on. */
      MEDIATION_FAILED: { guard: permitted(s), target: 'accepted', actions: 'record' },
    },
  });
}

/** 已出具意见 (Art 32): the answer waits for delivery. */
function answered() {
  const s: V3State = 'answered';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      DELIVER: [
        /** Art 36 ¶3: the re-review answer delivered, the matter is final (终结). */
        { guard: when(s, 'finalStage'), target: CLOSED, actions: ['record', close('final')] },
        /** Arts 21, 35-36: delivery opens the review (or re-review) window and the rating. */
        {
          guard: permitted(s),
          target: 'delivered',
          actions: [
            'record',
            {
              type: 'startClock',
              params: ({ context }) => ({ clock: context.reviewStage === 'first' ? 'reviewRequest' : 'reReviewRequest' }),
            },
            { type: 'startClock', params: ({ context }) => ({ clock: 'satisfaction', skip: context.clocks.satisfaction !== undefined }) },
          ],
        },
      ],
    },
  });
}

/** 已送达 (Arts 21, 35-36): the petitioner may rate the answer and ask one level up for review. */
function delivered() {
  const s: V3State = 'delivered';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      /** Art 21: 满意 / 基本满意 / 不满意, for the body and for the bureau. */
      RATE_SATISFACTION: { guard: when(s, 'satisfactionOpen'), actions: ['record', stop(['satisfaction'])] },
      REQUEST_REVIEW: [
        /** Art 35: 复查 at the next-higher body, 30 days to decide. */
        { guard: when(s, 'reviewWindowOpen'), target: 'reviewing', actions: ['record', stop(['reviewRequest']), start('reviewDecision')] },
        /** Art 36: 复核 one level higher again, 30 days, hearings excluded. */
        {
          guard: when(s, 'reReviewWindowOpen'),
          target: 'rereviewing',
          actions: ['record', stop(['reReviewRequest']), start('reReviewDecision')],
        },
      ],
    },
  });
}

/** 复查中 (Art 35) or 复核中 (Art 36): the review body hears and answers. */
function review(s: 'reviewing' | 'rereviewing') {
  const decision = s === 'reviewing' ? 'reviewDecision' : 'reReviewDecision';
  return v3Setup.createStateConfig({
    on: {
      ...sharedHandlers(s),
      ...hearingHandlers(s),
      /** Art 35 (复查意见书) / Art 36 (复核意见书). */
      RESOLVE: { guard: when(s, 'outcomeFitsClass'), target: 'answered', actions: ['record', stop([decision, 'supervision'])] },
    },
  });
}

/** 已办结 / 已终结 …: the closure says how; reports, 销号, 批示 and late timers still arrive. */
function closed() {
  return v3Setup.createStateConfig({ on: { ...sharedHandlers('closed') } });
}

/** The lifecycle of machine version 3 (pure; time arrives in events as `at`). */
export const petitionMachineV3 = v3Setup.createMachine({
  id: 'petition-v3',
  initial: 'registered',
  context: ({ input }) => initialContext(input),
  states: {
    registered: registered(),
    transferred: transferred(),
    objected: objected(),
    accepted: accepted(),
    mediating: mediating(),
    answered: answered(),
    delivered: delivered(),
    reviewing: review('reviewing'),
    rereviewing: review('rereviewing'),
    closed: closed(),
  },
});

/** The type of the version 3 machine. */
export type PetitionMachineV3 = typeof petitionMachineV3;
/** A snapshot of a version 3 case. */
export type V3Snapshot = SnapshotFrom<PetitionMachineV3>;
export type { V3Context, V3Event, V3Input };

/** The first snapshot of a version 3 case, from its intake (pure). */
export function startCaseV3(input: V3Input): V3Snapshot {
  return firstSnapshot(petitionMachineV3, input);
}

/** The snapshot after one event (pure: XState returns the actions, none is run). */
export function stepV3(snapshot: V3Snapshot, event: V3Event): V3Snapshot {
  return nextSnapshot(petitionMachineV3, snapshot, event);
}

/** The state name of a version 3 snapshot (its value: the machine is flat). */
export function stateNameV3(snapshot: Pick<V3Snapshot, 'value'>): V3State {
  return snapshot.value;
}
