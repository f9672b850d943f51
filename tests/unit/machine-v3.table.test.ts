/**
 * Machine version 3 as a table: for each state reached by a fixed path, every
 * event type sent by every role with every relation (none, sender, body,
 * review, above) is allowed or refused exactly as the permission table and the
 * state's conditions say, and each allowed one leads to the state and clock
 * changes written out by hand below. Then: the machine is never more generous
 * than the table anywhere it can go, and allowedEventsV3 agrees with it.
 */
import type { V3Event } from '../../machines/versions/v3/v3.context';
import { stateNameV3, stepV3, type V3Snapshot } from '../../machines/versions/v3/v3.machine';
import { isPermittedV3, V3_PERMISSIONS } from '../../machines/versions/v3/v3.permissions';
import { allowedEventsV3 } from '../../machines/versions/v3/v3.access';
import { V3_COMMAND_TYPES, V3_EVENT_TYPES, type V3EventType } from '../../machines/versions/v3/v3.schemas';
import { RELATIONS, V3_STATES, type Relation, type V3ClockName, type V3State } from '../../machines/versions/v3/v3.vocabulary';
import { ROLES, type Role } from '../../machines/petition.vocabulary';
import {
  RELATION_SETS,
  by,
  clockChanges,
  evIn,
  reach,
  reachableSnapshots,
  run,
  start,
  timer,
  type ClockChange,
  type Milestone,
  type Step,
} from '../support/machine-v3-fixtures';

type Changes = Partial<Record<V3ClockName, ClockChange>>;
interface Expected {
  readonly to: V3State;
  readonly clocks: Changes;
}

interface Row {
  readonly name: string;
  readonly snapshot: () => V3Snapshot;
  readonly state: V3State;
  /** The clock named by PAUSE_CLOCK, RESUME_CLOCK and the deadline events in this row. */
  readonly clock: V3ClockName;
  /** Events the table permits here but a condition of the state refuses in this snapshot, and why. */
  readonly guardedOff: Partial<Record<V3EventType, string>>;
  /** Every event the machine takes here, written by hand: the next state and the clock changes. */
  readonly transitions: Partial<Record<V3EventType, Expected>>;
}

const to = (state: V3State, clocks: Changes = {}): Expected => ({ to: state, clocks });
const at =
  (milestone: Milestone, ...more: Step[]) =>
  () =>
    run(reach(milestone), more);

/** Events every open state takes without moving: supervision, leaders, conference (their clocks aside). */
const aside = (state: V3State): Partial<Record<V3EventType, Expected>> => ({
  SUPERVISE: to(state, { supervision: 'started' }), // the variant with a dueIn
  ASSIGN_LEADER: to(state),
  LEADER_INSTRUCTION: to(state),
  LINK_CONFERENCE: to(state),
  ATTACH_MATERIAL: to(state),
});
/** The deadline events and pause of a row whose clock runs. */
const running = (state: V3State, clock: V3ClockName, breach: Expected = to(state, { [clock]: 'breached' })) => ({
  PAUSE_CLOCK: to(state, { [clock]: 'paused' }),
  DEADLINE_REMINDER: to(state),
  DEADLINE_BREACHED: breach,
});
const NOTHING_RUNS = {
  PAUSE_CLOCK: 'the row clock is not running',
  RESUME_CLOCK: 'the row clock is not paused',
  DEADLINE_REMINDER: 'the row clock is not running',
  DEADLINE_BREACHED: 'the row clock is not running',
} as const;
const NO_REPORT = {
  SUBMIT_REPORT: 'a transferred case owes no closing report',
  ACCEPT_REPORT: 'no report was submitted',
  RETURN_REPORT: 'no report was submitted',
  STRIKE_OFF: 'the case is not under supervision',
} as const;

const assignedAnswered = at(
  'registered',
  by('ASSIGN', 'supervisor'),
  by('ACCEPT', 'handler'),
  by('SUPERVISE', 'supervisor'),
  by('RESOLVE', 'handler'),
);

