import type { CaseRecord } from '../db/case.repository';
import type { DeadlineRecord } from '../db/deadline.repository';
import type { CaseFacts } from '../db/case-facts.sql';
import type { TransitionWrite } from '../db/transition.repository';
import { overdueFromOf } from '../db/open-case.sql';
import type { CaseEvent, CaseSnapshot, CaseStart, MachineAdapter } from '../machines/machine-adapter';
import type { Actor } from '../machines/petition.roles';
import { canonical, digestOfCanonical, GENESIS_HASH, snapshotDigest } from './audit-hash';
import { storedFormOf } from './case-snapshot';
import { clockChanges } from './clock-changes';
import { dueTimesAfter, planDeadlineChanges, type DeadlineRules } from './deadline-changes';
import type { TouchedDeadline } from './engine.types';
import { runsAfterStep } from './statistics/facts-of';
import { buildTrailEntry, INTAKE_EVENT, REGISTRATION_FIELD } from './trail-entry';

/** One event planned on one locked case: the rows it writes and what the case becomes. */
export interface PlannedStep {
  readonly write: TransitionWrite;
  readonly next: CaseSnapshot;
  /** The case's deadline rows as read under the lock (to tell new rows and old fire times apart). */
  readonly rowsBefore: readonly DeadlineRecord[];
}

/** Whether two facts rows are equal: each column, and each flag (the one nested part). */
function sameFacts(a: CaseFacts, b: CaseFacts): boolean {
  const { flags: fa, ...ra } = a;
  const { flags: fb, ...rb } = b;
  const equal = (x: object, y: object) =>
    Object.entries(x).every(([k, v]) => v === (y as Record<string, unknown>)[k]) && Object.keys(x).length === Object.keys(y).length;
  return equal(ra, rb) && equal(fa, fb);
}

/**
 * The pure part of every event, human or timer: the machine's transition
 * (under the case's own version), the hash-chained trail entry (its fields,
 * and from v3 the sender's relations, recorded so that replay reuses them),
 * the case row and the deadline rows it leaves. Nothing is written here;
 * `writeTransitions` writes a batch.
 */
export function planStep(
  rules: DeadlineRules,
  adapter: MachineAdapter,
  rec: CaseRecord,
  snapshot: CaseSnapshot,
  rows: readonly DeadlineRecord[],
  event: CaseEvent,
  at: Date,
  remindersSent: readonly string[] = [],
): PlannedStep {
  const next = adapter.step(snapshot, event);
  const { type, actor, at: atIso, ...fields } = event;
  const seq = rec.version + 1;
  const stored = storedFormOf(adapter, next);
  // Serialised once: its digest is hashed into the trail entry, and the same text is the row's jsonb.
  const snapshotJson = canonical(stored);
  const state = adapter.stateName(next);
  const after = { state, snapshot: digestOfCanonical(snapshotJson) };
  const entry = buildTrailEntry({
    caseId: rec.id,
    seq,
    type,
    fields,
    actor,
    at: atIso,
    machineVersion: rec.machineVersion,
    prevHash: rec.lastHash,
    after,
  });
  const updated: CaseRecord = {
    ...rec,
    ...adapter.caseRow(next),
    state,
    version: seq,
    snapshot: stored,
    lastHash: entry.hash,
    updatedAt: at,
  };
  const changes = clockChanges(adapter.clocks(snapshot), adapter.clocks(next));
  const { added, changed } = planDeadlineChanges(rec.id, rows, changes, at, rules, remindersSent);
  const facts = adapter.facts(next, runsAfterStep(rows, added, changed));
  // Most events change no statistic: their write then leaves the facts row alone.
  const unchanged = sameFacts(facts, adapter.facts(snapshot, runsAfterStep(rows, [], [])));
  const units = adapter.caseUnits(next).map((u) => u.unit);
  return {
    next,
    rowsBefore: rows,
    write: {
      case: updated,
      fromVersion: rec.version,
      event: entry,
      units,
      newDeadlines: added,
      changedDeadlines: changed,
      overdueFrom: overdueFromOf(dueTimesAfter(rows, { added, changed })),
      facts: unchanged ? null : facts,
      snapshotJson,
    },
  };
}

/**
 * What the registration adds to a new case besides the machine's start: its
 * readable number, and what the system proposed (person links, repeat and
 * first-petition flags), recorded in the intake trail entry under
 * {@link REGISTRATION_FIELD} so the proposal is part of the hashed trail.
 */
export interface IntakeRegistration {
  readonly number: string;
  readonly recorded: Record<string, unknown>;
}

/** A new case planned from its intake (Art 19): its first snapshot, its first trail entry, its case row and first deadline. */
export function planIntake(
  rules: DeadlineRules,
  adapter: MachineAdapter,
  input: CaseStart & { intake: { unit: string; channel: string } },
  actor: Actor,
  at: Date,
  registration?: IntakeRegistration,
): PlannedStep {
  const snapshot = adapter.start(input);
  const stored = storedFormOf(adapter, snapshot);
  const state = adapter.stateName(snapshot);
  const entry = buildTrailEntry({
    caseId: input.id,
    seq: 1,
    type: INTAKE_EVENT,
    fields:
      registration === undefined
        ? adapter.intakeTrailFields(input)
        : { ...adapter.intakeTrailFields(input), [REGISTRATION_FIELD]: registration.recorded },
    actor,
    at: input.at,
    machineVersion: adapter.version,
    prevHash: GENESIS_HASH,
    after: { state, snapshot: snapshotDigest(stored) },
  });
  const rec: CaseRecord = {
    id: input.id,
    unit: input.intake.unit,
    ...adapter.caseRow(snapshot),
    state,
    channel: input.intake.channel,
    version: 1,
    machineVersion: adapter.version,
    snapshot: stored,
    lastHash: entry.hash,
    number: registration?.number ?? null,
    createdAt: at,
    updatedAt: at,
    intakeEntry: { fields: entry.fields, at: input.at },
  };
  const { added } = planDeadlineChanges(input.id, [], clockChanges({}, adapter.clocks(snapshot)), at, rules);
  const facts = adapter.facts(snapshot, runsAfterStep([], added, []));
  const units = adapter.caseUnits(snapshot).map((u) => u.unit);
  return {
    next: snapshot,
    rowsBefore: [],
    write: {
      case: rec,
      fromVersion: null,
      event: entry,
      units,
      newDeadlines: added,
      changedDeadlines: [],
      overdueFrom: overdueFromOf(dueTimesAfter([], { added, changed: [] })),
      facts,
    },
  };
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
