/**
 * Helpers for the unit tests of machine version 3: intakes of each class,
 * events built against a snapshot (the sender's relation and unit taken from
 * the permission table and the case's units), fixed paths to every state,
 * clock diffs and the event generator of the graph traversals. Pure: no
 * database, no Redis, no clock.
 */
import { getShortestPaths, type StatePath } from 'xstate/graph';
import * as clk from '../../machines/versions/v3/v3.clocks';
import type { V3Clocks } from '../../machines/versions/v3/v3.clocks';
import type { V3Event } from '../../machines/versions/v3/v3.context';
import { petitionMachineV3, startCaseV3, stateNameV3, stepV3, type V3Snapshot } from '../../machines/versions/v3/v3.machine';
import { V3_PERMISSIONS } from '../../machines/versions/v3/v3.permissions';
import { V3_EVENT_TYPES, v3IntakeSchema, type V3EventType, type V3Intake } from '../../machines/versions/v3/v3.schemas';
import {
  RELATIONS,
  V3_CLOCK_NAMES,
  outcomesFor,
  type ItemClass,
  type Relation,
  type V3ClockName,
  type V3State,
} from '../../machines/versions/v3/v3.vocabulary';
import type { Actor } from '../../machines/petition.roles';
import type { Role } from '../../machines/petition.vocabulary';
import { ROLES } from '../../machines/petition.vocabulary';

/** Units of the tests. The codes stand for the units; what the machine reads is the relation the engine computes. */
export const BUREAU = '411621'; // 扶沟县信访局
export const BODY = '411621100'; // 曹里乡人民政府, the handling body
export const OTHER_BODY = '411621101'; // another township, for REASSIGN
export const REVIEW_BODY = '411621001'; // the body's next-higher body (复查)
export const RE_REVIEW_BODY = '411600'; // one level higher again (复核)
export const ABOVE = '410000'; // a unit above all of them
export const CASE_ID = '0b6a3c8e-2f1d-4c55-9a7e-3d2b1f0e9c11';
export const OTHER_CASE_ID = '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
export const AT = '2026-03-02T01:00:00.000Z';

/** A v3 intake of a class, registered at `unit`. */
export function intakeOf(itemClass: ItemClass, unit: string = BUREAU): V3Intake {
  return v3IntakeSchema.parse({
    channel: 'letter',
    unit,
    class: itemClass,
    petitioner: { name: '张某', phone: '18749260000', address: '扶沟县曹里乡' },
    matter: { category: 'land', summary: '宅基地边界纠纷', ...(itemClass === 'accusation' ? { accusedUnit: OTHER_BODY } : {}) },
  });
}

/** The first snapshot of the test case: a complaint at the bureau, or (`atBody`) registered by the handling body itself. */
export function start(opts: { class?: ItemClass; atBody?: boolean } = {}): V3Snapshot {
  const atBody = opts.atBody ?? false;
  return startCaseV3({
    id: CASE_ID,
    intake: intakeOf(opts.class ?? 'complaint', atBody ? BODY : BUREAU),
    at: AT,
    registeredAtBureau: !atBody,
  });
}

/** The breach actions of the statutory policy for the v3 clocks (DOMAIN's table). */
export const BREACH: Readonly<Record<V3ClockName, 'escalate' | 'close' | 'notify'>> = {
  dispatch: 'escalate',
  notice: 'escalate',
  objection: 'notify',
  handling: 'escalate',
  report: 'escalate',
  reviewRequest: 'close',
  reviewDecision: 'escalate',
  reReviewRequest: 'close',
  reReviewDecision: 'escalate',
  supervision: 'escalate',
  satisfaction: 'close',
};

type FieldsOf<T extends V3EventType> = Omit<Extract<V3Event, { type: T }>, 'type' | 'actor' | 'relations' | 'at'>;

