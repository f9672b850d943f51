import type { Role } from '../../petition.vocabulary';
import type { V3EventType } from './v3.schemas';
import { V3_OPEN_STATES, V3_STATES, type Relation, type V3State } from './v3.vocabulary';

/**
 * One line of the version 3 permission table: in these states, these roles
 * may send the event when their unit has one of these relations to the case
 * (`any`: the role alone decides; the engine's unit scope still applies).
 */
export interface V3PermissionRule {
  readonly states: readonly V3State[];
  readonly roles: readonly Role[];
  readonly relations: readonly Relation[] | 'any';
}

const OPEN = V3_OPEN_STATES;
const BEFORE_ANSWER: readonly V3State[] = ['registered', 'transferred', 'objected', 'accepted', 'mediating'];
const AFTER_ANSWER: readonly V3State[] = ['answered', 'delivered', 'closed'];
const REVIEW_STATES: readonly V3State[] = ['reviewing', 'rereviewing'];
const HEARING_STATES: readonly V3State[] = ['accepted', ...REVIEW_STATES];
const INFO_STATES: readonly V3State[] = ['registered', 'transferred', 'accepted'];

const rule = (states: readonly V3State[], roles: readonly Role[], relations: V3PermissionRule['relations']): V3PermissionRule => ({
  states,
  roles,
  relations,
});

/**
 * A clock is paused by a supervisor or leader of the unit holding the case in
 * that state: the bureau while it dispatches, the body while it handles, the
 * review body during 复查 / 复核 (whose hearing time Art 36 ¶2 excludes).
 */
const clockRules = [
  rule(['registered'], ['supervisor', 'leader'], ['sender', 'body']),
  rule(['transferred', 'objected', 'accepted', 'mediating', 'answered', 'delivered'], ['supervisor', 'leader'], ['body']),
  rule(REVIEW_STATES, ['supervisor', 'leader'], ['body', 'review']),
];

/**
 * The one permission table of version 3: event → the states, roles and
 * relations that may send it. The machine's guards read it, `allowedEventsV3`
 * reflects it, the README shows it (`v3PermissionsMarkdown`) and the tests are
 * generated from it. Anything not listed is refused.
 */
