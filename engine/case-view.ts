import type { CaseRecord } from '../db/case.repository';
import type { z } from 'zod';
import type { DeadlineRecord } from '../db/deadline.repository';
import type { CaseSnapshot, MachineAdapter, SnapshotState } from '../machines/machine-adapter';
import type { Intake } from '../machines/petition.schemas';
import type { ClockName } from '../machines/petition.vocabulary';
import { adapterFor } from '../machines/petition.registry';
import { caseStateOf, type CaseState } from './case-snapshot';
import type { Actor } from '../machines/petition.roles';
import type { Relation } from '../machines/versions/v3/v3.vocabulary';
import { caseWithUnitNow, intakeFor } from './access';
import type { deadlineViewSchema, petitionViewSchema } from './case-view.schema';
import type { UnitDirectory } from './unit-directory';
import type { CalendarKind, Policy } from '../config/policy.schema';
import { urgencyPolicyOf } from '../config/default-policy';
import { beijingDate, deadlineUrgency } from './deadline-urgency';
import type { WorkingCalendar } from './working-calendar';

/** A deadline as callers see it; the type is the schema's, so the two cannot drift. */
export type DeadlineView = z.output<typeof deadlineViewSchema>;

/**
 * The petition view, typed from its zod schema (engine/case-view.schema.ts),
 * which the API description is built from: the fields every version has (id,
 * number, units with names, the viewer's relations, deadlines, allowed events
 * …) and those of the case's version (v1/v2: escalation, listing, resolution
 * …; v3: class, flags, the handling body, supervision, answers …), which its
 * registry adapter gives.
 */
export type PetitionView = z.output<typeof petitionViewSchema>;

/** What a view needs to say how urgent each deadline is: the engine's calendar and policy, and the time of the read. */
export interface UrgencyInputs {
  readonly calendar: WorkingCalendar;
  readonly policy: Pick<Policy, 'urgency'>;
}

/** A deadline row as a view; with the calendar and policy, its remaining days and colour at `now`. */
export function toDeadlineView(d: DeadlineRecord, now?: Date, urgency?: UrgencyInputs): DeadlineView {
  const reminders = d.reminders.map((t) => t.toISOString());
  const lastDay = beijingDate(d.dueAt.getTime() - 1);
  // The row keeps the calendar its clock was started on (a later policy may count differently).
  const kind = d.calendar as CalendarKind;
  const left =
    urgency === undefined || now === undefined
      ? { remainingDays: null, remainingBasis: null, level: null }
      : deadlineUrgency({ ...d, lastDay }, kind, now, { calendar: urgency.calendar, urgency: urgencyPolicyOf(urgency.policy) });
  return {
    // The database only holds the policy's clock names (deadline rows are written from the machine's clocks).
    clock: d.clock as ClockName,
    generation: d.generation,
    startedAt: d.startedAt.toISOString(),
    dueAt: d.dueAt.toISOString(),
    lastDay,
    status: d.status,
    reminders,
    remindersAt: reminders,
    extendedBy: d.extendedBy,
    ...left,
  };
}

/** What a view needs besides the row: the unit tree (names, relations); the live snapshot if the caller has it. */
export interface ViewInputs {
  readonly units: UnitDirectory;
  /** The calendar and policy, for each deadline's remaining days and colour (null fields without). */
  readonly urgency?: UrgencyInputs | undefined;
  readonly live?: CaseSnapshot | undefined;
}

/** Whether the viewer's unit may send anything: always under relations (v3), else when the case is with it now. */
function withViewer(adapter: MachineAdapter, snapshot: SnapshotState, viewer: Actor): boolean {
  return (
    adapter.usesRelations ||
    caseWithUnitNow(
      adapter.caseUnits(snapshot).map((u) => u.unit),
      viewer.unit,
    )
  );
}

/**
 * The events a viewer (role and relations) may send a case now: the machine's permission tables, asked through
 * its adapter. A case that takes no commands allows none, and the machine is not restored to say so.
 */
