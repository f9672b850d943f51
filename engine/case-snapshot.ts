/**
 * A case's snapshot between the machine and the case row: the form the row
 * stores (without what the intake entry holds), the machine snapshot a read
 * restores, and whether a stored snapshot is the one a trail rebuilds.
 */
import type { CaseRecord, IntakeEntry } from '../db/case.repository';
import type { CaseSnapshot, MachineAdapter, SnapshotState, StoredSnapshot } from '../machines/machine-adapter';
import { holdsStart, leanStored, withStart } from '../machines/stored-form';
import { canonical } from './audit-hash';
import { startOfIntakeEntry } from './trail-entry';

/** What the case row stores of a snapshot, and what the trail entry's outcome digest covers. */
export function storedFormOf(adapter: MachineAdapter, snapshot: CaseSnapshot): StoredSnapshot {
  return leanStored(adapter, adapter.toStored(snapshot));
}

/**
 * The state of a case row without its machine: the stored snapshot with what its start fixed put back from the
 * intake entry (`entry`, by default the one read with the row). A row written before the stored form left those
 * out is whole as it is. The adapter's readings of a case (views, masking facts) need no more.
 */
export function stateOfRow(
  adapter: MachineAdapter,
  rec: Pick<CaseRecord, 'id' | 'snapshot' | 'intakeEntry'>,
  entry: IntakeEntry | undefined = rec.intakeEntry,
): StoredSnapshot {
  const stored = rec.snapshot as StoredSnapshot;
  if (holdsStart(adapter, stored)) return stored;
  // A read must read the intake entry with the row: without it the machine would run on half a context.
  if (entry === undefined) throw new Error(`case ${rec.id} was read without its intake entry`);
  return withStart(adapter, stored, startOfIntakeEntry(adapter, { caseId: rec.id, fields: entry.fields, at: entry.at }));
}

/** A case's state for its readings, and its machine, restored the first time it is asked for (and kept). */
export interface CaseState {
  readonly state: SnapshotState;
  machine(): CaseSnapshot;
}

/**
 * The state of a case row (or the live snapshot the engine just computed, which is both) with its machine on
 * demand: a view asks the machine only for the events its viewer may send, and only of an open case.
 */
export function caseStateOf(
  adapter: MachineAdapter,
  rec: Pick<CaseRecord, 'id' | 'snapshot' | 'intakeEntry'>,
  live?: CaseSnapshot,
): CaseState {
  if (live !== undefined) return { state: live, machine: () => live };
  const stored = stateOfRow(adapter, rec);
  let restored: CaseSnapshot | undefined;
  return { state: stored, machine: () => (restored ??= adapter.restore(stored)) };
}

/** The machine snapshot of a case row ({@link stateOfRow} restored): what asking the machine needs. */
export function restoreCase(
  adapter: MachineAdapter,
  rec: Pick<CaseRecord, 'id' | 'snapshot' | 'intakeEntry'>,
  entry: IntakeEntry | undefined = rec.intakeEntry,
): CaseSnapshot {
  return adapter.restore(stateOfRow(adapter, rec, entry));
}

/**
 * Whether `stored` (a case row's snapshot) is what the engine stores of `snapshot`: the stored form, or for a row
 * written before the stored form left the start out, the machine's whole stored form.
 */
export function matchesStored(adapter: MachineAdapter, snapshot: CaseSnapshot, stored: unknown): boolean {
  const text = canonical(stored);
  return text === canonical(storedFormOf(adapter, snapshot)) || text === canonical(adapter.toStored(snapshot));
}
