/**
 * Helpers for the unit tests of the petition machine: fully formed events, fixed
 * paths to each state, clock diffs, and the event generator the graph
 * traversals use. Pure: no database, no Redis, no clock.
 */
import { getAdjacencyMap, type AdjacencyMap } from 'xstate/graph';
import { CLOCK_NAMES, type ClockName, type Role, ROLES } from '../../machines/petition.vocabulary';
import { DEFAULT_POLICY } from '../../config/default-policy';
import * as clk from '../../machines/petition.clocks';
import type { ClockEntry, Clocks } from '../../machines/petition.clocks';
import type { PetitionEvent } from '../../machines/petition.machine';
import { isPermitted, type PermissionTable } from '../../machines/petition.permissions';
import {
  CURRENT_MACHINE_VERSION,
  permissionsFor,
  isKnownVersion,
  machineFor,
  startCase,
  step,
  stateName,
  type PetitionSnapshot,
} from '../../machines/petition.registry';
import { type Actor } from '../../machines/petition.roles';
import { EVENT_TYPES, type EventType, type Intake } from '../../machines/petition.schemas';

/** The machine version new cases start under; the tests run against it unless they name another. */
export const VERSION = CURRENT_MACHINE_VERSION;
/** The permission table of {@link VERSION}, the one the tests are generated from. */
export const PERMISSIONS: PermissionTable = permissionsFor(VERSION);
/** 扶沟县 (demo data); 曹里乡 is a township below it. */
export const UNIT = '411621';
export const TOWNSHIP = '411621100';
export const CASE_ID = '0b6a3c8e-2f1d-4c55-9a7e-3d2b1f0e9c11';
export const AT = '2025-03-03T01:00:00.000Z';

export const INTAKE: Intake = {
  channel: 'letter',
  unit: UNIT,
  petitioner: { name: '张某', phone: '18749260000', address: '扶沟县曹里乡' },
  matter: { category: 'land', summary: '宅基地边界纠纷' },
};

/** The fields of an event of type `T`, without the envelope. */
export type FieldsOf<T extends EventType> = WithoutEnvelope<Extract<PetitionEvent, { type: T }>>;
/** Omit per member of a union (RATE_SATISFACTION is recorded in two shapes). */
type WithoutEnvelope<E> = E extends unknown ? Omit<E, 'type' | 'actor' | 'at'> : never;

/** One valid set of fields for every event type (checked against the zod schemas in petition-schemas.test.ts). */
export const VALID_FIELDS: { readonly [T in EventType]: FieldsOf<T> } = {
  VERIFY: { note: '身份与联系方式已核实' },
  REJECT: { reason: '属于诉讼程序处理的事项', route: 'litigation' },
  REQUEST_INFO: { note: '请补充土地证复印件' },
  PROVIDE_INFO: { note: '已补充' },
  MERGE: { intoCaseId: '7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f' },
  ASSIGN: { unit: TOWNSHIP, handler: '王科长' },
  OBJECT: { reason: '不属于本单位职责' },
  START_MEDIATION: { level: 'township', mediator: '李调解员' },
  RECORD_MEDIATION_SESSION: { note: '第一次调解' },
  MEDIATION_AGREED: { agreement: '双方同意按原界址处理' },
  MEDIATION_FAILED: { reason: '双方未达成一致' },
  RESOLVE: { outcome: 'support', opinion: '支持信访人的请求' },
  DELIVER: { method: 'in-person' },
  REQUEST_EXTENSION: { duration: 'P30D', reason: '案情复杂' },
  APPROVE_EXTENSION: {},
  ESCALATE: { reason: '挂牌督办', dueIn: 'P10D' },
  REASSIGN: { unit: TOWNSHIP, handler: '赵主任' },
  RATE_SATISFACTION: { body: 'satisfied', bureau: 'basically-satisfied' },
  REQUEST_REVIEW: { reason: '对处理意见不服' },
  ASSIGN_LEADER: { leader: '副县长' },
  PAUSE_CLOCK: { clock: 'acceptance', reason: '听证' },
  RESUME_CLOCK: { clock: 'acceptance' },
  LINK_CONFERENCE: { conference: '土地纠纷联席会议', departments: ['自然资源局', '农业农村局'] },
  DEADLINE_REMINDER: { clock: 'acceptance', generation: 1, reminder: '50%' },
  DEADLINE_BREACHED: { clock: 'acceptance', generation: 1, onBreach: 'escalate' },
};

