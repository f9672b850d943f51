/**
 * Versions 1 and 2 as registry adapters: today's functions wrapped unchanged.
 * Their actors have no relations to a case (a role in a unit subtree decides),
 * so their events and trail entries carry none, exactly as they were recorded.
 */
import type { SnapshotFrom } from 'xstate';
import { firstSnapshot, nextSnapshot } from '../pure-transition';
import type {
  CaseCommand,
  CaseEvent,
  CaseSnapshot,
  CommandClaims,
  MachineAdapter,
  Recipient,
  SnapshotState,
  StoredSnapshot,
} from '../machine-adapter';
import type { PetitionContext, PetitionEvent, PetitionInput } from '../petition.machine';
import { roleSendsIn, type PermissionTable } from '../petition.permissions';
import { COMMAND_TYPES, commandSchema, intakeSchema, systemFieldSchemas, type CommandType, type EventType } from '../petition.schemas';
import { CLOCK_NAMES, ROLES, STATE_NAMES, type StateName } from '../petition.vocabulary';
import type { Actor } from '../petition.roles';
import { petitionMachineV1 } from './v1';
import { legacyFacts } from './legacy.facts';

/** The machine type of versions 1 and 2 (they share their context and events). */
export type LegacyMachine = typeof petitionMachineV1;
/** A snapshot of a version 1 or 2 case. */
export type LegacySnapshot = SnapshotFrom<LegacyMachine>;

/** The user-facing state name of a v1/v2 snapshot (the leaf of the lifecycle's state tree). */
export function legacyStateName(snapshot: Pick<LegacySnapshot, 'value'>): StateName {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  if (top === 'handling') return (value as { handling: string }).handling as StateName;
  if ((STATE_NAMES as readonly string[]).includes(top ?? '')) return top as StateName;
  throw new RangeError(`unexpected state value ${JSON.stringify(value)}`);
}

const legacy = (s: CaseSnapshot) => s as unknown as LegacySnapshot;
/** A v1/v2 state without its machine: what the readings of a case need (its value and context). */
const state = (s: SnapshotState) => s as unknown as Pick<LegacySnapshot, 'value' | 'context'>;
const event = (e: CaseEvent) => e as unknown as PetitionEvent;
const ctx = (s: SnapshotState): PetitionContext => state(s).context;

/** The ratings under today's names: cases rated before the rename recorded the handling body's rating as `unit`. */
function satisfactionView(recorded: PetitionContext['satisfaction']) {
  if (recorded === null || recorded === 'unrated') return recorded;
  return { body: 'body' in recorded ? recorded.body : recorded.unit, bureau: recorded.bureau };
}

/** What a v1/v2 command asks of the engine's rules: its unit, its merge target, its durations. */
function legacyClaims(e: CaseEvent): CommandClaims {
  const ev = event(e);
  switch (ev.type) {
    case 'ASSIGN':
      return { sendsTo: { field: 'unit', unit: ev.unit } };
    case 'REASSIGN':
      return {
        sendsTo: { field: 'unit', unit: ev.unit },
        ...(ev.dueIn !== undefined && { deadline: { field: 'dueIn', duration: ev.dueIn, clock: 'supervision' } }),
      };
    case 'ESCALATE':
      return ev.dueIn === undefined ? {} : { deadline: { field: 'dueIn', duration: ev.dueIn, clock: 'supervision' } };
    case 'MERGE':
      return { namesCase: { field: 'intoCaseId', caseId: ev.intoCaseId, open: true } };
    case 'REQUEST_EXTENSION':
      return { extension: { field: 'duration', duration: ev.duration, clock: 'handling' } };
    default:
      return {};
  }
}

/**
 * The adapter of a v1/v2 machine. `roleMaySend` answers across both legacy
 * tables (a role that sends an event under some version is merely untimely
 * where its case's version refuses it), as the API always did.
 */