/** One valid set of fields for every event type (checked against the zod schemas in machine-v3.schemas.test.ts). */
export const VALID_FIELDS: { readonly [T in V3EventType]: FieldsOf<T> } = {
  TRANSFER: { toUnit: BODY, note: '属地管理' },
  ASSIGN: { toUnit: BODY, dueIn: 'P20D' },
  REFER: { to: 'discipline', reason: '检举控告转纪检监察' },
  REJECT: { ground: 'in-progress-below', reason: '同一事项正在乡镇办理', relatedCaseId: OTHER_CASE_ID },
  MERGE: { intoCaseId: OTHER_CASE_ID },
  ACCEPT: { noticeMethod: 'post', note: '受理告知书已寄出' },
  OBJECT: { reason: '不属于本单位职责' },
  APPROVE_OBJECTION: { note: '核实同意' },
  DENY_OBJECTION: { note: '属于该单位职责' },
  ROUTE: { procedure: 'litigation', reason: '应通过诉讼解决' },
  REQUEST_INFO: { note: '请补充土地证复印件' },
  PROVIDE_INFO: { note: '已补充' },
  START_MEDIATION: { level: 'village', mediator: '李调解员' },
  RECORD_MEDIATION_SESSION: { note: '第一次调解' },
  MEDIATION_AGREED: { agreement: '双方同意按原界址处理' },
  MEDIATION_FAILED: { reason: '双方未达成一致' },
  SCHEDULE_HEARING: { hearingAt: '2026-03-20T02:00:00.000Z' },
  RECORD_HEARING: { summary: '听证会意见' },
  REQUEST_EXTENSION: { duration: 'P30D', reason: '案情复杂' },
  APPROVE_EXTENSION: { note: '同意延期' },
  DENY_EXTENSION: { note: '不同意延期' },
  RESOLVE: { outcome: 'support', opinion: '支持信访人的请求' },
  DELIVER: { method: 'in-person' },
  RATE_SATISFACTION: { body: 'satisfied', bureau: 'basically-satisfied' },
  REQUEST_REVIEW: { reason: '对处理意见不服' },
  SUBMIT_REPORT: { text: '已办结，信访人满意' },
  ACCEPT_REPORT: { note: '同意销号' },
  RETURN_REPORT: { note: '材料不全' },
  WITHDRAW: { reason: '信访人撤回' },
  SUPERVISE: { level: 'supervise', reason: '督办', dueIn: 'P10D' },
  STRIKE_OFF: { note: '办结销号' },
  REASSIGN: { toUnit: OTHER_BODY, reason: '改由该乡办理' },
  ASSIGN_LEADER: { leader: 'leader-city-1' },
  LEADER_INSTRUCTION: { text: '请依法依规尽快办理' },
  LINK_CONFERENCE: { conference: '土地纠纷联席会议', departments: ['自然资源局', '农业农村局'] },
  PAUSE_CLOCK: { clock: 'dispatch', reason: 'awaiting-materials' },
  RESUME_CLOCK: { clock: 'dispatch', reason: '材料已补齐' },
  DEADLINE_REMINDER: { clock: 'dispatch', generation: 1, reminder: '80%' },
  DEADLINE_BREACHED: { clock: 'dispatch', generation: 1, onBreach: 'escalate' },
  ATTACH_MATERIAL: {
    attachmentId: '7d0b6a52-1f3e-4c2a-9a51-3f0d2c4e8b10',
    kind: 'letter-scan',
    size: 2048,
    mediaType: 'application/pdf',
    sha256: 'a'.repeat(64),
  },
};

/** The unit an actor with `relation` sits in, for this snapshot (a review request comes from the next-higher body). */
export function unitFor(snapshot: V3Snapshot, relation: Relation | undefined): string {
  const units = snapshot.context.units;
  switch (relation) {
    case 'sender':
      return units.senders[0] ?? BUREAU;
    case 'body':
      return units.body ?? BODY;
    case 'review':
      if (stateNameV3(snapshot) === 'delivered') return snapshot.context.reviewStage === 'first' ? REVIEW_BODY : RE_REVIEW_BODY;
      return units.review ?? REVIEW_BODY;
    case 'above':
      return ABOVE;
    default:
      return units.body ?? units.registeredBy;
  }
}