export function actor(role: Role): Actor {
  return { id: `${role}-1`, role, unit: UNIT };
}

/** A fully formed event: valid fields for `type` (overridable), the actor of `role`, and `at`. */
export function ev<T extends EventType>(type: T, role: Role, fields: Partial<FieldsOf<T>> = {}, at: string = AT): PetitionEvent {
  return { type, ...VALID_FIELDS[type], ...fields, actor: actor(role), at } as unknown as PetitionEvent;
}

/** A deadline worker's event for the current generation of `clock` in `snapshot` (the policy's breach action by default). */
export function timer(
  snapshot: PetitionSnapshot,
  type: 'DEADLINE_REMINDER' | 'DEADLINE_BREACHED',
  clock: ClockName,
  opts: { onBreach?: 'escalate' | 'close' | 'notify'; generation?: number; role?: Role } = {},
): PetitionEvent {
  const generation = opts.generation ?? snapshot.context.clocks[clock]?.generation ?? 1;
  const role = opts.role ?? 'system';
  return type === 'DEADLINE_REMINDER'
    ? ev('DEADLINE_REMINDER', role, { clock, generation })
    : ev('DEADLINE_BREACHED', role, { clock, generation, onBreach: opts.onBreach ?? DEFAULT_POLICY.clocks[clock].onBreach });
}

/** The first snapshot of the test case under a machine version. */
export function start(version: number = VERSION): PetitionSnapshot {
  return startCase(version, { id: CASE_ID, intake: INTAKE, at: AT });
}

/** The machine version a snapshot runs under. */
export function versionOf(snapshot: PetitionSnapshot): number {
  for (let version = 1; isKnownVersion(version); version++) if (machineFor(version) === snapshot.machine) return version;
  throw new RangeError('a snapshot of an unknown machine');
}

/** Applies an event the machine must accept; a refusal fails the test with the reason. */
export function send(snapshot: PetitionSnapshot, event: PetitionEvent): PetitionSnapshot {
  if (!snapshot.can(event)) {
    throw new Error(`${event.type} by ${event.actor.role} was refused in ${stateName(snapshot)}`);
  }
  return step(versionOf(snapshot), snapshot, event);
}

/** Applies events in order; each must be accepted. */
export function run(snapshot: PetitionSnapshot, events: readonly PetitionEvent[]): PetitionSnapshot {
  return events.reduce(send, snapshot);
}

const toAssigned = [ev('VERIFY', 'clerk'), ev('ASSIGN', 'clerk')];
const toResolved = [...toAssigned, ev('RESOLVE', 'handler')];

/**
 * Fixed paths of valid events from `start()`. `resolved` waits for delivery;
 * `delivered` is the same state after 送达, with the petitioner's windows open.
 */
export const PATHS = {
  received: [],
  verified: [ev('VERIFY', 'clerk')],
  assigned: toAssigned,
  mediated: [...toAssigned, ev('START_MEDIATION', 'handler')],
  resolved: toResolved,
  delivered: [...toResolved, ev('DELIVER', 'clerk')],
  escalated: [...toAssigned, ev('ESCALATE', 'supervisor')],
  closed: [ev('MERGE', 'clerk')],
  rejected: [ev('REJECT', 'clerk')],
} as const satisfies Record<string, readonly PetitionEvent[]>;
export type Milestone = keyof typeof PATHS;

/** The snapshot at the end of a fixed path. */
export function reach(milestone: Milestone, version: number = VERSION): PetitionSnapshot {
  return run(start(version), PATHS[milestone]);
}

/** What happened to one clock between two snapshots. */
export type ClockChange = 'started' | 'met' | 'cancelled' | 'breached' | 'paused' | 'resumed' | 'extended';

/** The clocks that changed between two snapshots, and how. Untouched clocks are left out. */
export function clockChanges(before: Clocks, after: Clocks): Partial<Record<ClockName, ClockChange>> {
  const changes: Partial<Record<ClockName, ClockChange>> = {};
  for (const name of CLOCK_NAMES) {
    const b: ClockEntry | undefined = before[name];
    const a: ClockEntry | undefined = after[name];
    if (a === undefined || JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a.generation !== (b?.generation ?? 0)) changes[name] = 'started';
    else if (a.status !== b?.status) {
      changes[name] = a.status === 'paused' ? 'paused' : a.status === 'running' ? 'resumed' : a.status;
    } else if (a.extendedBy !== b?.extendedBy) changes[name] = 'extended';
  }
  return changes;
}