export function legacyAdapter(
  version: number,
  machine: LegacyMachine,
  roleMaySend: (type: EventType, role: Actor['role']) => boolean,
): MachineAdapter {
  const can = (s: CaseSnapshot, e: CaseEvent) => legacy(s).can(event(e));
  return {
    version,
    intakeSchema,
    commandSchema,
    // Versions 1 and 2 predate attachments: their trails record none.
    filingSchema: null,
    usesRelations: false,
    start: (input) => firstSnapshot(machine, { id: input.id, intake: input.intake, at: input.at } as PetitionInput),
    intakeTrailFields: (input) => input.intake as Record<string, unknown>,
    startOfTrail: (id, fields, at) => ({ id, intake: fields, at, registeredAtBureau: false }),
    step: (s, e) => nextSnapshot(machine, legacy(s), event(e)),
    accepts: can,
    startContext: (start) => ({ id: start.id, intake: start.intake, receivedAt: start.at }),
    startKeys: ['id', 'intake', 'receivedAt'],
    restore: (stored) => machine.resolveState({ value: stored.value as never, context: stored.context as PetitionContext }),
    toStored: (s): StoredSnapshot => ({ value: legacy(s).value, context: ctx(s), status: s.status === 'done' ? 'done' : 'active' }),
    stateName: (s) => legacyStateName(state(s)),
    closure: (s) => ctx(s).closure,
    isOpen: (s) => s.status === 'active',
    eventOf: (command: CaseCommand, sender, at) => ({ ...command, actor: sender.actor, at }),
    verdict(s, e, sender) {
      if (!roleMaySend(e.type as EventType, sender.actor.role)) return 'FORBIDDEN';
      return can(s, e) ? 'ok' : 'EVENT_NOT_ALLOWED';
    },
    allowedEvents(s, sender, at) {
      if (s.status !== 'active') return [];
      const actor = { ...sender.actor, id: 'probe', unit: ctx(s).unit };
      const ok = (e: CaseEvent) => roleMaySend(e.type as EventType, actor.role) && can(s, e);
      return COMMAND_TYPES.filter((type: CommandType) =>
        type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK'
          ? CLOCK_NAMES.some((clock) => ok({ type, clock, actor, at }))
          : ok({ type, actor, at }),
      );
    },
    relationsOf: () => [],
    clocks: (s) => ctx(s).clocks,
    caseUnits(s) {
      const c = ctx(s);
      const units = [{ unit: c.unit, relation: 'registered' as const }];
      return c.assignee === null ? units : [...units, { unit: c.assignee.unit, relation: 'body' as const }];
    },
    caseRow: (s) => {
      const c = s.context as PetitionContext;
      return { assigneeUnit: c.assignee?.unit ?? null, listed: c.listed };
    },
    intakeFacts(s) {
      const c = ctx(s);
      const accused = c.intake.matter.accusation === true ? (c.intake.matter.accusedUnit ?? null) : null;
      // v1/v2 show contact details to clerks only, as they always did.
      return { intake: c.intake, accusedUnit: accused, handlingUnit: null };
    },
    claimsOf: (_s, e) => legacyClaims(e),
    facts: (s, runs) => legacyFacts(version, ctx(s), runs),
    timerEvent(fields, system, at) {
      const { type, ...rest } = fields;
      const parsed =
        type === 'DEADLINE_REMINDER' ? systemFieldSchemas.DEADLINE_REMINDER.parse(rest) : systemFieldSchemas.DEADLINE_BREACHED.parse(rest);
      return { type, ...parsed, actor: system, at };
    },
    viewOf(s) {
      const c = ctx(s);
      return {
        assignee: c.assignee,
        leader: c.leader,
        mediation: c.mediation,
        extension: c.extension,
        escalation: c.escalation,
        listed: c.listed,
        reviewStage: c.reviewStage,
        resolution: c.resolution,
        delivery: c.delivery,
        satisfaction: satisfactionView(c.satisfaction),
        rejection: c.rejection,
        mergedInto: c.mergedInto,
        closure: c.closure,
      };
    },
    recipientsOf(s) {
      // The handler, the supervisors of the case's unit and of the assigned unit, and the leader in charge.
      const c = ctx(s);
      const out: Recipient[] = [];
      if (c.assignee?.handler != null) out.push({ role: 'handler', id: c.assignee.handler });
      out.push({ role: 'supervisor', unit: c.unit });
      if (c.assignee !== null && c.assignee.unit !== c.unit) out.push({ role: 'supervisor', unit: c.assignee.unit });
      if (c.leader !== null) out.push({ role: 'leader', id: c.leader });
      return out;
    },
    notifies: (_s, type) => type === 'DEADLINE_REMINDER' || type === 'DEADLINE_BREACHED',
  };
}

/** Whether `role` sends `type` in some state of one of `tables`. */
export function sendsInAny(tables: readonly PermissionTable[]): (type: EventType, role: Actor['role']) => boolean {
  const senders = new Set(
    tables.flatMap((table) =>
      (Object.keys(table) as EventType[]).flatMap((type) =>
        ROLES.filter((role) => roleSendsIn(table, type, role)).map((role) => `${type} ${role}`),
      ),
    ),
  );
  return (type, role) => senders.has(`${type} ${role}`);
}
