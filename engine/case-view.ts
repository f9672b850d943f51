import type { CaseRecord } from '../db/case.repository';
import type { DeadlineRecord, DeadlineStatus } from '../db/deadline.repository';
import type { CaseSnapshot, CaseUnit, MachineAdapter } from '../machines/machine-adapter';
import type { Intake } from '../machines/petition.schemas';
import { adapterFor, type StoredSnapshot } from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import type { Relation } from '../machines/versions/v3/v3.vocabulary';
import { intakeFor } from './access';
import type { UnitDirectory } from './unit-directory';

/** A deadline as callers see it. */
export interface DeadlineView {
  readonly clock: string;
  readonly generation: number;
  readonly startedAt: string;
  readonly dueAt: string;
  /** The last day of the period (Beijing time): the day before `dueAt`, which is the start of the day after it. */
  readonly lastDay: string;
  readonly status: DeadlineStatus;
  readonly reminders: readonly string[];
  /** The same reminders (the name the public description uses). */
  readonly remindersAt: readonly string[];
  readonly extendedBy: string | null;
}

/** A unit the case passed through, named, with how it came to the case. */
export interface CaseUnitView extends CaseUnit {
  readonly name: string | null;
}

/**
 * The petition view: what `GET /petitions/:id` and every command answer with.
 * The fields below are every version's; each version adds its own (v1/v2:
 * escalation, listing, resolution …; v3: class, flags, supervision, answers
 * …), from its registry adapter.
 */
export interface PetitionView {
  readonly id: string;
  /** The readable case number (from machine version 3, once numbering is configured); null otherwise. */
  readonly number: string | null;
  readonly state: string;
  readonly closure: string | null;
  readonly version: number;
  readonly machineVersion: number;
  readonly unit: string;
  /** Every unit the case passed through, with names and how. */
  readonly units: readonly CaseUnitView[];
  readonly channel: string;
  readonly petitioner: Intake['petitioner'];
  readonly representatives: NonNullable<Intake['representatives']>;
  readonly matter: Omit<Intake['matter'], 'accusation'> & { readonly accusation?: boolean | undefined };
  readonly deadlines: readonly DeadlineView[];
  /** The viewer's unit's relations to the case (machine version 3; none before). */
  readonly relations: readonly Relation[];
  /** Open incidents of this case's background jobs (only on single-case reads). */
  readonly incidents?: readonly { readonly id: string; readonly clock: string | null; readonly error: string; readonly createdAt: string }[];
  readonly allowedEvents: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}

const CHINA_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

/** A deadline row as a view. */
export function toDeadlineView(d: DeadlineRecord): DeadlineView {
  const reminders = d.reminders.map((t) => t.toISOString());
  return {
    clock: d.clock,
    generation: d.generation,
    startedAt: d.startedAt.toISOString(),
    dueAt: d.dueAt.toISOString(),
    lastDay: CHINA_DATE.format(new Date(d.dueAt.getTime() - 1)),
    status: d.status,
    reminders,
    remindersAt: reminders,
    extendedBy: d.extendedBy,
  };
}

/** What a view needs besides the row: the unit tree (names, relations); the live snapshot if the caller has it. */
export interface ViewInputs {
  readonly units: UnitDirectory;
  readonly live?: CaseSnapshot | undefined;
}

/** Builds the view a viewer may see: identifiers masked, the events the viewer (role and relations) may send now. */
export function toPetitionView(rec: CaseRecord, deadlines: readonly DeadlineRecord[], viewer: Actor, now: Date, inputs: ViewInputs): PetitionView {
  const adapter: MachineAdapter = adapterFor(rec.machineVersion);
  // The engine hands over the snapshot it just computed; restoring it again would cost as much as the transition.
  const snapshot = inputs.live ?? adapter.restore(rec.snapshot as StoredSnapshot);
  const facts = adapter.intakeFacts(snapshot);
  const intake = intakeFor(facts.intake as unknown as Intake, viewer, facts);
  const nameOf = (unit: string) => inputs.units.nameOf(unit) ?? null;
  const relations = adapter.relationsOf(snapshot, viewer.unit, inputs.units);
  return {
    ...adapter.viewOf(snapshot, nameOf),
    id: rec.id,
    number: null,
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
    deadlines: deadlines.map(toDeadlineView),
    relations,
    allowedEvents: adapter.allowedEvents(snapshot, { actor: viewer, relations }, now.toISOString()),
    createdAt: rec.createdAt.toISOString(),
    updatedAt: rec.updatedAt.toISOString(),
  };
}
