import type { CaseRecord } from '../db/case.repository';
import type { DeadlineRecord, DeadlineStatus } from '../db/deadline.repository';
import type { PetitionContext } from '../machines/petition.machine';
import { allowedEvents } from '../machines/event-permission';
import { restore, stateName, type PetitionSnapshot, type StoredSnapshot } from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import type { CommandType } from '../machines/petition.schemas';
import { intakeFor } from './access';

/** A deadline as callers see it. */
export interface DeadlineView {
  readonly clock: string;
  readonly generation: number;
  readonly startedAt: string;
  readonly dueAt: string;
  readonly status: DeadlineStatus;
  readonly reminders: readonly string[];
  readonly extendedBy: string | null;
}

/** The petition view of CONTRACT.md. */
export interface PetitionView {
  readonly id: string;
  /** The readable number (`扶信〔2026〕123号`); null for cases recorded before numbering. */
  readonly number: string | null;
  readonly state: string;
  readonly version: number;
  readonly machineVersion: number;
  readonly unit: string;
  readonly channel: string;
  readonly petitioner: PetitionContext['intake']['petitioner'];
  readonly representatives: NonNullable<PetitionContext['intake']['representatives']>;
  readonly matter: PetitionContext['intake']['matter'];
  readonly assignee: PetitionContext['assignee'];
  readonly leader: string | null;
  readonly mediation: PetitionContext['mediation'];
  readonly extension: PetitionContext['extension'];
  readonly escalation: PetitionContext['escalation'];
  readonly listed: boolean;
  readonly reviewStage: number;
  readonly resolution: PetitionContext['resolution'];
  readonly delivery: PetitionContext['delivery'];
  readonly satisfaction: PetitionContext['satisfaction'];
  readonly rejection: PetitionContext['rejection'];
  readonly mergedInto: string | null;
  readonly closure: PetitionContext['closure'];
  readonly deadlines: readonly DeadlineView[];
  /** Open incidents of this case's background jobs (only on single-case reads). */
  readonly incidents?: readonly { readonly id: string; readonly clock: string | null; readonly error: string; readonly createdAt: string }[];
  readonly allowedEvents: readonly CommandType[];
  /** Only in the intake answer: the system's proposal (初信初访, 重复信访), as recorded in the intake entry. */
  readonly flags?: { readonly first: boolean; readonly repeat: boolean };
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A deadline row as a view. */
export function toDeadlineView(d: DeadlineRecord): DeadlineView {
  return {
    clock: d.clock,
    generation: d.generation,
    startedAt: d.startedAt.toISOString(),
    dueAt: d.dueAt.toISOString(),
    status: d.status,
    reminders: d.reminders.map((t) => t.toISOString()),
    extendedBy: d.extendedBy,
  };
}

/** Builds the view a viewer may see: identifiers masked by role, the events their role may send now. */
export function toPetitionView(
  rec: CaseRecord,
  deadlines: readonly DeadlineRecord[],
  viewer: Actor,
  now: Date,
  live?: PetitionSnapshot,
): PetitionView {
  // The engine hands over the snapshot it just computed; restoring it again would cost as much as the transition.
  const snapshot = live ?? restore(rec.machineVersion, rec.snapshot as StoredSnapshot);
  const c = snapshot.context;
  const intake = intakeFor(c.intake, viewer);
  return {
    id: rec.id,
    number: rec.number,
    state: stateName(snapshot),
    version: rec.version,
    machineVersion: rec.machineVersion,
    unit: rec.unit,
    channel: rec.channel,
    petitioner: intake.petitioner,
    representatives: intake.representatives ?? [],
    matter: intake.matter,
    assignee: c.assignee,
    leader: c.leader,
    mediation: c.mediation,
    extension: c.extension,
    escalation: c.escalation,
    listed: c.listed,
    reviewStage: c.reviewStage,
    resolution: c.resolution,
    delivery: c.delivery,
    satisfaction: c.satisfaction,
    rejection: c.rejection,
    mergedInto: c.mergedInto,
    closure: c.closure,
    deadlines: deadlines.map(toDeadlineView),
    allowedEvents: allowedEvents(snapshot, viewer.role, now.toISOString()),
    createdAt: rec.createdAt.toISOString(),
    updatedAt: rec.updatedAt.toISOString(),
  };
}
