import type { Actor } from '../../petition.roles';
import { startClock, type PauseRecord, type V3Clocks } from './v3.clocks';
import type { V3Command, V3EventType, V3FilingCommand, V3Flags, V3Intake, V3SystemCommand } from './v3.schemas';
import type {
  DecisionStage,
  ItemClass,
  PersonFlag,
  Relation,
  ResolveOutcome,
  SupervisionLevel,
  V3ClockName,
  V3Closure,
} from './v3.vocabulary';

/**
 * What every version 3 event carries besides its fields: who sent it, the
 * sender's unit's relations to the case (computed by the engine from the unit
 * tree and `context.units`), and when (time comes in events, never from the
 * machine).
 */
export interface V3Envelope {
  readonly actor: Actor;
  readonly relations: readonly Relation[];
  readonly at: string;
}
/** Every event the version 3 machine accepts after intake. */
export type V3Event = (V3Command | V3SystemCommand | V3FilingCommand) & V3Envelope;
/** The event of one type. */
export type V3EventOf<T extends V3EventType> = Extract<V3Event, { type: T }>;

/** The intake, which creates the case (Art 19); the engine says whether the registering unit is a bureau. */
export interface V3Input {
  readonly id: string;
  readonly intake: V3Intake;
  readonly at: string;
  /** Registered at a petition bureau (dispatch clock, Art 22) rather than at a body with authority (notice clock, Art 23). */
  readonly registeredAtBureau: boolean;
  /** 初信初访 / 重复信访 as registration read them from the petitioner's file (absent: people not indexed). */
  readonly personFlags?: Readonly<Record<PersonFlag, boolean>>;
}

/** The flags of a case: the clerk's (from the intake) and registration's, when it gave them. */
export type V3CaseFlags = V3Flags & Partial<Readonly<Record<PersonFlag, boolean>>>;

/** Who did something and when: kept with every act the views show. */
export interface Act {
  readonly by: string;
  readonly unit: string;
  readonly at: string;
}

/**
 * The units a case passed through: the engine derives relations and scope from
 * these. `senders`: the registering unit and every unit that transferred,
 * assigned or reassigned it; `body`: the handling body now (null while a
 * bureau holds it); `review`: the review body once a review is asked for.
 */
export interface V3Units {
  readonly registeredBy: string;
  readonly senders: readonly string[];
  readonly body: string | null;
  readonly review: string | null;
  /** Every unit the case passed through, in order of first arrival. */
  readonly passed: readonly string[];
}

/** One move of the case to a body: 转送, 交办 (with the report deadline) or 改派 by supervision. */
export interface V3Move extends Act {
  readonly kind: 'transfer' | 'assign' | 'reassign';
  readonly toUnit: string;
  readonly note: string | null;
}

/** How the current body got the case (Art 22): transferred, or assigned with a report deadline. */
export interface V3Assignment extends Act {
  readonly kind: 'transfer' | 'assign';
  readonly dueIn: string | null;
}

/** The closing report of an assigned case (办结报告, Art 22(3)). */
export interface V3Report {
  readonly status: 'pending' | 'submitted' | 'accepted' | 'returned' | 'cancelled';
  readonly text: string | null;
  readonly submitted: Act | null;
  readonly decided: (Act & { readonly note: string }) | null;
}

/** An objection (Art 23 ¶3) and the sending bureau's ruling on it. */
export interface V3Objection extends Act {
  readonly reason: string;
  readonly ruling: (Act & { readonly approved: boolean; readonly note: string }) | null;
}

/** An opinion (Art 32), a suggestion's answer (Art 29) or a mediation agreement (Art 33), at a stage. */
export interface V3Resolution extends Act {
  readonly outcome: ResolveOutcome | 'mediation-agreement';
  readonly opinion: string;
  readonly stage: DecisionStage;
}

/** 送达: how and when an answer reached the petitioner. */
export interface V3Delivery extends Act {
  readonly method: string;
  readonly proof: string | null;
  readonly stage: DecisionStage;
}

/** 督办 beside the lifecycle (Arts 38-40): never a state, never takes the pen from the handler. */
export interface V3Supervision extends Act {
  readonly level: SupervisionLevel;
  readonly reason: string;
  readonly source: 'supervisor' | 'breach';
  readonly dueIn: string | null;
  /** Clocks whose breach set or raised this supervision. */
  readonly breaches: readonly V3ClockName[];
  readonly struckOff: (Act & { readonly note: string }) | null;
}

