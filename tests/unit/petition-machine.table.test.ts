/**
 * The petition machine as a table: for each state reached by a fixed path,
 * every event type sent by every role is allowed or refused as the PERMISSIONS
 * matrix and the state's guards say, and each allowed one leads to the state
 * and clock changes written out by hand below. Then the rules the table can't
 * show in one step (extension, info requests, pauses, objection window, review
 * chain, deadlines), and a check that machine, matrix and allowedEvents agree.
 */
import { CLOCK_BREACH_ACTIONS, closesCaseOnBreach, supportsBreachAction } from '../../machines/breach-actions';
import { ACTIVE_STATES, CLOCK_NAMES, type BreachAction, type ClockName, type Role, ROLES, type StateName } from '../../machines/petition.vocabulary';
import type { PetitionEvent } from '../../machines/petition.machine';
import { isPermitted } from '../../machines/petition.permissions';
import { allowedEvents } from '../../machines/event-permission';
import { stateName, step, type PetitionSnapshot } from '../../machines/petition.registry';
import { COMMAND_TYPES, EVENT_TYPES, type EventType } from '../../machines/petition.schemas';
import {
  AT,
  PERMISSIONS,
  actor,
  VERSION,
  clockChanges,
  clockStatuses,
  ev,
  exploreMachine,
  reach,
  run,
  send,
  timer,
  variants,
  type ClockChange,
  type Milestone,
} from '../support/machine-fixtures';

type Changes = Partial<Record<ClockName, ClockChange>>;
interface Expected {
  readonly to: StateName;
  readonly clocks: Changes;
}

interface Row {
  readonly milestone: Milestone;
  readonly state: StateName;
  /** The clock named by PAUSE_CLOCK, RESUME_CLOCK and the deadline events in this row. */
  readonly clock: ClockName;
  /** Events the matrix permits here but a guard refuses in this snapshot, and why. */
  readonly guardedOff: Partial<Record<EventType, string>>;
  /** Every event the machine takes here, written by hand: the next state and the clock changes. */
  readonly transitions: Partial<Record<EventType, Expected>>;
}

const stay = (to: StateName, clocks: Changes = {}): Expected => ({ to, clocks });