/** The first relation the table lets `role` send `type` with in the snapshot's state (none for `any`). */
export function relationFor(snapshot: V3Snapshot, type: V3EventType, role: Role): Relation[] {
  const state = stateNameV3(snapshot);
  const rule = V3_PERMISSIONS[type].find((r) => r.states.includes(state) && r.roles.includes(role));
  if (rule === undefined || rule.relations === 'any') return [];
  return rule.relations.slice(0, 1);
}

/** A fully formed event against a snapshot: valid fields (overridable), the role's relation from the table, its unit, `at`. */
export function evIn<T extends V3EventType>(
  snapshot: V3Snapshot,
  type: T,
  role: Role,
  opts: { fields?: Partial<FieldsOf<T>>; relations?: Relation[]; unit?: string; at?: string } = {},
): V3Event {
  const relations = opts.relations ?? relationFor(snapshot, type, role);
  const actor: Actor = {
    id: `${role}-${opts.unit ?? unitFor(snapshot, relations[0])}`,
    role,
    unit: opts.unit ?? unitFor(snapshot, relations[0]),
  };
  const fields = type === 'RESOLVE' ? { ...VALID_FIELDS.RESOLVE, outcome: outcomesFor(snapshot.context.class)[0] } : VALID_FIELDS[type];
  return { type, ...fields, ...opts.fields, actor, relations, at: opts.at ?? AT } as unknown as V3Event;
}

/** One step of a path: an event built against the snapshot it is sent to. */
export type Step = (snapshot: V3Snapshot) => V3Event;
export const by =
  <T extends V3EventType>(type: T, role: Role, opts: Parameters<typeof evIn<T>>[3] = {}): Step =>
  (snapshot) =>
    evIn(snapshot, type, role, opts);

/** A deadline worker's event for the current generation of `clock` (the statutory breach action by default). */
export function timer(
  snapshot: V3Snapshot,
  type: 'DEADLINE_REMINDER' | 'DEADLINE_BREACHED',
  clock: V3ClockName,
  opts: { onBreach?: 'escalate' | 'close' | 'notify'; generation?: number; at?: string } = {},
): V3Event {
  const generation = opts.generation ?? snapshot.context.clocks[clock]?.generation ?? 1;
  const fields =
    type === 'DEADLINE_REMINDER' ? { clock, generation, reminder: '80%' } : { clock, generation, onBreach: opts.onBreach ?? BREACH[clock] };
  return { type, ...fields, actor: { id: 'system', role: 'system', unit: BUREAU }, relations: [], at: opts.at ?? AT } as unknown as V3Event;
}
export const breach =
  (clock: V3ClockName, onBreach?: 'escalate' | 'close' | 'notify'): Step =>
  (snapshot) =>
    timer(snapshot, 'DEADLINE_BREACHED', clock, onBreach === undefined ? {} : { onBreach });

/** Applies an event the machine must accept; a refusal fails the test with the reason. */
export function send(snapshot: V3Snapshot, event: V3Event): V3Snapshot {
  if (!snapshot.can(event)) {
    throw new Error(`${event.type} by ${event.actor.role} [${event.relations.join(',')}] was refused in ${stateNameV3(snapshot)}`);
  }
  return stepV3(snapshot, event);
}

/** Applies steps in order; each must be accepted. */
export function run(snapshot: V3Snapshot, steps: readonly Step[]): V3Snapshot {
  return steps.reduce((s, next) => send(s, next(s)), snapshot);
}

const TRANSFERRED: Step[] = [by('TRANSFER', 'clerk')];
const ACCEPTED: Step[] = [...TRANSFERRED, by('ACCEPT', 'handler')];
const ANSWERED: Step[] = [...ACCEPTED, by('RESOLVE', 'handler')];
const DELIVERED: Step[] = [...ANSWERED, by('DELIVER', 'clerk')];
const REVIEWING: Step[] = [...DELIVERED, by('REQUEST_REVIEW', 'clerk')];
const REVIEW_ANSWERED: Step[] = [...REVIEWING, by('RESOLVE', 'handler', { relations: ['review'] })];
const REVIEW_DELIVERED: Step[] = [...REVIEW_ANSWERED, by('DELIVER', 'clerk', { relations: ['review'] })];
const REREVIEWING: Step[] = [...REVIEW_DELIVERED, by('REQUEST_REVIEW', 'clerk')];
const REREVIEW_ANSWERED: Step[] = [...REREVIEWING, by('RESOLVE', 'leader', { relations: ['review'] })];

