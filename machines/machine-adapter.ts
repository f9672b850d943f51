/**
 * What the engine needs of one machine version, as one object: the registry
 * (petition.registry.ts) keeps one adapter per released version, and the
 * engine asks the case's adapter for everything version-specific, so no
 * engine code branches on a version number. Pure: adapters wrap the machines.
 */
import type { z } from 'zod';
import type { CaseFacts, ClockRun } from './case-facts';
import type { ClockEntry } from './petition.clocks';
import type { Actor } from './petition.roles';
import type { UnitTreeView } from './versions/v3/v3.relations';
import type { PersonFlag, Relation } from './versions/v3/v3.vocabulary';

/**
 * What a case's snapshot says without its machine: the state value, the context and the status. A stored
 * snapshot with its start put back (engine/case-snapshot.ts `stateOfRow`) is one, and so is every machine
 * snapshot. The adapter's readings of a case (its state name, units, view, intake facts, relations) take this:
 * a read builds views from the row without restoring the machine, which a list page would do a hundred times.
 */
export interface SnapshotState {
  readonly value: unknown;
  readonly status: string;
  readonly context: unknown;
}

/**
 * A machine snapshot of any version, opaque to the engine: only its own adapter reads inside it. Asking the
 * machine (what it accepts, the next snapshot) needs one; its `machine` tells it from a {@link SnapshotState}.
 */
export interface CaseSnapshot extends SnapshotState {
  readonly machine: unknown;
}

/** An event of any version: its type, fields and envelope (who, with which relations, when). */
export interface CaseEvent {
  readonly type: string;
  readonly actor: Actor;
  readonly at: string;
  readonly [field: string]: unknown;
}