export const V3_PERMISSIONS: Readonly<Record<V3EventType, readonly V3PermissionRule[]>> = {
  TRANSFER: [rule(['registered'], ['clerk', 'supervisor'], ['sender'])],
  ASSIGN: [rule(['registered'], ['supervisor'], ['sender'])],
  REFER: [rule(['registered'], ['clerk', 'supervisor'], ['sender'])],
  REJECT: [rule(['registered'], ['clerk', 'supervisor'], ['sender'])],
  MERGE: [rule(['registered', 'transferred'], ['clerk'], ['sender', 'body'])],
  ACCEPT: [rule(['registered', 'transferred'], ['clerk', 'handler', 'leader'], ['body'])],
  OBJECT: [rule(['transferred'], ['handler', 'leader'], ['body'])],
  APPROVE_OBJECTION: [rule(['objected'], ['supervisor'], ['sender'])],
  DENY_OBJECTION: [rule(['objected'], ['supervisor'], ['sender'])],
  ROUTE: [rule(['transferred', 'accepted'], ['handler', 'leader'], ['body'])],
  REQUEST_INFO: [rule(INFO_STATES, ['clerk'], 'any')],
  PROVIDE_INFO: [rule(INFO_STATES, ['clerk'], 'any')],
  START_MEDIATION: [rule(['accepted'], ['handler'], ['body'])],
  RECORD_MEDIATION_SESSION: [rule(['mediating'], ['mediator'], 'any')],
  MEDIATION_AGREED: [rule(['mediating'], ['mediator'], 'any')],
  MEDIATION_FAILED: [rule(['mediating'], ['mediator'], 'any')],
  SCHEDULE_HEARING: [rule(HEARING_STATES, ['handler', 'leader'], ['body', 'review'])],
  RECORD_HEARING: [rule(HEARING_STATES, ['handler', 'leader'], ['body', 'review'])],
  REQUEST_EXTENSION: [rule(['accepted', 'mediating'], ['handler'], ['body'])],
  APPROVE_EXTENSION: [rule(['accepted', 'mediating'], ['leader'], ['body'])],
  DENY_EXTENSION: [rule(['accepted', 'mediating'], ['leader'], ['body'])],
  RESOLVE: [rule(['accepted'], ['handler', 'leader'], ['body']), rule(REVIEW_STATES, ['handler', 'leader'], ['review'])],
  DELIVER: [rule(['answered'], ['clerk', 'handler'], ['body', 'review'])],
  RATE_SATISFACTION: [rule(['delivered'], ['clerk'], 'any')],
  REQUEST_REVIEW: [rule(['delivered'], ['clerk'], ['review'])],
  SUBMIT_REPORT: [rule(AFTER_ANSWER, ['handler', 'leader'], ['body'])],
  ACCEPT_REPORT: [rule(AFTER_ANSWER, ['supervisor'], ['sender'])],
  RETURN_REPORT: [rule(AFTER_ANSWER, ['supervisor'], ['sender'])],
  WITHDRAW: [rule(BEFORE_ANSWER, ['clerk'], 'any')],
  SUPERVISE: [rule(OPEN, ['supervisor'], ['sender', 'above'])],
  STRIKE_OFF: [rule(AFTER_ANSWER, ['supervisor'], ['sender', 'above'])],
  REASSIGN: [rule(['transferred', 'accepted'], ['supervisor'], ['sender', 'above'])],
  ASSIGN_LEADER: [rule(OPEN, ['supervisor', 'leader'], ['above'])],
  LEADER_INSTRUCTION: [rule(V3_STATES, ['leader'], 'any')],
  LINK_CONFERENCE: [rule(OPEN, ['supervisor'], 'any')],
  // Whoever holds the case files materials with it while it is open; a mediator wherever it mediates.
  ATTACH_MATERIAL: [
    rule(OPEN, ['clerk', 'handler', 'supervisor', 'leader'], ['sender', 'body', 'review']),
    rule(['mediating'], ['mediator'], 'any'),
  ],
  PAUSE_CLOCK: clockRules,
  RESUME_CLOCK: clockRules,
  DEADLINE_REMINDER: [rule(V3_STATES, ['system'], 'any')],
  DEADLINE_BREACHED: [rule(V3_STATES, ['system'], 'any')],
};

/** Whether a rule's relations admit an actor with `relations`. */
function relationsAdmit(wanted: V3PermissionRule['relations'], relations: readonly Relation[]): boolean {
  return wanted === 'any' || wanted.some((r) => relations.includes(r));
}

/** Whether `role` with `relations` may send `type` while the case is in `state` (before the state's own guards). */
export function isPermittedV3(type: V3EventType, state: V3State, role: Role, relations: readonly Relation[]): boolean {
  return V3_PERMISSIONS[type].some((r) => r.states.includes(state) && r.roles.includes(role) && relationsAdmit(r.relations, relations));
}

/** Whether a role sends an event type in some state under version 3 at all (if not, a request is FORBIDDEN). */
export function roleMaySendV3(type: V3EventType, role: Role): boolean {
  return V3_PERMISSIONS[type].some((r) => r.roles.includes(role));
}

/** States as the table prints them: "any state", "any open state" or the list. */
function statesCell(states: readonly V3State[]): string {
  if (states.length === V3_STATES.length) return 'any state';
  if (states.length === OPEN.length && OPEN.every((s) => states.includes(s))) return 'any open state';
  return states.join(', ');
}

/**
 * The version 3 table as Markdown (event, states, roles, relations), one line
 * per rule, for the README; a test can keep the two equal.
 */
export function v3PermissionsMarkdown(): string {
  const header = ['| event | states | roles | relations |', '|---|---|---|---|'];
  const lines = (Object.keys(V3_PERMISSIONS) as V3EventType[]).flatMap((type) =>
    V3_PERMISSIONS[type].map((r) => {
      const relations = r.relations === 'any' ? 'any' : r.relations.join(', ');
      return `| \`${type}\` | ${statesCell(r.states)} | ${r.roles.join(', ')} | ${relations} |`;
    }),
  );
  return [...header, ...lines].join('\n');
}
