import type { CaseRecord } from '../db/case.repository';
import type { DeadlineRecord } from '../db/deadline.repository';
import type { TransitionWrite } from '../db/transition.repository';
import type { PetitionEvent, PetitionInput } from '../machines/petition.machine';
import { caseUnitsOf, startCase, stateName, step, toStored, type PetitionSnapshot } from '../machines/petition.registry';
import type { Actor } from '../machines/petition.roles';
import { GENESIS_HASH, snapshotDigest } from './audit-hash';
import { clockChanges } from './clock-changes';
import { planDeadlineChanges, type DeadlineRules } from './deadline-changes';
import type { TouchedDeadline } from './engine.types';
import { buildTrailEntry, INTAKE_EVENT } from './trail-entry';

/** One event planned on one locked case: the rows it writes and what the case becomes. */
export interface PlannedStep {
  readonly write: TransitionWrite;
  readonly next: PetitionSnapshot;
  /** The case's deadline rows as read under the lock (to tell new rows and old fire times apart). */
  readonly rowsBefore: readonly DeadlineRecord[];
}

/**
 * The pure part of every event, human or timer: the machine's transition,
 * the hash-chained trail entry, the case row, the units the case passes
 * through (by its version's rules) and the deadline rows it leaves. Nothing is written here; `writeTransitions` writes a batch.
 */
export function planStep(
  rules: DeadlineRules,
  rec: CaseRecord,
  snapshot: PetitionSnapshot,
  rows: readonly DeadlineRecord[],
  event: PetitionEvent,
  at: Date,
  remindersSent: readonly string[] = [],
): PlannedStep {
  const next = step(rec.machineVersion, snapshot, event);
  const { type, actor, at: atIso, ...fields } = event;
  const seq = rec.version + 1;
  const stored = toStored(next);
  const state = stateName(next);
  const after = { state, snapshot: snapshotDigest(stored) };
  const entry = buildTrailEntry({ caseId: rec.id, seq, type, fields, actor, at: atIso, machineVersion: rec.machineVersion, prevHash: rec.lastHash, after });
  const ctx = next.context;
  const updated: CaseRecord = {
    ...rec,
    state,
    assigneeUnit: ctx.assignee?.unit ?? null,
    listed: ctx.listed,
    version: seq,
    snapshot: stored,
    lastHash: entry.hash,
    updatedAt: at,
  };
  const { added, changed } = planDeadlineChanges(rec.id, rows, clockChanges(snapshot.context.clocks, ctx.clocks), at, rules, remindersSent);
  const units = caseUnitsOf(rec.machineVersion, next);
  return { next, rowsBefore: rows, write: { case: updated, fromVersion: rec.version, event: entry, units, newDeadlines: added, changedDeadlines: changed } };
}

/** A new case planned from its intake (Art 19): its first snapshot, its first trail entry, its case row and first deadline. */
export function planIntake(rules: DeadlineRules, machineVersion: number, input: PetitionInput, actor: Actor, at: Date): PlannedStep {
  const snapshot = startCase(machineVersion, input);
  const stored = toStored(snapshot);
  const state = stateName(snapshot);
  const entry = buildTrailEntry({
    caseId: input.id,
    seq: 1,
    type: INTAKE_EVENT,
    fields: input.intake,
    actor,
    at: input.at,
    machineVersion,
    prevHash: GENESIS_HASH,
    after: { state, snapshot: snapshotDigest(stored) },
  });
  const rec: CaseRecord = {
    id: input.id,
    unit: input.intake.unit,
    assigneeUnit: null,
    state,
    channel: input.intake.channel,
    listed: false,
    version: 1,
    machineVersion,
    snapshot: stored,
    lastHash: entry.hash,
    createdAt: at,
    updatedAt: at,
  };
  const { added } = planDeadlineChanges(input.id, [], clockChanges({}, snapshot.context.clocks), at, rules);
  const units = caseUnitsOf(machineVersion, snapshot);
  return { next: snapshot, rowsBefore: [], write: { case: rec, fromVersion: null, event: entry, units, newDeadlines: added, changedDeadlines: [] } };
}

/** The rows one step wrote (its case's rows as stored), each with the row as it was before the step. */
export function touchedBy(planned: PlannedStep, stored: readonly DeadlineRecord[]): TouchedDeadline[] {
  const before = new Map(planned.rowsBefore.map((r) => [r.id, r]));
  return stored.map((row) => ({ row, previous: before.get(row.id) ?? null }));
}

/** The case's deadline rows after a step: those read under the lock, replaced or joined by the stored ones. */
export function rowsAfter(planned: PlannedStep, touched: readonly TouchedDeadline[]): DeadlineRecord[] {
  const byId = new Map(planned.rowsBefore.map((r) => [r.id, r]));
  for (const t of touched) byId.set(t.row.id, t.row);
  return [...byId.values()];
}
