/**
 * A case's snapshot between the machine and the case row: the form the row
 * stores (without what the intake entry holds), the machine snapshot a read
 * restores, and whether a stored snapshot is the one a trail rebuilds.
 */
import type { CaseRecord, IntakeEntry } from '../db/case.repository';
import type { CaseSnapshot, MachineAdapter, StoredSnapshot } from '../machines/machine-adapter';
import { holdsStart, leanStored, withStart } from '../machines/stored-form';
import { canonical } from './audit-hash';
import { startOfIntakeEntry } from './trail-entry';

/** What the case row stores of a snapshot, and what the trail entry's outcome digest covers. */
export function storedFormOf(adapter: MachineAdapter, snapshot: CaseSnapshot): StoredSnapshot {
  return leanStored(adapter, adapter.toStored(snapshot));
}

/**
 * The machine snapshot of a case row, with what its start fixed put back from the intake entry (`entry`, by
 * default the one read with the row). A row written before the stored form left those out restores as it is.
 */
export function restoreCase(
  adapter: MachineAdapter,
  rec: Pick<CaseRecord, 'id' | 'snapshot' | 'intakeEntry'>,
  entry: IntakeEntry | undefined = rec.intakeEntry,
): CaseSnapshot {
  const stored = rec.snapshot as StoredSnapshot;
  if (holdsStart(adapter, stored)) return adapter.restore(stored);
  // A read that restores must read the intake entry with the row: without it the machine would run on half a context.
  if (entry === undefined) throw new Error(`case ${rec.id} was read without its intake entry`);
  const start = startOfIntakeEntry(adapter, { caseId: rec.id, fields: entry.fields, at: entry.at });
  return adapter.restore(withStart(adapter, stored, start));
}

/**
 * Whether `stored` (a case row's snapshot) is what the engine stores of `snapshot`: the stored form, or for a row
 * written before the stored form left the start out, the machine's whole stored form.
 */
export function matchesStored(adapter: MachineAdapter, snapshot: CaseSnapshot, stored: unknown): boolean {
  const text = canonical(stored);
  return text === canonical(storedFormOf(adapter, snapshot)) || text === canonical(adapter.toStored(snapshot));
}