/** Everything the machine knows of a version 3 case. Dates are ISO strings taken from events. */
export interface V3Context {
  readonly id: string;
  readonly intake: V3Intake;
  readonly class: ItemClass;
  readonly flags: V3CaseFlags;
  readonly registeredAt: string;
  readonly registeredAtBureau: boolean;
  readonly units: V3Units;
  readonly clocks: V3Clocks;
  readonly moves: readonly V3Move[];
  readonly assignment: V3Assignment | null;
  readonly report: V3Report | null;
  readonly infoRequests: readonly (Act & { readonly note: string; readonly answer: string | null; readonly answeredAt: string | null })[];
  readonly notice: (Act & { readonly method: string; readonly note: string | null }) | null;
  readonly objections: readonly V3Objection[];
  readonly routing: (Act & { readonly procedure: string; readonly reason: string }) | null;
  readonly referral: (Act & { readonly to: string; readonly reason: string }) | null;
  readonly rejection: (Act & { readonly ground: string; readonly reason: string; readonly relatedCaseId: string | null }) | null;
  readonly mergedInto: string | null;
  readonly withdrawal: (Act & { readonly reason: string }) | null;
  readonly mediation:
    | (Act & {
        readonly level: string;
        readonly mediator: string | null;
        readonly sessions: number;
        readonly outcome: 'agreed' | 'failed' | null;
      })
    | null;
  readonly hearings: readonly (Act & {
    readonly hearingAt: string;
    readonly stage: DecisionStage;
    readonly summary: string | null;
    readonly recordedAt: string | null;
  })[];
  readonly extension:
    | (Act & {
        readonly status: 'requested' | 'approved' | 'denied';
        readonly duration: string;
        readonly reason: string;
        readonly decided: (Act & { readonly note: string }) | null;
      })
    | null;
  /** The stage of the decision being made or last made: first opinion, 复查 or 复核. */
  readonly reviewStage: DecisionStage;
  /** Every answer, in order; the last one is the answer that stands. */
  readonly resolutions: readonly V3Resolution[];
  readonly deliveries: readonly V3Delivery[];
  readonly satisfaction: (Act & { readonly body: string; readonly bureau: string }) | 'unrated' | null;
  readonly supervision: V3Supervision | null;
  readonly leader: (Act & { readonly leader: string }) | null;
  readonly instructions: readonly (Act & { readonly text: string })[];
  readonly conference: (Act & { readonly name: string; readonly departments: readonly string[] }) | null;
  readonly pauses: readonly PauseRecord[];
  readonly closure: V3Closure | null;
  readonly closedAt: string | null;
}

/** The first context of a case: the registering unit holds it; a body that registers it is also its handling body. */
export function initialContext(input: V3Input): V3Context {
  const unit = input.intake.unit;
  return {
    id: input.id,
    intake: input.intake,
    class: input.intake.class,
    // Without registration's flags the context is the one earlier cases were recorded with (their replay is unchanged).
    flags: input.personFlags === undefined ? input.intake.flags : { ...input.intake.flags, ...input.personFlags },
    registeredAt: input.at,
    registeredAtBureau: input.registeredAtBureau,
    units: { registeredBy: unit, senders: [unit], body: input.registeredAtBureau ? null : unit, review: null, passed: [unit] },
    clocks: startClock({}, intakeClock(input)),
    moves: [],
    assignment: null,
    report: null,
    infoRequests: [],
    notice: null,
    objections: [],
    routing: null,
    referral: null,
    rejection: null,
    mergedInto: null,
    withdrawal: null,
    mediation: null,
    hearings: [],
    extension: null,
    reviewStage: 'first',
    resolutions: [],
    deliveries: [],
    satisfaction: null,
    supervision: null,
    leader: null,
    instructions: [],
    conference: null,
    pauses: [],
    closure: null,
    closedAt: null,
  };
}

/** The clock that starts when a unit holds a newly registered (or returned) matter: dispatch at a bureau, notice at a body. */
export function intakeClock(context: Pick<V3Context, 'registeredAtBureau'>): 'dispatch' | 'notice' {
  return context.registeredAtBureau ? 'dispatch' : 'notice';
}

/** The answer that stands (the last one), if any. */
export function latestResolution(context: V3Context): V3Resolution | null {
  return context.resolutions.at(-1) ?? null;
}

/** Whether the case is under supervision now (set and not struck off). */
export function isSupervised(context: V3Context): boolean {
  return context.supervision !== null && context.supervision.struckOff === null;
}

/**
 * The unit whose next-higher body takes a review request now (Arts 35-36): the
 * handling body before 复查, the review body before 复核, none after. The
 * engine gives the relation `review` in `delivered` to that unit's review body.
 */
export function reviewedUnit(context: V3Context): string | null {
  if (context.reviewStage === 'first') return context.units.body;
  if (context.reviewStage === 'review') return context.units.review;
  return null;
}