/** Fixed paths of valid steps from `start()` (a complaint registered at the bureau), one per milestone. */
export const PATHS = {
  registered: [],
  transferred: TRANSFERRED,
  assigned: [by('ASSIGN', 'supervisor')],
  objected: [...TRANSFERRED, by('OBJECT', 'handler')],
  accepted: ACCEPTED,
  mediating: [...ACCEPTED, by('START_MEDIATION', 'handler')],
  answered: ANSWERED,
  delivered: DELIVERED,
  reviewing: REVIEWING,
  reviewAnswered: REVIEW_ANSWERED,
  reviewDelivered: REVIEW_DELIVERED,
  rereviewing: REREVIEWING,
  reReviewAnswered: REREVIEW_ANSWERED,
  final: [...REREVIEW_ANSWERED, by('DELIVER', 'clerk', { relations: ['review'] })],
  withdrawn: [by('WITHDRAW', 'clerk')],
} as const satisfies Record<string, readonly Step[]>;
export type Milestone = keyof typeof PATHS;

/** The snapshot at the end of a fixed path. */
export function reach(milestone: Milestone, opts: { class?: ItemClass } = {}): V3Snapshot {
  return run(start(opts), PATHS[milestone]);
}

/** What happened to one clock between two snapshots. */
export type ClockChange = 'started' | 'met' | 'cancelled' | 'breached' | 'paused' | 'resumed' | 'extended';

/** The clocks that changed between two snapshots, and how. Untouched clocks are left out. */
export function clockChanges(before: V3Clocks, after: V3Clocks): Partial<Record<V3ClockName, ClockChange>> {
  const changes: Partial<Record<V3ClockName, ClockChange>> = {};
  for (const name of V3_CLOCK_NAMES) {
    const b = before[name];
    const a = after[name];
    if (a === undefined || JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a.generation !== (b?.generation ?? 0)) changes[name] = 'started';
    else if (a.status !== b?.status) changes[name] = a.status === 'paused' ? 'paused' : a.status === 'running' ? 'resumed' : a.status;
    else if (a.extendedBy !== b?.extendedBy) changes[name] = 'extended';
  }
  return changes;
}

/** Clocks by status, e.g. `{ handling: 'running', notice: 'met' }`. */
export function clockStatuses(snapshot: V3Snapshot): Partial<Record<V3ClockName, string>> {
  return Object.fromEntries(Object.entries(snapshot.context.clocks).map(([name, entry]) => [name, entry.status]));
}

/** The relation sets the traversals try: none, and each relation alone. */
export const RELATION_SETS: readonly (readonly Relation[])[] = [[], ...RELATIONS.map((r) => [r])];

/**
 * Every fully formed variant of an event: clock events name each clock of the
 * case (deadline events with its current generation and statutory action);
 * SUPERVISE comes with and without a deadline; the rest use VALID_FIELDS.
 */
export function variants(snapshot: V3Snapshot, type: V3EventType, role: Role, relations: readonly Relation[]): V3Event[] {
  const clocks = Object.keys(snapshot.context.clocks) as V3ClockName[];
  const opts = { relations: [...relations] };
  switch (type) {
    case 'PAUSE_CLOCK':
    case 'RESUME_CLOCK':
      return clocks.map((clock) => evIn(snapshot, type, role, { ...opts, fields: { clock } }));
    case 'DEADLINE_REMINDER':
    case 'DEADLINE_BREACHED':
      return clocks.map((clock) => ({ ...timer(snapshot, type, clock), actor: { id: role, role, unit: BUREAU }, relations }));
    case 'SUPERVISE':
      return [evIn(snapshot, type, role, opts), evIn(snapshot, type, role, { ...opts, fields: { dueIn: undefined } })];
    default:
      return [evIn(snapshot, type, role, opts)];
  }
}

