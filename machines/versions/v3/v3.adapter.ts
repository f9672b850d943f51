/**
 * Machine version 3 as a registry adapter: the pure machine of this folder
 * behind the interface the engine uses for every version. Every v3 event
 * carries the sender's relations to the case, so they are recorded in the
 * trail with it and replay reuses them, whatever the unit tree says later.
 */
import type {
  CaseEvent,
  CaseSnapshot,
  CaseUnit,
  CommandClaims,
  MachineAdapter,
  Recipient,
  SnapshotState,
  StoredSnapshot,
} from '../../machine-adapter';
import { allowedEventsV3, maySendV3 } from './v3.access';
import { isSupervised, type V3Context, type V3Event } from './v3.context';
import { MACHINE_VERSION_3, petitionMachineV3, startCaseV3, stateNameV3, stepV3, type V3Snapshot } from './v3.machine';
import { v3Facts } from './v3.facts';
import { relationsOfV3 } from './v3.relations';
import { v3CommandSchema, v3FilingSchema, v3IntakeSchema, v3SystemFieldSchemas, type V3Command, type V3Intake } from './v3.schemas';

const v3 = (s: CaseSnapshot) => s as unknown as V3Snapshot;
/** A v3 state without its machine: what the readings of a case need (its value and context). */
const state = (s: SnapshotState) => s as unknown as Pick<V3Snapshot, 'value' | 'context'>;
const ctx = (s: SnapshotState): V3Context => state(s).context;
const asEvent = (e: CaseEvent) => e as unknown as V3Event;

/** What a v3 command asks of the engine's rules: the unit it sends to, cases it names, durations, a pause. */
function claimsOfV3(c: V3Context, e: CaseEvent): CommandClaims {
  const ev = asEvent(e);
  // Arts 30, 46: an accusation never goes to the unit it accuses.
  const neverTo = c.class === 'accusation' ? (c.intake.matter.accusedUnit ?? null) : null;
  switch (ev.type) {
    case 'TRANSFER':
      return { sendsTo: { field: 'toUnit', unit: ev.toUnit, neverTo } };
    case 'ASSIGN':
      return { sendsTo: { field: 'toUnit', unit: ev.toUnit, neverTo }, deadline: { field: 'dueIn', duration: ev.dueIn, clock: 'report' } };
    case 'REASSIGN':
      return { sendsTo: { field: 'toUnit', unit: ev.toUnit, neverTo } };
    case 'MERGE':
      return { namesCase: { field: 'intoCaseId', caseId: ev.intoCaseId, open: true } };
    case 'REJECT':
      return ev.relatedCaseId === undefined ? {} : { namesCase: { field: 'relatedCaseId', caseId: ev.relatedCaseId, open: false } };
    case 'REQUEST_EXTENSION':
      return { extension: { field: 'duration', duration: ev.duration, clock: 'handling' } };
    case 'SUPERVISE':
      return ev.dueIn === undefined ? {} : { deadline: { field: 'dueIn', duration: ev.dueIn, clock: 'supervision' } };
    case 'PAUSE_CLOCK':
      return { pause: { clock: ev.clock, reason: ev.reason } };
    default:
      return {};
  }
}

/** The units a v3 case passed through, each with the first way it came to the case. */
function caseUnitsOfV3(c: V3Context): CaseUnit[] {
  const relationOf = (unit: string): CaseUnit['relation'] => {
    if (unit === c.units.registeredBy) return 'registered';
    if (unit === c.units.review) return 'review';
    if (c.units.senders.includes(unit)) return 'sender';
    return 'body';
  };
  return c.units.passed.map((unit) => ({ unit, relation: relationOf(unit) }));
}

/** The fields of a v3 case's view: the handling body named, supervision beside the lifecycle, every act recorded. */
function viewOfV3(c: V3Context, nameOf: (unit: string) => string | null): Record<string, unknown> {
  const named = (unit: string | null) => (unit === null ? null : { unit, name: nameOf(unit) });
  return {
    class: c.class,
    flags: c.flags,
    receivedBy: c.intake.receivedBy,
    registeredAtBureau: c.registeredAtBureau,
    assignee: named(c.units.body),
    review: named(c.units.review),
    leader: c.leader?.leader ?? null,
    supervision: c.supervision === null ? null : { ...c.supervision, active: isSupervised(c) },
    listed: isSupervised(c),
    assignment: c.assignment,
    report: c.report,
    moves: c.moves,
    notice: c.notice,
    objections: c.objections,
    infoRequests: c.infoRequests,
    routing: c.routing,
    referral: c.referral,
    rejection: c.rejection,
    mergedInto: c.mergedInto,
    withdrawal: c.withdrawal,
    mediation: c.mediation,
    hearings: c.hearings,
    extension: c.extension,
    reviewStage: c.reviewStage,
    resolution: c.resolutions.at(-1) ?? null,
    resolutions: c.resolutions,
    deliveries: c.deliveries,
    satisfaction: c.satisfaction,
    instructions: c.instructions,
    conference: c.conference,
    pauses: c.pauses,
    closure: c.closure,
    closedAt: c.closedAt,
  };
}