/** Clocks by status, e.g. `{ handling: 'running', acceptance: 'met' }`. */
export function clockStatuses(snapshot: PetitionSnapshot): Partial<Record<ClockName, ClockEntry['status']>> {
  return Object.fromEntries(Object.entries(snapshot.context.clocks).map(([name, entry]) => [name, entry.status]));
}

/**
 * Every fully formed variant of an event of `type` sent by `role` that makes
 * sense in `snapshot`: clock events name each clock of the case (deadline
 * events with its current generation and the policy's breach action); the
 * others use VALID_FIELDS, and ESCALATE and REASSIGN come with and without
 * a `dueIn`.
 */
export function variants(snapshot: PetitionSnapshot, type: EventType, role: Role): PetitionEvent[] {
  const clocks = Object.keys(snapshot.context.clocks) as ClockName[];
  switch (type) {
    case 'PAUSE_CLOCK':
    case 'RESUME_CLOCK':
      return clocks.map((clock) => ev(type, role, { clock }));
    case 'DEADLINE_REMINDER':
    case 'DEADLINE_BREACHED':
      return clocks.map((clock) => timer(snapshot, type, clock, { role }));
    case 'ESCALATE':
      return [ev(type, role), ev(type, role, { dueIn: undefined })];
    case 'REASSIGN':
      return [ev(type, role), ev(type, role, { dueIn: 'P20D' })];
    default:
      return [ev(type, role)];
  }
}

/**
 * The events the graph traversals try from a snapshot: every variant of every
 * event type, sent by the roles the matrix permits in that state (`permitted`)
 * or by every role (`all`, to catch a machine more generous than the matrix).
 * Final states get the same events: they must refuse them all.
 */
export function eventsFor(snapshot: PetitionSnapshot, roles: 'permitted' | 'all' = 'permitted'): PetitionEvent[] {
  const state = stateName(snapshot);
  // One hearing at a time: pausing a second clock adds combinations, not behaviour.
  const somePaused = Object.values(snapshot.context.clocks).some((entry) => entry.status === 'paused');
  return EVENT_TYPES.filter((type) => !(type === 'PAUSE_CLOCK' && somePaused)).flatMap((type) =>
    ROLES.filter((role) => roles === 'all' || isPermitted(PERMISSIONS, type, state, role)).flatMap((role) => variants(snapshot, type, role)),
  );
}

/**
 * A finite key for a snapshot: the state value and what the guards read. Clock
 * generations and outcomes (met, breached, cancelled are all "stopped"), names,
 * texts and counters are left out: they vary without bound while the machine
 * behaves the same.
 */
export function behaviourKey(snapshot: PetitionSnapshot): string {
  const c = snapshot.context;
  const clocks = CLOCK_NAMES.filter((name) => c.clocks[name] !== undefined).map((name) => {
    const entry = c.clocks[name];
    return `${name}:${clk.isLive(entry) ? entry?.status : 'stopped'}`;
  });
  return JSON.stringify({
    value: snapshot.value,
    clocks,
    infoRequested: c.infoRequested && snapshot.value === 'received',
    extension: c.extension?.status ?? null,
    reviewStage: c.reviewStage,
    reviewPending: c.reviewPending,
  });
}

/**
 * Every behaviour-distinct snapshot reachable from `start()` with the events of
 * `eventsFor` (only those the machine takes), with the transitions taken from
 * each: XState's adjacency map, keyed by `behaviourKey`.
 */
export function exploreMachine(
  roles: 'permitted' | 'all' = 'permitted',
  version: number = VERSION,
): AdjacencyMap<PetitionSnapshot, PetitionEvent> {
  return getAdjacencyMap(machineFor(version), {
    input: { id: CASE_ID, intake: INTAKE, at: AT },
    events: (snapshot) => eventsFor(snapshot, roles),
    filterEvents: (snapshot, event) => snapshot.can(event),
    serializeState: (snapshot) => behaviourKey(snapshot),
  });
}