/** The role and relation pairs the table permits for `type` in `state` (a pair with no relation for `any`). */
export function permittedPairs(type: V3EventType, state: V3State): Array<[Role, Relation[]]> {
  const pairs: Array<[Role, Relation[]]> = [];
  for (const rule of V3_PERMISSIONS[type].filter((r) => r.states.includes(state))) {
    for (const role of rule.roles) {
      if (rule.relations === 'any') pairs.push([role, []]);
      else for (const rel of rule.relations) pairs.push([role, [rel]]);
    }
  }
  return pairs;
}

/**
 * The events the graph traversals try from a snapshot: every variant of every
 * event type, sent by the role and relation pairs the table permits in that
 * state (`permitted`) or by every role with every relation set (`all`).
 */
export function eventsFor(snapshot: V3Snapshot, mode: 'permitted' | 'all' = 'permitted'): V3Event[] {
  const state = stateNameV3(snapshot);
  // One pause at a time: pausing a second clock adds combinations, not behaviour.
  const somePaused = Object.values(snapshot.context.clocks).some((entry) => entry.status === 'paused');
  return V3_EVENT_TYPES.filter((type) => !(type === 'PAUSE_CLOCK' && somePaused)).flatMap((type) => {
    const pairs: Array<[Role, readonly Relation[]]> =
      mode === 'permitted'
        ? permittedPairs(type, state)
        : ROLES.flatMap((role) => RELATION_SETS.map((rels) => [role, rels] as [Role, readonly Relation[]]));
    return pairs.flatMap(([role, rels]) => variants(snapshot, type, role, rels));
  });
}

/**
 * A finite key for a snapshot: the state and what the guards read. Names,
 * texts, generations and counters are left out: they vary without bound while
 * the machine behaves the same.
 */
export function behaviourKey(snapshot: V3Snapshot): string {
  const c = snapshot.context;
  const clocks = V3_CLOCK_NAMES.filter((name) => c.clocks[name] !== undefined).map((name) => {
    const entry = c.clocks[name];
    return `${name}:${clk.isLive(entry) ? entry?.status : 'stopped'}`;
  });
  return JSON.stringify({
    value: snapshot.value,
    clocks,
    body: c.units.body !== null,
    extension: c.extension?.status ?? null,
    reviewStage: c.reviewStage,
    info: c.infoRequests.some((r) => r.answeredAt === null),
    hearing: c.hearings.some((h) => h.summary === null),
    report: c.report?.status ?? null,
    supervision: c.supervision === null ? null : [c.supervision.level, c.supervision.struckOff === null],
  });
}

/**
 * A vertex of the shortest-path traversal: the state, the review stage, the
 * closure, the report and the event that led there, so every event the
 * machine takes from a vertex ends some path. The key is coarse on purpose
 * (the full product of clocks, supervision levels and pending requests is far
 * too large to walk): merging snapshots can only hide paths, never invent
 * them, and the paths test replays every path from the start.
 */
export function pathKey(snapshot: V3Snapshot, event: V3Event | undefined): string {
  const c = snapshot.context;
  return JSON.stringify([snapshot.value, c.reviewStage, c.closure, c.report?.status ?? null, event?.type ?? 'start']);
}

/** Shortest paths from a new case of a class (registered at the bureau) to every vertex of `pathKey`. */
export function shortestPaths(itemClass: ItemClass = 'complaint'): Array<StatePath<V3Snapshot, V3Event>> {
  return getShortestPaths(petitionMachineV3, {
    input: { id: CASE_ID, intake: intakeOf(itemClass), at: AT, registeredAtBureau: true },
    events: (snapshot) => eventsFor(snapshot, 'permitted'),
    filterEvents: (snapshot, event) => snapshot.can(event),
    serializeState: pathKey,
  });
}

/** Behaviour-distinct snapshots at the ends of the shortest paths: a broad sample of where a case can be. */
export function reachableSnapshots(itemClass: ItemClass = 'complaint'): V3Snapshot[] {
  const byKey = new Map<string, V3Snapshot>();
  for (const path of shortestPaths(itemClass)) byKey.set(behaviourKey(path.state), path.state);
  return [...byKey.values()];
}