const TABLE: readonly Row[] = [
  {
    milestone: 'received',
    state: 'received',
    clock: 'acceptance',
    guardedOff: { PROVIDE_INFO: 'no information was requested', RESUME_CLOCK: 'acceptance is running, not paused' },
    transitions: {
      VERIFY: { to: 'verified', clocks: { acceptance: 'met', handling: 'started' } },
      REJECT: { to: 'rejected', clocks: { acceptance: 'met' } },
      MERGE: { to: 'closed', clocks: { acceptance: 'met' } },
      REQUEST_INFO: stay('received', { acceptance: 'paused' }),
      ESCALATE: { to: 'escalated', clocks: { supervision: 'started' } },
      ASSIGN_LEADER: stay('received'),
      LINK_CONFERENCE: stay('received'), // machine v2
      PAUSE_CLOCK: stay('received', { acceptance: 'paused' }),
      DEADLINE_REMINDER: stay('received'),
      DEADLINE_BREACHED: { to: 'escalated', clocks: { acceptance: 'breached' } }, // onBreach escalate
    },
  },
  {
    milestone: 'verified',
    state: 'verified',
    clock: 'handling',
    guardedOff: { APPROVE_EXTENSION: 'no extension was requested', RESUME_CLOCK: 'handling is running' },
    transitions: {
      ASSIGN: { to: 'assigned', clocks: { objection: 'started' } },
      REQUEST_EXTENSION: stay('verified'),
      ESCALATE: { to: 'escalated', clocks: { supervision: 'started' } },
      ASSIGN_LEADER: stay('verified'),
      LINK_CONFERENCE: stay('verified'), // machine v2
      PAUSE_CLOCK: stay('verified', { handling: 'paused' }),
      DEADLINE_REMINDER: stay('verified'),
      DEADLINE_BREACHED: { to: 'escalated', clocks: { handling: 'breached' } },
    },
  },
  {
    milestone: 'assigned',
    state: 'assigned',
    clock: 'objection',
    guardedOff: { APPROVE_EXTENSION: 'no extension was requested', RESUME_CLOCK: 'objection is running' },
    transitions: {
      OBJECT: { to: 'verified', clocks: { objection: 'met' } },
      START_MEDIATION: { to: 'mediated', clocks: { objection: 'met' } },
      RESOLVE: { to: 'resolved', clocks: { handling: 'met', objection: 'met' } },
      REQUEST_EXTENSION: stay('assigned'),
      ESCALATE: { to: 'escalated', clocks: { objection: 'met', supervision: 'started' } },
      ASSIGN_LEADER: stay('assigned'),
      LINK_CONFERENCE: stay('assigned'), // machine v2
      PAUSE_CLOCK: stay('assigned', { objection: 'paused' }),
      DEADLINE_REMINDER: stay('assigned'),
      DEADLINE_BREACHED: stay('assigned', { objection: 'breached' }), // onBreach notify: the door closes, nothing else
    },
  },
  {
    milestone: 'mediated',
    state: 'mediated',
    clock: 'handling',
    guardedOff: { APPROVE_EXTENSION: 'no extension was requested', RESUME_CLOCK: 'handling is running' },
    transitions: {
      RECORD_MEDIATION_SESSION: stay('mediated'),
      MEDIATION_AGREED: { to: 'resolved', clocks: { handling: 'met' } },
      MEDIATION_FAILED: { to: 'assigned', clocks: {} },
      RESOLVE: { to: 'resolved', clocks: { handling: 'met' } },
      REQUEST_EXTENSION: stay('mediated'),
      ESCALATE: { to: 'escalated', clocks: { supervision: 'started' } },
      ASSIGN_LEADER: stay('mediated'),
      LINK_CONFERENCE: stay('mediated'), // machine v2
      PAUSE_CLOCK: stay('mediated', { handling: 'paused' }),
      DEADLINE_REMINDER: stay('mediated'),
      DEADLINE_BREACHED: { to: 'escalated', clocks: { handling: 'breached' } },
    },
  },
  {
    milestone: 'resolved',
    state: 'resolved',
    clock: 'handling',
    guardedOff: {
      RATE_SATISFACTION: 'the satisfaction window opens on delivery',
      REQUEST_REVIEW: 'the review window opens on delivery',
      PAUSE_CLOCK: 'no clock is running',
      RESUME_CLOCK: 'no clock is paused',
      DEADLINE_REMINDER: 'no clock is running',
      DEADLINE_BREACHED: 'no clock is running',
    },
    transitions: {
      DELIVER: stay('resolved', { reviewRequest: 'started', satisfaction: 'started' }),
      ASSIGN_LEADER: stay('resolved'),
      LINK_CONFERENCE: stay('resolved'), // machine v2
    },
  },
  {
    milestone: 'delivered',
    state: 'resolved',
    clock: 'reviewRequest',
    guardedOff: { DELIVER: 'already delivered', RESUME_CLOCK: 'reviewRequest is running' },
    transitions: {
      RATE_SATISFACTION: stay('resolved', { satisfaction: 'met' }),
      REQUEST_REVIEW: { to: 'escalated', clocks: { reviewRequest: 'met', reviewDecision: 'started' } },
      ASSIGN_LEADER: stay('resolved'),
      LINK_CONFERENCE: stay('resolved'), // machine v2
      PAUSE_CLOCK: stay('resolved', { reviewRequest: 'paused' }),
      DEADLINE_REMINDER: stay('resolved'),
      // onBreach close: the window lapses, the case closes, the satisfaction window is cancelled.
      DEADLINE_BREACHED: { to: 'closed', clocks: { reviewRequest: 'breached', satisfaction: 'cancelled' } },
    },
  },
  {
    milestone: 'escalated',
    state: 'escalated',
    clock: 'supervision',
    guardedOff: { APPROVE_EXTENSION: 'no extension was requested', RESUME_CLOCK: 'supervision is running' },
    transitions: {
      // Back down with a fresh objection window and a new supervision deadline; handling keeps running.
      REASSIGN: { to: 'assigned', clocks: { objection: 'started', supervision: 'started' } },
      RESOLVE: { to: 'resolved', clocks: { handling: 'met', supervision: 'met' } },
      ESCALATE: stay('escalated', { supervision: 'started' }),
      ASSIGN_LEADER: stay('escalated'),
      LINK_CONFERENCE: stay('escalated'), // machine v2
      PAUSE_CLOCK: stay('escalated', { supervision: 'paused' }),
      DEADLINE_REMINDER: stay('escalated'),
      DEADLINE_BREACHED: stay('escalated', { supervision: 'breached' }),
    },
  },
  { milestone: 'closed', state: 'closed', clock: 'acceptance', guardedOff: {}, transitions: {} },
  { milestone: 'rejected', state: 'rejected', clock: 'acceptance', guardedOff: {}, transitions: {} },
];