/** A command as parsed from a request: the type and its fields, no envelope. */
export interface CaseCommand {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** What is stored of a snapshot: the state value, the context and the status. */
export interface StoredSnapshot {
  readonly value: unknown;
  readonly context: unknown;
  readonly status: 'active' | 'done';
}

/** Who sends an event: the actor and its unit's relations to the case (empty for versions without relations). */
export interface Sender {
  readonly actor: Actor;
  readonly relations: readonly Relation[];
}

/** The answer to "may this sender send this event now": 403 for a role that never sends it, 422 for not now. */
export type Verdict = 'ok' | 'FORBIDDEN' | 'EVENT_NOT_ALLOWED';

/**
 * What registration found in the petitioner's file (一人一档), not what the
 * clerk typed: 初信初访 (no earlier matter) and 重复信访 (an earlier matter on
 * a similar request). The engine computes them; a version counts them or not.
 */
export type PersonFlags = Readonly<Record<PersonFlag, boolean>>;

/** The intake as a case starts from it; `registeredAtBureau` says whether the registering unit is a petition bureau. */
export interface CaseStart {
  readonly id: string;
  readonly intake: unknown;
  readonly at: string;
  readonly registeredAtBureau: boolean;
  /** The registration's flags, when people are indexed (recorded in the intake entry beside the petition). */
  readonly personFlags?: PersonFlags;
}

/** A unit a case passed through, and how (the view lists them with names). */
export interface CaseUnit {
  readonly unit: string;
  readonly relation: 'registered' | 'sender' | 'body' | 'review';
}

/** The columns of a case row that follow from its snapshot (reads filter and scope on them). */
export interface CaseRowFields {
  readonly assigneeUnit: string | null;
  readonly listed: boolean;
}

/** The intake parts masking needs: who petitions, what about, and whether (and whom) it accuses. */
export interface IntakeFacts {
  readonly intake: { readonly petitioner: unknown; readonly matter: unknown; readonly representatives?: unknown };
  readonly accusedUnit: string | null;
  /** The unit handling the matter now (its handlers and mediators reach the petitioner), if any. */
  readonly handlingUnit: string | null;
}

/**
 * What a command asks of rules that need more than the machine: units it
 * sends the case to, other cases it names, durations bounded by policy, a
 * clock pause. Each adapter reads its own commands into these; the engine
 * checks them (engine/command-rules.ts) the same way for every version.
 */
export interface CommandClaims {
  /**
   * A unit the case is sent to (转送, 交办, 改派), the field naming it, and the
   * unit it must never reach (an accusation's accused unit, Arts 30, 46).
   */
  readonly sendsTo?: { readonly field: string; readonly unit: string; readonly neverTo?: string | null };
  /** Another case named by the command; `open`: it must still be in progress. */
  readonly namesCase?: { readonly field: string; readonly caseId: string; readonly open: boolean };
  /** An extension of the handling clock asked for (bounded by the policy's `maxExtension`). */
  readonly extension?: { readonly field: string; readonly duration: string; readonly clock: string };
  /** A length the sender gives a clock (bounded by the clock's `maxDuration`). */
  readonly deadline?: { readonly field: string; readonly duration: string; readonly clock: string };
  /** A clock paused for a reason (the policy's `pausableFor` decides; a version whose pauses take free text claims none). */
  readonly pause?: { readonly clock: string; readonly reason: string | undefined };
}

/** The fields of a deadline event the workers send. */
export type TimerFields =
  | { readonly type: 'DEADLINE_REMINDER'; readonly clock: string; readonly generation: number; readonly reminder: string }
  | { readonly type: 'DEADLINE_BREACHED'; readonly clock: string; readonly generation: number; readonly onBreach: string };

/** Who should hear about an event: by role and user id or unit, never by name or phone. */
export interface Recipient {
  readonly role: 'handler' | 'supervisor' | 'leader';
  /** The handler's or leader's user id, when the case names one. */
  readonly id?: string;
  /** The unit whose people of that role are meant. */
  readonly unit?: string;
}

/** One released machine version, as the engine uses it. */
export interface MachineAdapter {
  readonly version: number;
  /** The intake body of this version (POST /petitions). */
  readonly intakeSchema: z.ZodType;
  /** A command body of this version: a discriminated union on `type`. */
  readonly commandSchema: z.ZodType;
  /**
   * Events recorded through routes of their own, never as commands (an attachment's digest); null for a
   * version that records none (its cases take no attachments).
   */
  readonly filingSchema: z.ZodType | null;
  /** Whether an actor's relations to the case decide what it may send (they are computed and recorded). */
  readonly usesRelations: boolean;
  start(input: CaseStart): CaseSnapshot;
  /** What the first trail entry records of a start: the intake, and what else the start needs to replay. */
  intakeTrailFields(input: CaseStart): Record<string, unknown>;
  /** The start a first trail entry records (the inverse of {@link intakeTrailFields}). */
  startOfTrail(caseId: string, fields: Record<string, unknown>, at: string): CaseStart;
  step(snapshot: CaseSnapshot, event: CaseEvent): CaseSnapshot;
  /** Whether the machine takes the event now (replay and timers ask this). */
  accepts(snapshot: CaseSnapshot, event: CaseEvent): boolean;
  restore(stored: StoredSnapshot): CaseSnapshot;
  toStored(snapshot: CaseSnapshot): StoredSnapshot;
  /**
   * The context a case's start fixes for good: its id, the intake and the time it was taken in (no event changes
   * them). The first trail entry holds them, so the case row's stored snapshot leaves them out (machines/stored-form.ts).
   */
  startContext(start: CaseStart): Record<string, unknown>;
  /** The context keys {@link startContext} gives. */
  readonly startKeys: readonly string[];
  stateName(snapshot: SnapshotState): string;
  /** How a closed case ended (null while open). */
  closure(snapshot: SnapshotState): string | null;
  /** Whether the case still takes commands at all (none are allowed when it does not). */
  isOpen(snapshot: SnapshotState): boolean;
  /** The event a command becomes with its envelope (a version without relations records none). */
  eventOf(command: CaseCommand, sender: Sender, at: string): CaseEvent;
  verdict(snapshot: CaseSnapshot, event: CaseEvent, sender: Sender): Verdict;
  allowedEvents(snapshot: CaseSnapshot, sender: Sender, at: string): string[];
  /** The actor's unit's relations to the case (none for versions without relations). */
  relationsOf(snapshot: SnapshotState, actorUnit: string, tree: UnitTreeView): Relation[];
  /** The clocks of the snapshot, as deadline rows follow them. */
  clocks(snapshot: CaseSnapshot): Readonly<Record<string, ClockEntry | undefined>>;
  /** Every unit the case passed through, with how. */
  caseUnits(snapshot: SnapshotState): CaseUnit[];
  /**
   * The case row's columns that follow from the snapshot. They follow from its context alone, so a stored snapshot
   * serves as well: verification checks a row's columns without restoring the machine.
   */
  caseRow(snapshot: Pick<CaseSnapshot, 'context'>): CaseRowFields;
  intakeFacts(snapshot: SnapshotState): IntakeFacts;
  claimsOf(snapshot: CaseSnapshot, event: CaseEvent): CommandClaims;
  /** A deadline event of the workers (no relations: the system acts for no unit). */
  timerEvent(fields: TimerFields, system: Actor, at: string): CaseEvent;
  /**
   * The version's own fields of the petition view (the handling body, the
   * leader, supervision, answers …), with unit names from `nameOf`.
   */
  viewOf(snapshot: SnapshotState, nameOf: (unit: string) => string | null): Record<string, unknown>;
  /**
   * Who hears of a notified event (a reminder, a breach, a major or urgent
   * intake); `above` names the unit above a unit, for what is reported up the line.
   */
  recipientsOf(
    snapshot: CaseSnapshot,
    event: { readonly type: string; readonly fields: Record<string, unknown> },
    above: (unit: string) => string | null,
  ): Recipient[];
  /** Whether a committed event must be told to people at once (a breach, a reminder, a major or urgent intake). */
  notifies(snapshot: CaseSnapshot, eventType: string): boolean;
  /** What the statistics count of the case, from the snapshot and its clock runs (the deadline rows' story). */
  facts(snapshot: CaseSnapshot, runs: readonly ClockRun[]): CaseFacts;
}