const TABLE: readonly Row[] = [
  {
    name: 'registered at the bureau',
    snapshot: () => start(),
    state: 'registered',
    clock: 'dispatch',
    guardedOff: { ACCEPT: 'a bureau registered it: no body yet', PROVIDE_INFO: 'nothing was asked', RESUME_CLOCK: 'dispatch runs' },
    transitions: {
      TRANSFER: to('transferred', { dispatch: 'met', notice: 'started', objection: 'started' }),
      ASSIGN: to('transferred', { dispatch: 'met', notice: 'started', objection: 'started', report: 'started' }),
      REFER: to('closed', { dispatch: 'met' }),
      REJECT: to('closed', { dispatch: 'met' }),
      MERGE: to('closed', { dispatch: 'met' }),
      REQUEST_INFO: to('registered'),
      WITHDRAW: to('closed', { dispatch: 'cancelled' }),
      ...aside('registered'),
      ...running('registered', 'dispatch'),
    },
  },
  {
    name: 'registered by the body itself',
    snapshot: () => start({ atBody: true }),
    state: 'registered',
    clock: 'notice',
    guardedOff: { PROVIDE_INFO: 'nothing was asked', RESUME_CLOCK: 'notice runs' },
    transitions: {
      ACCEPT: to('accepted', { notice: 'met', handling: 'started' }),
      TRANSFER: to('transferred', { notice: 'started', objection: 'started' }),
      ASSIGN: to('transferred', { notice: 'started', objection: 'started', report: 'started' }),
      REFER: to('closed', { notice: 'met' }),
      REJECT: to('closed', { notice: 'met' }),
      MERGE: to('closed', { notice: 'met' }),
      REQUEST_INFO: to('registered'),
      WITHDRAW: to('closed', { notice: 'cancelled' }),
      ...aside('registered'),
      ...running('registered', 'notice'),
    },
  },
  {
    name: 'transferred',
    snapshot: () => reach('transferred'),
    state: 'transferred',
    clock: 'notice',
    guardedOff: { PROVIDE_INFO: 'nothing was asked', RESUME_CLOCK: 'notice runs' },
    transitions: {
      ACCEPT: to('accepted', { notice: 'met', objection: 'met', handling: 'started' }),
      OBJECT: to('objected', { notice: 'met', objection: 'met' }),
      ROUTE: to('closed', { notice: 'met', objection: 'met' }),
      MERGE: to('closed', { notice: 'cancelled', objection: 'cancelled' }),
      REASSIGN: to('transferred', { notice: 'started', objection: 'started' }),
      REQUEST_INFO: to('transferred'),
      WITHDRAW: to('closed', { notice: 'cancelled', objection: 'cancelled' }),
      ...aside('transferred'),
      ...running('transferred', 'notice'),
    },
  },
  {
    name: 'assigned (交办)',
    snapshot: () => reach('assigned'),
    state: 'transferred',
    clock: 'report',
    guardedOff: { PROVIDE_INFO: 'nothing was asked', RESUME_CLOCK: 'report runs' },
    transitions: {
      ACCEPT: to('accepted', { notice: 'met', objection: 'met', handling: 'started' }),
      OBJECT: to('objected', { notice: 'met', objection: 'met' }),
      // Routed: the body dealt with the matter, so it still owes the bureau its report.
      ROUTE: to('closed', { notice: 'met', objection: 'met' }),
      MERGE: to('closed', { notice: 'cancelled', objection: 'cancelled', report: 'cancelled' }),
      REASSIGN: to('transferred', { notice: 'started', objection: 'started' }),
      REQUEST_INFO: to('transferred'),
      WITHDRAW: to('closed', { notice: 'cancelled', objection: 'cancelled', report: 'cancelled' }),
      ...aside('transferred'),
      ...running('transferred', 'report'),
    },
  },
  {
    name: 'objected',
    snapshot: () => reach('objected'),
    state: 'objected',
    clock: 'notice',
    guardedOff: NOTHING_RUNS,
    transitions: {
      APPROVE_OBJECTION: to('registered', { dispatch: 'started' }),
      DENY_OBJECTION: to('transferred', { notice: 'started' }),
      WITHDRAW: to('closed'),
      ...aside('objected'),
    },
  },
  {
    name: 'accepted',
    snapshot: () => reach('accepted'),
    state: 'accepted',
    clock: 'handling',
    guardedOff: {
      PROVIDE_INFO: 'nothing was asked',
      RECORD_HEARING: 'no hearing scheduled',
      APPROVE_EXTENSION: 'no extension requested',
      DENY_EXTENSION: 'no extension requested',
      RESUME_CLOCK: 'handling runs',
    },
    transitions: {
      ROUTE: to('closed', { handling: 'cancelled' }),
      START_MEDIATION: to('mediating'),
      SCHEDULE_HEARING: to('accepted'),
      REQUEST_EXTENSION: to('accepted'),
      RESOLVE: to('answered', { handling: 'met' }),
      REASSIGN: to('transferred', { handling: 'cancelled', notice: 'started', objection: 'started' }),
      REQUEST_INFO: to('accepted'),
      WITHDRAW: to('closed', { handling: 'cancelled' }),
      ...aside('accepted'),
      ...running('accepted', 'handling'),
    },
  },
  {
    name: 'accepted, a hearing scheduled and an extension requested',
    snapshot: at('accepted', by('SCHEDULE_HEARING', 'handler'), by('REQUEST_EXTENSION', 'handler'), by('REQUEST_INFO', 'clerk')),
    state: 'accepted',
    clock: 'handling',
    guardedOff: {
      SCHEDULE_HEARING: 'one hearing at a time',
      REQUEST_EXTENSION: 'one extension, already requested',
      REQUEST_INFO: 'a request is pending',
      RESUME_CLOCK: 'handling runs',
    },
    transitions: {
      ROUTE: to('closed', { handling: 'cancelled' }),
      START_MEDIATION: to('mediating'),
      RECORD_HEARING: to('accepted'),
      APPROVE_EXTENSION: to('accepted', { handling: 'extended' }),
      DENY_EXTENSION: to('accepted'),
      RESOLVE: to('answered', { handling: 'met' }),
      REASSIGN: to('transferred', { handling: 'cancelled', notice: 'started', objection: 'started' }),
      PROVIDE_INFO: to('accepted'),
      WITHDRAW: to('closed', { handling: 'cancelled' }),
      ...aside('accepted'),
      ...running('accepted', 'handling'),
    },
  },
  {
    name: 'mediating',
    snapshot: () => reach('mediating'),
    state: 'mediating',
    clock: 'handling',
    guardedOff: { APPROVE_EXTENSION: 'no extension requested', DENY_EXTENSION: 'no extension requested', RESUME_CLOCK: 'handling runs' },
    transitions: {
      RECORD_MEDIATION_SESSION: to('mediating'),
      MEDIATION_AGREED: to('answered', { handling: 'met' }),
      MEDIATION_FAILED: to('accepted'),
      REQUEST_EXTENSION: to('mediating'),
      WITHDRAW: to('closed', { handling: 'cancelled' }),
      ...aside('mediating'),
      ...running('mediating', 'handling'),
    },
  },
  {
    name: 'answered (first opinion)',
    snapshot: () => reach('answered'),
    state: 'answered',
    clock: 'handling',
    guardedOff: { ...NO_REPORT, ...NOTHING_RUNS },
    transitions: {
      DELIVER: to('delivered', { reviewRequest: 'started', satisfaction: 'started' }),
      ...aside('answered'),
    },
  },
  {
    name: 'answered, assigned and supervised',
    snapshot: assignedAnswered,
    state: 'answered',
    clock: 'report',
    guardedOff: {
      ACCEPT_REPORT: 'no report submitted',
      RETURN_REPORT: 'no report submitted',
      STRIKE_OFF: 'the report is not accepted',
      RESUME_CLOCK: 'report runs',
    },
    transitions: {
      DELIVER: to('delivered', { reviewRequest: 'started', satisfaction: 'started' }),
      SUBMIT_REPORT: to('answered', { report: 'met' }),
      ...aside('answered'),
      ...running('answered', 'report'),
    },
  },
  {
    name: 'answered, report submitted',
    snapshot: () => run(assignedAnswered(), [by('SUBMIT_REPORT', 'handler')]),
    state: 'answered',
    clock: 'report',
    guardedOff: { SUBMIT_REPORT: 'submitted, not returned', STRIKE_OFF: 'the report is not accepted', ...NOTHING_RUNS },
    transitions: {
      DELIVER: to('delivered', { reviewRequest: 'started', satisfaction: 'started' }),
      ACCEPT_REPORT: to('answered'),
      RETURN_REPORT: to('answered'),
      ...aside('answered'),
    },
  },
  {
    name: 'answered, report accepted',
    snapshot: () => run(assignedAnswered(), [by('SUBMIT_REPORT', 'handler'), by('ACCEPT_REPORT', 'supervisor')]),
    state: 'answered',
    clock: 'report',
    guardedOff: { SUBMIT_REPORT: 'accepted', ACCEPT_REPORT: 'decided', RETURN_REPORT: 'decided', ...NOTHING_RUNS },
    transitions: {
      DELIVER: to('delivered', { reviewRequest: 'started', satisfaction: 'started' }),
      STRIKE_OFF: to('answered'),
      ...aside('answered'),
    },
  },
  {
    name: 'delivered',
    snapshot: () => reach('delivered'),
    state: 'delivered',
    clock: 'reviewRequest',
    guardedOff: { ...NO_REPORT, RESUME_CLOCK: 'the window runs' },
    transitions: {
      RATE_SATISFACTION: to('delivered', { satisfaction: 'met' }),
      REQUEST_REVIEW: to('reviewing', { reviewRequest: 'met', reviewDecision: 'started' }),
      ...aside('delivered'),
      ...running('delivered', 'reviewRequest', to('closed', { reviewRequest: 'breached', satisfaction: 'cancelled' })),
    },
  },
  {
    name: 'reviewing (复查)',
    snapshot: () => reach('reviewing'),
    state: 'reviewing',
    clock: 'reviewDecision',
    guardedOff: { RECORD_HEARING: 'no hearing scheduled', RESUME_CLOCK: 'the decision clock runs' },
    transitions: {
      RESOLVE: to('answered', { reviewDecision: 'met' }),
      SCHEDULE_HEARING: to('reviewing'),
      ...aside('reviewing'),
      ...running('reviewing', 'reviewDecision'),
    },
  },
  {
    name: 'answered (review)',
    snapshot: () => reach('reviewAnswered'),
    state: 'answered',
    clock: 'satisfaction',
    guardedOff: { ...NO_REPORT, RESUME_CLOCK: 'satisfaction runs' },
    transitions: {
      DELIVER: to('delivered', { reReviewRequest: 'started' }),
      ...aside('answered'),
      ...running('answered', 'satisfaction'),
    },
  },
  {
    name: 'delivered (review)',
    snapshot: () => reach('reviewDelivered'),
    state: 'delivered',
    clock: 'reReviewRequest',
    guardedOff: { ...NO_REPORT, RESUME_CLOCK: 'the window runs' },
    transitions: {
      RATE_SATISFACTION: to('delivered', { satisfaction: 'met' }),
      REQUEST_REVIEW: to('rereviewing', { reReviewRequest: 'met', reReviewDecision: 'started' }),
      ...aside('delivered'),
      ...running('delivered', 'reReviewRequest', to('closed', { reReviewRequest: 'breached', satisfaction: 'cancelled' })),
    },
  },
  {
    name: 'rereviewing (复核)',
    snapshot: () => reach('rereviewing'),
    state: 'rereviewing',
    clock: 'reReviewDecision',
    guardedOff: { RECORD_HEARING: 'no hearing scheduled', RESUME_CLOCK: 'the decision clock runs' },
    transitions: {
      RESOLVE: to('answered', { reReviewDecision: 'met' }),
      SCHEDULE_HEARING: to('rereviewing'),
      ...aside('rereviewing'),
      ...running('rereviewing', 'reReviewDecision'),
    },
  },
  {
    name: 'rereviewing, clock paused for a hearing',
    snapshot: at(
      'rereviewing',
      by('SCHEDULE_HEARING', 'leader', { relations: ['review'] }),
      by('PAUSE_CLOCK', 'leader', { relations: ['review'], fields: { clock: 'reReviewDecision', reason: 'hearing' } }),
    ),
    state: 'rereviewing',
    clock: 'reReviewDecision',
    guardedOff: {
      SCHEDULE_HEARING: 'one hearing at a time',
      PAUSE_CLOCK: 'paused already',
      DEADLINE_REMINDER: 'a paused clock does not fire',
      DEADLINE_BREACHED: 'a paused clock does not fire',
    },
    transitions: {
      RESOLVE: to('answered', { reReviewDecision: 'met' }),
      RECORD_HEARING: to('rereviewing'),
      RESUME_CLOCK: to('rereviewing', { reReviewDecision: 'resumed' }),
      ...aside('rereviewing'),
    },
  },
  {
    name: 'answered (re-review)',
    snapshot: () => reach('reReviewAnswered'),
    state: 'answered',
    clock: 'satisfaction',
    guardedOff: { ...NO_REPORT, RESUME_CLOCK: 'satisfaction runs' },
    transitions: {
      DELIVER: to('closed', { satisfaction: 'cancelled' }),
      ...aside('answered'),
      ...running('answered', 'satisfaction'),
    },
  },
  {
    name: 'closed (final)',
    snapshot: () => reach('final'),
    state: 'closed',
    clock: 'satisfaction',
    guardedOff: { ...NO_REPORT, DEADLINE_REMINDER: 'every clock stopped', DEADLINE_BREACHED: 'every clock stopped' },
    transitions: { LEADER_INSTRUCTION: to('closed') },
  },
  {
    name: 'closed (routed), report owed',
    snapshot: at('assigned', by('ROUTE', 'handler')),
    state: 'closed',
    clock: 'report',
    guardedOff: { ACCEPT_REPORT: 'no report submitted', RETURN_REPORT: 'no report submitted', STRIKE_OFF: 'not supervised' },
    transitions: {
      SUBMIT_REPORT: to('closed', { report: 'met' }),
      LEADER_INSTRUCTION: to('closed'),
      DEADLINE_REMINDER: to('closed'),
      DEADLINE_BREACHED: to('closed', { report: 'breached' }),
    },
  },
];