function allowedEventsOf(adapter: MachineAdapter, c: CaseState, viewer: Actor, relations: readonly Relation[], now: Date): string[] {
  // v1/v2: a unit the case only passed through reads it and sends nothing (v3's relations decide that).
  if (!adapter.isOpen(c.state) || !withViewer(adapter, c.state, viewer)) return [];
  return [...adapter.allowedEvents(c.machine(), { actor: viewer, relations }, now.toISOString())];
}

/** The events `viewer` may send a stored case now, without building its view (the to-do list asks this of many cases). */
export function allowedEventsFor(rec: CaseRecord, viewer: Actor, now: Date, units: UnitDirectory): string[] {
  const adapter = adapterFor(rec.machineVersion);
  const c = caseStateOf(adapter, rec);
  return allowedEventsOf(adapter, c, viewer, adapter.relationsOf(c.state, viewer.unit, units), now);
}

/**
 * A view field worked out on first read, and kept. Asking the machine what
 * each command would do (`allowedEvents`) costs about as much as a transition,
 * and each deadline's urgency a walk of the working calendar; callers that only
 * send a command (workers, the CLI, benchmarks) never read them. Their inputs
 * are the view's own and do not change, so a response, a stored idempotent
 * answer or a spread reads the same value as an eager field would hold.
 */
function once<T>(compute: () => T): () => T {
  let value: { readonly v: T } | undefined;
  return () => (value ??= { v: compute() }).v;
}

/** Builds the view a viewer may see: identifiers masked, the events the viewer (role and relations) may send now. */
export function toPetitionView(
  rec: CaseRecord,
  deadlines: readonly DeadlineRecord[],
  viewer: Actor,
  now: Date,
  inputs: ViewInputs,
): PetitionView {
  const adapter: MachineAdapter = adapterFor(rec.machineVersion);
  // The engine hands over the snapshot it just computed. Otherwise the view reads the row's state, and the machine
  // is restored only for the events an open case's viewer may send.
  const c = caseStateOf(adapter, rec, inputs.live);
  const snapshot = c.state;
  const facts = adapter.intakeFacts(snapshot);
  const intake = intakeFor(facts.intake as unknown as Intake, viewer, facts);
  const nameOf = (unit: string) => inputs.units.nameOf(unit) ?? null;
  const relations = adapter.relationsOf(snapshot, viewer.unit, inputs.units);
  const deadlineViews = once(() => deadlines.map((d) => toDeadlineView(d, now, inputs.urgency)));
  const allowedEvents = once(() => allowedEventsOf(adapter, c, viewer, relations, now));
  // The adapter gives its version's own fields; the response schema (and the tests checking every answer against it) hold the shape.
  const common = {
    id: rec.id,
    number: rec.number,
    state: adapter.stateName(snapshot),
    closure: adapter.closure(snapshot),
    version: rec.version,
    machineVersion: rec.machineVersion,
    unit: rec.unit,
    units: adapter.caseUnits(snapshot).map((u) => ({ ...u, name: nameOf(u.unit) })),
    channel: rec.channel,
    petitioner: intake.petitioner,
    representatives: intake.representatives ?? [],
    matter: intake.matter,
    // The two dearest fields are worked out on first read (see `once`).
    get deadlines(): DeadlineView[] {
      return deadlineViews();
    },
    relations,
    get allowedEvents(): string[] {
      return allowedEvents();
    },
    createdAt: rec.createdAt.toISOString(),
    updatedAt: rec.updatedAt.toISOString(),
  };
  // The version's fields are copied onto the common ones, not spread ahead of them: a literal that opens with a
  // spread and goes on to a score of fields is built as a hash table resized as it grows (13 KB a view, measured,
  // against 3 KB this way), and a list page builds a hundred views. Both sides give `closure`, from the same context.
  return Object.assign(common, adapter.viewOf(snapshot, nameOf)) as PetitionView;
}