/** The event a row sends: valid fields, the row's clock for clock events, the current generation for deadlines. */
function probe(snapshot: PetitionSnapshot, row: Row, type: EventType, role: Role): PetitionEvent {
  if (type === 'DEADLINE_REMINDER' || type === 'DEADLINE_BREACHED') return timer(snapshot, type, row.clock, { role });
  if (type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK') return ev(type, role, { clock: row.clock });
  return ev(type, role);
}

/** The roles the matrix names for `type` in `state` (`*` covering the active states). */
function matrixRoles(type: EventType, state: StateName): Role[] {
  return ROLES.filter((role) => isPermitted(PERMISSIONS, type, state, role));
}

describe.each(TABLE)('$milestone', (row) => {
  const snapshot = reach(row.milestone);

  test(`is in state ${row.state}`, () => {
    expect(stateName(snapshot)).toBe(row.state);
  });

  test('the hand-written table covers exactly what the matrix permits here', () => {
    const permitted = EVENT_TYPES.filter((type) => matrixRoles(type, row.state).length > 0);
    const written = [...Object.keys(row.transitions), ...Object.keys(row.guardedOff)];
    expect([...written].sort()).toEqual([...permitted].sort());
  });

  test.each(EVENT_TYPES.map((type) => [type]))('%s: allowed for exactly the permitted roles', (type) => {
    const expected = row.transitions[type] === undefined ? [] : matrixRoles(type, row.state);
    const allowed = ROLES.filter((role) => snapshot.can(probe(snapshot, row, type, role)));
    expect(allowed).toEqual(expected);
  });

  const allowedPairs = Object.keys(row.transitions).flatMap((type) =>
    matrixRoles(type as EventType, row.state).map((role) => [type as EventType, role] as const),
  );
  if (allowedPairs.length > 0) {
    test.each(allowedPairs)('%s by %s: next state and clocks', (type, role) => {
      const next = step(VERSION, snapshot, probe(snapshot, row, type, role));
      expect({ to: stateName(next), clocks: clockChanges(snapshot.context.clocks, next.context.clocks) }).toEqual(row.transitions[type]);
    });
  }
});

describe('key transitions', () => {
  test('VERIFY: acceptance met, handling running', () => {
    const s = send(reach('received'), ev('VERIFY', 'clerk'));
    expect(clockStatuses(s)).toEqual({ acceptance: 'met', handling: 'running' });
  });

  test('ASSIGN: objection running, the unit and handler recorded', () => {
    const s = send(reach('verified'), ev('ASSIGN', 'supervisor', { unit: '411621100', handler: '王科长' }));
    expect(stateName(s)).toBe('assigned');
    expect(clockStatuses(s)).toEqual({ acceptance: 'met', handling: 'running', objection: 'running' });
    expect(s.context.assignee).toEqual({ unit: '411621100', handler: '王科长' });
  });

  test('RESOLVE: handling met, the opinion recorded', () => {
    const s = send(reach('assigned'), ev('RESOLVE', 'handler', { outcome: 'explain', opinion: '已解释政策' }));
    expect(s.context.clocks.handling?.status).toBe('met');
    expect(s.context.resolution).toMatchObject({ outcome: 'explain', text: '已解释政策', by: 'handler-1' });
    expect(s.value).toEqual({ resolved: 'awaitingDelivery' });
  });

  test('MEDIATION_AGREED: the agreement is the resolution', () => {
    const s = send(reach('mediated'), ev('MEDIATION_AGREED', 'mediator', { agreement: '协议书' }));
    expect(s.context.resolution).toMatchObject({ outcome: 'mediation-agreement', text: '协议书' });
  });

  test('DELIVER: the review-request and satisfaction windows run', () => {
    const s = send(reach('resolved'), ev('DELIVER', 'clerk', { method: 'post' }));
    expect(s.context.clocks.reviewRequest?.status).toBe('running');
    expect(s.context.clocks.satisfaction?.status).toBe('running');
    expect(s.context.delivery).toEqual({ method: 'post', at: AT });
    expect(s.value).toEqual({ resolved: 'delivered' });
  });

  test('REQUEST_REVIEW: escalated for 复查, the review decision clock runs', () => {
    const s = send(reach('delivered'), ev('REQUEST_REVIEW', 'clerk'));
    expect(stateName(s)).toBe('escalated');
    expect(s.context.clocks.reviewDecision?.status).toBe('running');
    expect(s.context.clocks.reviewRequest?.status).toBe('met');
    expect(s.context.escalation?.kind).toBe('review');
    expect(s.context.reviewPending).toBe('review');
  });

  test('REJECT: rejected is final, with the route told', () => {
    const s = send(reach('received'), ev('REJECT', 'clerk', { reason: '涉法涉诉', route: 'litigation' }));
    expect(stateName(s)).toBe('rejected');
    expect(s.status).toBe('done');
    expect(s.context.rejection).toEqual({ reason: '涉法涉诉', route: 'litigation' });
  });

  test('MERGE: closed as merged into the other case', () => {
    const s = send(reach('received'), ev('MERGE', 'clerk'));
    expect(s.status).toBe('done');
    expect(s.context.closure).toBe('merged');
    expect(s.context.mergedInto).toBe('7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f');
  });

  test('ESCALATE with dueIn: listed, supervision clock of that length', () => {
    const s = send(reach('assigned'), ev('ESCALATE', 'supervisor', { reason: '挂牌督办', dueIn: 'P7D' }));
    expect(s.context.escalation).toMatchObject({ kind: 'supervision', reason: '挂牌督办' });
    expect(s.context.listed).toBe(true);
    expect(s.context.clocks.supervision).toEqual({ status: 'running', generation: 1, duration: 'P7D' });
  });

  test('LINK_CONFERENCE: the joint conference is recorded, nothing else changes (Art 24)', () => {
    const before = reach('mediated');
    const s = send(before, ev('LINK_CONFERENCE', 'supervisor', { conference: '联席会议', departments: ['住建局', '人社局'] }));
    expect(s.context.conference).toEqual({ name: '联席会议', departments: ['住建局', '人社局'], at: AT });
    expect({ ...s.context, conference: undefined }).toEqual({ ...before.context, conference: undefined });
  });

  test('REASSIGN: back to a unit with a supervision deadline, escalation cleared', () => {
    const s = send(reach('escalated'), ev('REASSIGN', 'supervisor', { unit: '411621100', dueIn: 'P20D' }));
    expect(stateName(s)).toBe('assigned');
    expect(s.context.escalation).toBeNull();
    expect(s.context.clocks.supervision).toEqual({ status: 'running', generation: 2, duration: 'P20D' });
    expect(s.context.clocks.objection).toMatchObject({ status: 'running', generation: 2 });
  });
});

describe('deadlines', () => {
  test('acceptance breach with onBreach escalate: escalated for the breach', () => {
    const r = reach('received');
    const s = send(r, timer(r, 'DEADLINE_BREACHED', 'acceptance', { onBreach: 'escalate' }));
    expect(stateName(s)).toBe('escalated');
    expect(s.context.escalation).toMatchObject({ kind: 'breach', clock: 'acceptance' });
    expect(s.context.listed).toBe(true);
    expect(s.context.clocks.acceptance?.status).toBe('breached');
  });

  test('a breach with onBreach notify is recorded and the case stays', () => {
    const r = reach('verified');
    const s = send(r, timer(r, 'DEADLINE_BREACHED', 'handling', { onBreach: 'notify' }));
    expect(stateName(s)).toBe('verified');
    expect(s.context.clocks.handling?.status).toBe('breached');
  });

  test('reviewRequest breach with onBreach close: closed, window lapsed', () => {
    const d = reach('delivered');
    const s = send(d, timer(d, 'DEADLINE_BREACHED', 'reviewRequest', { onBreach: 'close' }));
    expect(stateName(s)).toBe('closed');
    expect(s.status).toBe('done');
    expect(s.context.closure).toBe('window-lapsed');
  });

  test('satisfaction breach: unrated, the case stays resolved', () => {
    const d = reach('delivered');
    const s = send(d, timer(d, 'DEADLINE_BREACHED', 'satisfaction'));
    expect(stateName(s)).toBe('resolved');
    expect(s.context.satisfaction).toBe('unrated');
    expect(s.can(ev('RATE_SATISFACTION', 'clerk'))).toBe(false);
  });

  test('a rating recorded before the rename (`unit` for the handling body) replays as it was recorded', () => {
    const delivered = reach('delivered');
    const recorded = { type: 'RATE_SATISFACTION', unit: 'unsatisfied', bureau: 'satisfied', actor: actor('clerk'), at: AT } as const;
    expect(delivered.can(recorded)).toBe(true);
    // The snapshot keeps the recorded shape, so replaying an old trail still matches the case stored from it.
    expect(send(delivered, recorded).context.satisfaction).toEqual({ unit: 'unsatisfied', bureau: 'satisfied' });
  });

  test('a rating given in time is kept and its window cannot breach', () => {
    const s = send(reach('delivered'), ev('RATE_SATISFACTION', 'clerk', { body: 'unsatisfied', bureau: 'satisfied' }));
    expect(s.context.satisfaction).toEqual({ body: 'unsatisfied', bureau: 'satisfied' });
    expect(s.can(timer(s, 'DEADLINE_BREACHED', 'satisfaction'))).toBe(false);
    expect(s.can(ev('RATE_SATISFACTION', 'clerk'))).toBe(false);
  });

  test('a stale generation is refused, the current one taken', () => {
    const first = reach('escalated'); // supervision generation 1
    const again = send(first, ev('ESCALATE', 'supervisor', { dueIn: 'P3D' })); // generation 2
    expect(again.context.clocks.supervision?.generation).toBe(2);
    for (const type of ['DEADLINE_REMINDER', 'DEADLINE_BREACHED'] as const) {
      expect(again.can(timer(again, type, 'supervision', { generation: 1 }))).toBe(false);
      expect(again.can(timer(again, type, 'supervision', { generation: 2 }))).toBe(true);
    }
  });

  test('a clock that is not running neither reminds nor breaches', () => {
    const v = reach('verified'); // acceptance met
    expect(v.can(timer(v, 'DEADLINE_BREACHED', 'acceptance'))).toBe(false);
    expect(v.can(timer(v, 'DEADLINE_REMINDER', 'acceptance'))).toBe(false);
    expect(v.can(timer(v, 'DEADLINE_BREACHED', 'objection'))).toBe(false); // never started
  });

  test('a second breach while escalated keeps the case escalated and listed', () => {
    const e = reach('escalated');
    const s = send(e, timer(e, 'DEADLINE_BREACHED', 'handling'));
    expect(stateName(s)).toBe('escalated');
    expect(s.context.clocks.handling?.status).toBe('breached');
    expect(s.context.escalation?.kind).toBe('supervision'); // the original reason stays
  });
});

describe('the extension rule (Art 34)', () => {
  test('one request, approved once, sets handling.extendedBy; no second request', () => {
    const a = reach('assigned');
    expect(a.can(ev('APPROVE_EXTENSION', 'supervisor'))).toBe(false);

    const requested = send(a, ev('REQUEST_EXTENSION', 'handler', { duration: 'P20D', reason: '需现场勘查' }));
    expect(requested.context.extension).toEqual({ status: 'requested', duration: 'P20D', reason: '需现场勘查' });
    expect(requested.context.clocks.handling?.extendedBy).toBeUndefined();
    expect(requested.can(ev('REQUEST_EXTENSION', 'handler'))).toBe(false);

    const approved = send(requested, ev('APPROVE_EXTENSION', 'supervisor'));
    expect(approved.context.clocks.handling).toEqual({ status: 'running', generation: 1, extendedBy: 'P20D' });
    expect(approved.context.extension?.status).toBe('approved');
    expect(approved.can(ev('APPROVE_EXTENSION', 'supervisor'))).toBe(false);
    expect(approved.can(ev('REQUEST_EXTENSION', 'handler'))).toBe(false);
  });

  test('the extension survives mediation and is still refused a second time there', () => {
    const s = run(reach('assigned'), [
      ev('REQUEST_EXTENSION', 'handler'),
      ev('APPROVE_EXTENSION', 'supervisor'),
      ev('START_MEDIATION', 'handler'),
    ]);
    expect(s.context.clocks.handling?.extendedBy).toBe('P30D');
    expect(s.can(ev('REQUEST_EXTENSION', 'handler'))).toBe(false);
  });

  test('a pending request can be approved after escalation', () => {
    const s = run(reach('assigned'), [ev('REQUEST_EXTENSION', 'handler'), ev('ESCALATE', 'supervisor')]);
    const approved = send(s, ev('APPROVE_EXTENSION', 'supervisor'));
    expect(approved.context.clocks.handling?.extendedBy).toBe('P30D');
  });
});

describe('information requests and pauses', () => {
  test('REQUEST_INFO pauses acceptance, PROVIDE_INFO resumes it', () => {
    const asked = send(reach('received'), ev('REQUEST_INFO', 'clerk'));
    expect(asked.context.infoRequested).toBe(true);
    expect(asked.context.clocks.acceptance?.status).toBe('paused');
    expect(asked.can(ev('REQUEST_INFO', 'clerk'))).toBe(false);
    expect(asked.can(timer(asked, 'DEADLINE_BREACHED', 'acceptance'))).toBe(false); // paused: no breach

    const answered = send(asked, ev('PROVIDE_INFO', 'clerk'));
    expect(answered.context.infoRequested).toBe(false);
    expect(answered.context.clocks.acceptance).toEqual({ status: 'running', generation: 1 });
    expect(answered.can(ev('PROVIDE_INFO', 'clerk'))).toBe(false);
  });

  test('PAUSE_CLOCK / RESUME_CLOCK: a supervisor pauses a running clock once and resumes it once', () => {
    const e = reach('escalated');
    expect(e.can(ev('PAUSE_CLOCK', 'handler', { clock: 'handling' }))).toBe(false);
    expect(e.can(ev('PAUSE_CLOCK', 'supervisor', { clock: 'reReviewDecision' }))).toBe(false); // never started

    const paused = send(e, ev('PAUSE_CLOCK', 'supervisor', { clock: 'handling', reason: '听证' }));
    expect(paused.context.clocks.handling?.status).toBe('paused');
    expect(paused.can(ev('PAUSE_CLOCK', 'supervisor', { clock: 'handling' }))).toBe(false);
    expect(paused.can(timer(paused, 'DEADLINE_REMINDER', 'handling'))).toBe(false);

    const resumed = send(paused, ev('RESUME_CLOCK', 'supervisor', { clock: 'handling' }));
    expect(resumed.context.clocks.handling).toEqual({ status: 'running', generation: 1 });
    expect(resumed.can(ev('RESUME_CLOCK', 'supervisor', { clock: 'handling' }))).toBe(false);
  });

  test('a paused clock stops with the outcome of its transition', () => {
    const s = run(reach('assigned'), [ev('PAUSE_CLOCK', 'supervisor', { clock: 'handling' }), ev('RESOLVE', 'handler')]);
    expect(s.context.clocks.handling?.status).toBe('met');
  });
});

describe('the objection window (Art 23)', () => {
  test('OBJECT sends the case back for reassignment while the window is open', () => {
    const s = send(reach('assigned'), ev('OBJECT', 'handler'));
    expect(stateName(s)).toBe('verified');
    expect(s.context.assignee).toBeNull();
    expect(s.can(ev('ASSIGN', 'clerk'))).toBe(true);
  });

  test('OBJECT is refused after the objection window breached', () => {
    const a = reach('assigned');
    const lapsed = send(a, timer(a, 'DEADLINE_BREACHED', 'objection', { onBreach: 'notify' }));
    expect(stateName(lapsed)).toBe('assigned');
    expect(lapsed.can(ev('OBJECT', 'handler'))).toBe(false);
    expect(lapsed.can(ev('START_MEDIATION', 'handler'))).toBe(true);
  });

  test('OBJECT is refused once mediation has started, even back from a failed mediation', () => {
    const s = run(reach('mediated'), [ev('MEDIATION_FAILED', 'mediator')]);
    expect(stateName(s)).toBe('assigned');
    expect(s.can(ev('OBJECT', 'handler'))).toBe(false);
  });
});

describe('the review chain 复查 → 复核 → 终结 (Arts 35-36)', () => {
  const chain = () => {
    const delivered = reach('delivered');
    const review = send(delivered, ev('REQUEST_REVIEW', 'clerk', { reason: '不服处理意见' }));
    const reviewDecided = send(review, ev('RESOLVE', 'supervisor', { outcome: 'not-support', opinion: '复查维持' }));
    const reviewDelivered = send(reviewDecided, ev('DELIVER', 'clerk'));
    const reReview = send(reviewDelivered, ev('REQUEST_REVIEW', 'clerk', { reason: '申请复核' }));
    const reReviewDecided = send(reReview, ev('RESOLVE', 'supervisor', { outcome: 'not-support', opinion: '复核维持' }));
    const final = send(reReviewDecided, ev('DELIVER', 'clerk'));
    return { review, reviewDecided, reviewDelivered, reReview, reReviewDecided, final };
  };

  test('复查: escalated for review, decided at stage 1, the re-review window opens on delivery', () => {
    const { review, reviewDecided, reviewDelivered } = chain();
    expect(review.context.escalation?.kind).toBe('review');
    expect(reviewDecided.context.reviewStage).toBe(1);
    expect(reviewDecided.context.reviewPending).toBeNull();
    expect(reviewDecided.context.clocks.reviewDecision?.status).toBe('met');
    expect(clockChanges(reviewDecided.context.clocks, reviewDelivered.context.clocks)).toEqual({ reReviewRequest: 'started' });
  });

  test('复核: escalated for re-review, decided at stage 2', () => {
    const { reReview, reReviewDecided } = chain();
    expect(reReview.context.escalation?.kind).toBe('reReview');
    expect(reReview.context.clocks.reReviewRequest?.status).toBe('met');
    expect(reReview.context.clocks.reReviewDecision?.status).toBe('running');
    expect(reReviewDecided.context.reviewStage).toBe(2);
    expect(reReviewDecided.context.clocks.reReviewDecision?.status).toBe('met');
  });

  test('终结: delivering the 复核 decision closes the case, every live clock cancelled', () => {
    const { reReviewDecided, final } = chain();
    expect(stateName(final)).toBe('closed');
    expect(final.status).toBe('done');
    expect(final.context.closure).toBe('final');
    // The satisfaction window was still open; it is cancelled, nothing stays live.
    expect(clockChanges(reReviewDecided.context.clocks, final.context.clocks)).toEqual({ satisfaction: 'cancelled' });
    expect(Object.values(clockStatuses(final)).filter((status) => status === 'running' || status === 'paused')).toEqual([]);
  });

  test('REQUEST_REVIEW is refused after the final decision', () => {
    const { reReviewDecided, final } = chain();
    expect(reReviewDecided.can(ev('REQUEST_REVIEW', 'clerk'))).toBe(false);
    expect(final.can(ev('REQUEST_REVIEW', 'clerk'))).toBe(false);
  });

  test('a review request is refused once its window lapsed', () => {
    const d = reach('delivered');
    const lapsed = send(d, timer(d, 'DEADLINE_BREACHED', 'reviewRequest', { onBreach: 'notify' }));
    expect(stateName(lapsed)).toBe('resolved');
    expect(lapsed.can(ev('REQUEST_REVIEW', 'clerk'))).toBe(false);
  });
});

describe('final states accept nothing', () => {
  const finals: Array<[string, PetitionSnapshot]> = [
    ['closed (merged)', reach('closed')],
    ['closed (window lapsed)', send(reach('delivered'), timer(reach('delivered'), 'DEADLINE_BREACHED', 'reviewRequest'))],
    ['rejected', reach('rejected')],
  ];

  test.each(finals)('%s: no event, role or clock is taken and nothing changes', (_label, snapshot) => {
    expect(snapshot.status).toBe('done');
    const taken = EVENT_TYPES.flatMap((type) => ROLES.flatMap((role) => variants(snapshot, type, role))).filter((e) => snapshot.can(e));
    expect(taken.map((e) => `${e.type} by ${e.actor.role}`)).toEqual([]);
    const after = step(VERSION, snapshot, ev('ASSIGN_LEADER', 'supervisor'));
    expect(after.context).toEqual(snapshot.context);
  });

  test.each(finals)('%s: allowedEvents is empty for every role', (_label, snapshot) => {
    for (const role of ROLES) expect(allowedEvents(snapshot, role, AT)).toEqual([]);
  });
});

describe('machine v1: cases recorded before 联席会议 keep their rules', () => {
  test.each(TABLE.map((row) => [row.milestone, row] as const))(
    '%s: v1 takes what the current version takes, except LINK_CONFERENCE',
    (_m, row) => {
      const current = reach(row.milestone);
      const v1 = reach(row.milestone, 1);
      expect(v1.value).toEqual(current.value);
      const differences = EVENT_TYPES.flatMap((type) =>
        ROLES.filter(
          (role) => v1.can(probe(v1, row, type, role)) !== (type !== 'LINK_CONFERENCE' && current.can(probe(current, row, type, role))),
        ).map((role) => `${type} by ${role}`),
      );
      expect(differences).toEqual([]);
      expect(allowedEvents(v1, 'supervisor', AT)).not.toContain('LINK_CONFERENCE');
    },
  );
});

/** The public events table (README): the roles that may send each command, at least. */
const CONTRACT_ROLES: Partial<Record<(typeof COMMAND_TYPES)[number], readonly Role[]>> = {
  VERIFY: ['clerk'],
  REJECT: ['clerk'],
  REQUEST_INFO: ['clerk'],
  PROVIDE_INFO: ['clerk'],
  MERGE: ['clerk'],
  ASSIGN: ['clerk', 'supervisor'],
  OBJECT: ['handler'],
  START_MEDIATION: ['handler'],
  RECORD_MEDIATION_SESSION: ['mediator'],
  MEDIATION_AGREED: ['mediator'],
  MEDIATION_FAILED: ['mediator'],
  RESOLVE: ['handler', 'supervisor'],
  DELIVER: ['clerk'],
  REQUEST_EXTENSION: ['handler'],
  APPROVE_EXTENSION: ['supervisor'],
  ESCALATE: ['supervisor'],
  REASSIGN: ['supervisor'],
  RATE_SATISFACTION: ['clerk'],
  REQUEST_REVIEW: ['clerk'],
  ASSIGN_LEADER: ['supervisor'],
  PAUSE_CLOCK: ['supervisor'],
  RESUME_CLOCK: ['supervisor'],
};

describe('the matrix honours the public events table', () => {
  const rolesOf = (type: EventType) => new Set(Object.values(PERMISSIONS[type] ?? {}).flat());

  test.each(Object.entries(CONTRACT_ROLES))('%s: the contract roles may send it', (type, roles) => {
    expect([...rolesOf(type as EventType)]).toEqual(expect.arrayContaining([...roles]));
  });

  test('RESOLVE: the supervisor only when escalated', () => {
    expect(ACTIVE_STATES.filter((state) => isPermitted(PERMISSIONS, 'RESOLVE', state, 'supervisor'))).toEqual(['escalated']);
  });

  test('an auditor sends nothing; the system sends only the deadline events', () => {
    expect(EVENT_TYPES.filter((type) => rolesOf(type).has('auditor'))).toEqual([]);
    expect(EVENT_TYPES.filter((type) => rolesOf(type).has('system'))).toEqual(['DEADLINE_REMINDER', 'DEADLINE_BREACHED']);
  });
});

describe('machine, matrix and allowedEvents agree over every reachable snapshot', () => {
  // Explored with every role, so a machine more generous than the matrix would show.
  const adjacency = exploreMachine('all');
  const vertices = Object.values(adjacency);
  const edges = vertices.flatMap((v) =>
    Object.values<{ event: PetitionEvent }>(v.transitions).map((t) => ({ from: v.state, event: t.event })),
  );

  test('the exploration reaches every state', () => {
    expect(new Set(vertices.map((v) => stateName(v.state))).size).toBe(8);
  });

  test('a case is done exactly when it is closed or rejected, and then has a closure or a rejection', () => {
    for (const { state: snapshot } of vertices) {
      const final = stateName(snapshot) === 'closed' || stateName(snapshot) === 'rejected';
      expect(snapshot.status === 'done').toBe(final);
      expect(snapshot.context.closure !== null || snapshot.context.rejection !== null).toBe(final);
    }
  });

  test('every event the machine takes is permitted by the matrix', () => {
    const unpermitted = edges
      .filter(({ from, event }) => !isPermitted(PERMISSIONS, event.type, stateName(from), event.actor.role))
      .map(({ from, event }) => `${event.type} by ${event.actor.role} in ${stateName(from)}`);
    expect([...new Set(unpermitted)]).toEqual([]);
  });

  test('every (event, state, role) of the matrix is taken in some reachable snapshot', () => {
    const taken = new Set(edges.map(({ from, event }) => `${event.type} ${stateName(from)} ${event.actor.role}`));
    const missing: string[] = [];
    for (const type of EVENT_TYPES) {
      for (const [key, roles] of Object.entries(PERMISSIONS[type] ?? {})) {
        const states: readonly StateName[] = key === '*' ? ACTIVE_STATES : [key as StateName];
        for (const state of states)
          for (const role of roles) if (!taken.has(`${type} ${state} ${role}`)) missing.push(`${type} ${state} ${role}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('allowedEvents is what the machine takes with valid fields, and within the matrix', () => {
    const mismatches: string[] = [];
    for (const { state: snapshot } of vertices) {
      const state = stateName(snapshot);
      for (const role of ROLES) {
        const allowed = allowedEvents(snapshot, role, AT);
        const takes = COMMAND_TYPES.filter((type) => variants(snapshot, type, role).some((e) => snapshot.can(e)));
        const outsideMatrix = allowed.filter((type) => !isPermitted(PERMISSIONS, type, state, role));
        if (JSON.stringify(allowed) !== JSON.stringify(takes) || outsideMatrix.length > 0) {
          mismatches.push(`${state}/${role}: allowedEvents ${allowed.join(',')} vs taken ${takes.join(',')}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('breach actions: what the machine declares per clock is what it does', () => {
  const snapshots = Object.values(exploreMachine()).map((v) => v.state);
  const after = (s: PetitionSnapshot, clock: ClockName, onBreach: BreachAction) => {
    const next = step(VERSION, s, timer(s, 'DEADLINE_BREACHED', clock, { onBreach }));
    return JSON.stringify({ value: next.value, context: next.context });
  };

  // The clocks this version starts; the others (version 3's dispatch, notice and report) it never knows.
  const started = CLOCK_NAMES.filter((clock) => snapshots.some((s) => s.context.clocks[clock] !== undefined));
  const neverStarted = CLOCK_NAMES.filter((clock) => !started.includes(clock));

  test('versions 1 and 2 never start the clocks of version 3 (dispatch, notice, report), and start every other', () => {
    expect(neverStarted).toEqual(VERSION < 3 ? ['dispatch', 'notice', 'report'] : ['acceptance']);
  });

  // A clock this version never started cannot be paused, and its timers change nothing.
  test.each(neverStarted)('%s: PAUSE_CLOCK is refused and its timers are ignored in every reachable state', (clock) => {
    for (const s of snapshots) {
      expect(s.can(ev('PAUSE_CLOCK', 'supervisor', { clock }))).toBe(false);
      expect(s.can(ev('RESUME_CLOCK', 'supervisor', { clock }))).toBe(false);
      for (const type of ['DEADLINE_REMINDER', 'DEADLINE_BREACHED'] as const) {
        const next = step(VERSION, s, timer(s, type, clock));
        expect(JSON.stringify({ value: next.value, context: next.context })).toBe(JSON.stringify({ value: s.value, context: s.context }));
      }
    }
  });

  // A clock without "close" would take it as "notify" (silently doing less): the policy loader refuses that pairing.
  test.each(started)('%s: "close" does more than "notify" exactly where it closes the case', (clock) => {
    const running = snapshots.filter((s) => s.context.clocks[clock]?.status === 'running');
    expect(running.length).toBeGreaterThan(0);
    const differs = running.filter((s) => after(s, clock, 'close') !== after(s, clock, 'notify'));
    if (closesCaseOnBreach(clock)) expect(differs.length).toBeGreaterThan(0);
    else expect(differs.map((s) => stateName(s))).toEqual([]);
    if (closesCaseOnBreach(clock)) expect(supportsBreachAction(clock, 'close')).toBe(true);
  });

  test('"escalate" and "notify" are supported by every clock; "close" by the review and satisfaction windows only', () => {
    for (const clock of CLOCK_NAMES) expect(CLOCK_BREACH_ACTIONS[clock]).toEqual(expect.arrayContaining(['escalate', 'notify']));
    expect(CLOCK_NAMES.filter((clock) => supportsBreachAction(clock, 'close'))).toEqual(['reviewRequest', 'reReviewRequest', 'satisfaction']);
  });

  test('a lapsed review window closes the case on "close", a lapsed satisfaction window leaves it unrated', () => {
    const delivered = snapshots.find((s) => s.context.clocks.reviewRequest?.status === 'running' && s.context.clocks.satisfaction?.status === 'running');
    if (delivered === undefined) throw new Error('no delivered case reached');
    const closed = step(VERSION, delivered, timer(delivered, 'DEADLINE_BREACHED', 'reviewRequest', { onBreach: 'close' }));
    expect([stateName(closed), closed.context.closure]).toEqual(['closed', 'window-lapsed']);
    // The rating window's lapse is "unrated" whether the policy says close or notify.
    for (const onBreach of ['close', 'notify'] as const) {
      const unrated = step(VERSION, delivered, timer(delivered, 'DEADLINE_BREACHED', 'satisfaction', { onBreach }));
      expect([stateName(unrated), unrated.context.satisfaction]).toEqual([stateName(delivered), 'unrated']);
    }
  });
});