/** The event a row sends for (type, role, relations): the row's clock for clock events, valid fields otherwise. */
function probe(row: Row, snapshot: V3Snapshot, type: V3EventType, role: Role, relations: readonly Relation[]): V3Event {
  if (type === 'DEADLINE_REMINDER' || type === 'DEADLINE_BREACHED') {
    return { ...timer(snapshot, type, row.clock), actor: { id: role, role, unit: '411621' }, relations };
  }
  const fields = type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK' ? { clock: row.clock } : {};
  return evIn(snapshot, type, role, { relations: [...relations], fields });
}

describe.each(TABLE)('$name', (row) => {
  const snapshot = row.snapshot();

  test('the row is in its state', () => {
    expect(stateNameV3(snapshot)).toBe(row.state);
  });

  test('every event, role and relation: allowed exactly as the table and the conditions say', () => {
    const mismatches: string[] = [];
    for (const type of V3_EVENT_TYPES) {
      for (const role of ROLES) {
        for (const relations of RELATION_SETS) {
          const expected = isPermittedV3(type, row.state, role, relations) && !(type in row.guardedOff);
          const actual = snapshot.can(probe(row, snapshot, type, role, relations));
          if (actual !== expected) mismatches.push(`${type} by ${role} [${relations.join()}]: ${String(actual)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('the hand-written transitions are exactly the events the table permits here, minus the guarded ones', () => {
    const permitted = V3_EVENT_TYPES.filter(
      (type) => V3_PERMISSIONS[type].some((r) => r.states.includes(row.state)) && !(type in row.guardedOff),
    );
    expect(Object.keys(row.transitions).sort()).toEqual([...permitted].sort());
    for (const type of Object.keys(row.guardedOff)) {
      expect(V3_PERMISSIONS[type as V3EventType].some((r) => r.states.includes(row.state))).toBe(true);
    }
  });

  test('each allowed event leads to its state with its clock changes', () => {
    for (const [type, expected] of Object.entries(row.transitions) as Array<[V3EventType, Expected]>) {
      const rule = V3_PERMISSIONS[type].find((r) => r.states.includes(row.state));
      const role = rule?.roles[0] ?? 'system';
      const relations = rule === undefined || rule.relations === 'any' ? [] : rule.relations.slice(0, 1);
      const next = stepV3(snapshot, probe(row, snapshot, type, role, relations));
      expect({ type, to: stateNameV3(next), clocks: clockChanges(snapshot.context.clocks, next.context.clocks) }).toEqual({
        type,
        to: expected.to,
        clocks: expected.clocks,
      });
    }
  });
});

describe('the table covers the machine', () => {
  test('every state has a row, every event is taken in some row, every relation admits something', () => {
    expect([...new Set(TABLE.map((r) => r.state))].sort()).toEqual([...V3_STATES].sort());
    const taken = new Set(TABLE.flatMap((r) => Object.keys(r.transitions)));
    expect(V3_EVENT_TYPES.filter((type) => !taken.has(type))).toEqual([]);
    for (const relation of RELATIONS) {
      expect(V3_EVENT_TYPES.some((type) => V3_STATES.some((s) => ROLES.some((role) => isPermittedV3(type, s, role, [relation]))))).toBe(
        true,
      );
    }
  });

  const snapshots = reachableSnapshots('complaint');

  test('the exploration reaches every state', () => {
    expect(new Set(snapshots.map(stateNameV3)).size).toBe(V3_STATES.length);
  });

  test('anywhere the case can go, no role or relation outside the table gets an event through', () => {
    const generous: string[] = [];
    for (const snapshot of snapshots) {
      const state = stateNameV3(snapshot);
      for (const type of V3_COMMAND_TYPES) {
        for (const role of ROLES) {
          for (const relations of RELATION_SETS) {
            if (isPermittedV3(type, state, role, relations)) continue;
            if (snapshot.can(evIn(snapshot, type, role, { relations: [...relations] }))) generous.push(`${type} by ${role} in ${state}`);
          }
        }
      }
    }
    expect(generous).toEqual([]);
  });

  test('allowedEventsV3 lists exactly the commands some variant of which the machine takes', () => {
    for (const snapshot of snapshots) {
      for (const role of ROLES) {
        for (const relations of RELATION_SETS) {
          const allowed = allowedEventsV3(snapshot, { id: 'probe', role, unit: '411621' }, relations, '2026-03-02T01:00:00.000Z');
          const taken = V3_COMMAND_TYPES.filter((type) =>
            graphVariants(snapshot, type, role, relations).some((event) => snapshot.can(event)),
          );
          expect({ state: stateNameV3(snapshot), role, relations, allowed }).toEqual({
            state: stateNameV3(snapshot),
            role,
            relations,
            allowed: taken,
          });
        }
      }
    }
  });
});

/** Every clock for the clock commands; valid fields otherwise. */
function graphVariants(snapshot: V3Snapshot, type: V3EventType, role: Role, relations: readonly Relation[]): V3Event[] {
  if (type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK') {
    return (Object.keys(snapshot.context.clocks) as V3ClockName[]).map((clock) =>
      evIn(snapshot, type, role, { relations: [...relations], fields: { clock } }),
    );
  }
  return [evIn(snapshot, type, role, { relations: [...relations] })];
}