/**
 * Who hears of a v3 event. A major or urgent intake (Art 25): the registering
 * unit's supervisors and the level above. A reminder or breach: the
 * supervisors of the bureaus that sent the case and of the handling body, and
 * the leader in charge (包案, Art 18) of every breach; a breach of the
 * supervision deadline is also told to the unit above the supervising one.
 */
function recipientsOfV3(
  c: V3Context,
  event: { type: string; fields: Record<string, unknown> },
  above: (unit: string) => string | null,
): Recipient[] {
  const supervisorsOf = (unit: string | null): Recipient[] => (unit === null ? [] : [{ role: 'supervisor', unit }]);
  if (event.type === 'INTAKE') return [...supervisorsOf(c.units.registeredBy), ...supervisorsOf(above(c.units.registeredBy))];
  const holders = [...new Set([...c.units.senders, c.units.body, c.units.review].filter((u): u is string => u !== null))];
  const out = holders.flatMap(supervisorsOf);
  if (event.type === 'DEADLINE_BREACHED' && event.fields.clock === 'supervision' && c.supervision !== null) {
    const up = above(c.supervision.unit);
    if (up !== null && !holders.includes(up)) out.push(...supervisorsOf(up));
  }
  if (c.leader !== null) out.push({ role: 'leader', id: c.leader.leader });
  return out;
}

/** The adapter of machine version 3. */
export const v3Adapter: MachineAdapter = {
  version: MACHINE_VERSION_3,
  intakeSchema: v3IntakeSchema,
  commandSchema: v3CommandSchema,
  filingSchema: v3FilingSchema,
  usesRelations: true,
  start: (input) =>
    startCaseV3({
      id: input.id,
      intake: input.intake as V3Intake,
      at: input.at,
      registeredAtBureau: input.registeredAtBureau,
      ...(input.personFlags !== undefined && { personFlags: input.personFlags }),
    }),
  // Whether the registering unit was a bureau decides the first clock; it is recorded, as the tree may change later.
  intakeTrailFields: (input) => ({ ...(input.intake as Record<string, unknown>), registeredAtBureau: input.registeredAtBureau }),
  startOfTrail(id, fields, at) {
    const { registeredAtBureau, ...intake } = fields;
    return { id, intake, at, registeredAtBureau: registeredAtBureau === true };
  },
  step: (s, e) => stepV3(v3(s), asEvent(e)),
  accepts: (s, e) => v3(s).can(asEvent(e)),
  startContext: (start) => ({ id: start.id, intake: start.intake, registeredAt: start.at }),
  startKeys: ['id', 'intake', 'registeredAt'],
  restore: (stored) => petitionMachineV3.resolveState({ value: stored.value as never, context: stored.context as V3Context }),
  // `closed` is no XState final state (reports and 销号 still arrive), so a v3 snapshot stays active.
  toStored: (s): StoredSnapshot => ({ value: v3(s).value, context: ctx(s), status: s.status === 'done' ? 'done' : 'active' }),
  stateName: (s) => stateNameV3(state(s)),
  closure: (s) => ctx(s).closure,
  isOpen: (s) => s.status === 'active',
  eventOf: (command, sender, at) => ({ ...command, actor: sender.actor, relations: sender.relations, at }),
  verdict: (s, e, sender) => maySendV3(v3(s), sender, e as unknown as V3Command, e.at),
  allowedEvents: (s, sender, at) => allowedEventsV3(v3(s), sender.actor, sender.relations, at),
  relationsOf: (s, actorUnit, tree) => relationsOfV3(ctx(s), stateNameV3(state(s)), actorUnit, tree),
  clocks: (s) => ctx(s).clocks,
  caseUnits: (s) => caseUnitsOfV3(ctx(s)),
  caseRow: (s) => {
    const c = s.context as V3Context;
    return { assigneeUnit: c.units.body, listed: isSupervised(c) };
  },
  intakeFacts(s) {
    const c = ctx(s);
    return {
      intake: c.intake,
      accusedUnit: c.class === 'accusation' ? (c.intake.matter.accusedUnit ?? null) : null,
      handlingUnit: c.units.body,
    };
  },
  claimsOf: (s, e) => claimsOfV3(ctx(s), e),
  timerEvent(fields, system, at) {
    const { type, ...rest } = fields;
    const parsed =
      type === 'DEADLINE_REMINDER'
        ? v3SystemFieldSchemas.DEADLINE_REMINDER.parse(rest)
        : v3SystemFieldSchemas.DEADLINE_BREACHED.parse(rest);
    return { type, ...parsed, actor: system, relations: [], at };
  },
  viewOf: (s, nameOf) => viewOfV3(ctx(s), nameOf),
  recipientsOf: (s, event, above) => recipientsOfV3(ctx(s), event, above),
  // Art 25: a major or urgent matter is reported up the line at once; breaches and reminders are told as ever.
  notifies: (s, type) =>
    type === 'DEADLINE_REMINDER' || type === 'DEADLINE_BREACHED' || (type === 'INTAKE' && ctx(s).flags.majorUrgent === true),
  facts: (s, runs) => v3Facts(ctx(s), runs),
};
