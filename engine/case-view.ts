import type { CaseRecord } from '../db/case.repository';
import type { DeadlineRecord } from '../db/deadline.repository';
import type { z } from 'zod';
import { allowedEvents } from '../machines/event-permission';
import type { ClockName } from '../machines/petition.vocabulary';
import { caseUnitsOf, restore, stateName, type PetitionSnapshot, type StoredSnapshot } from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import { caseWithUnitNow, intakeFor } from './access';
import type { deadlineViewSchema, petitionViewSchema } from './case-view.schema';

/** A deadline as callers see it; the type is the schema's, so the two cannot drift. */
export type DeadlineView = z.output<typeof deadlineViewSchema>;

/** The petition view, typed from its zod schema (engine/case-view.schema.ts), which the API description is built from. */
export type PetitionView = z.output<typeof petitionViewSchema>;

/** The ratings under today's names: cases rated before the rename recorded the handling body's rating as `unit`. */
function satisfactionView(recorded: PetitionSnapshot['context']['satisfaction']): PetitionView['satisfaction'] {
  if (recorded === null || recorded === 'unrated') return recorded;
  // The machine keeps the ratings of a validated RATE_SATISFACTION command; its context types them as text.
  const body = ('body' in recorded ? recorded.body : recorded.unit) as Rating;
  return { body, bureau: recorded.bureau as Rating };
}

type Rating = Exclude<PetitionView['satisfaction'], null | 'unrated'>['body'];

/** A deadline row as a view. */
export function toDeadlineView(d: DeadlineRecord): DeadlineView {
  return {
    // The database only holds the policy's clock names (deadline rows are written from the machine's clocks).
    clock: d.clock as ClockName,
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
    state: stateName(snapshot),
    version: rec.version,
    machineVersion: rec.machineVersion,
    unit: rec.unit,
    // Written from the validated intake (one of CHANNELS); the column type is only text.
    channel: rec.channel as PetitionView['channel'],
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
    satisfaction: satisfactionView(c.satisfaction),
    rejection: c.rejection,
    mergedInto: c.mergedInto,
    closure: c.closure,
    deadlines: deadlines.map(toDeadlineView),
    // A unit the case only passed through reads it and sends nothing.
    allowedEvents: caseWithUnitNow(caseUnitsOf(rec.machineVersion, snapshot), viewer.unit) ? allowedEvents(snapshot, viewer.role, now.toISOString()) : [],
    createdAt: rec.createdAt.toISOString(),
    updatedAt: rec.updatedAt.toISOString(),
  };
}
