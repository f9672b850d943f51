/**
 * The clock runs a case's facts are computed from (`MachineAdapter.facts`
 * maps each version's snapshot): read from its deadline rows, or from the
 * rows a step is about to write.
 */
import type { DeadlineRecord } from '../../db/deadline.repository';
import type { ClockRun } from '../../machines/case-facts';

/** The deadline row fields a clock run is read from (a stored row, or one a step is about to write). */
export type RunSource = Pick<DeadlineRecord, 'clock' | 'generation' | 'status' | 'updatedAt'>;

/** A deadline row as a clock run: a decided row was decided when it was last written (nothing writes it after). */
export function runOf(row: RunSource): ClockRun {
  const decided = row.status === 'met' || row.status === 'breached' || row.status === 'cancelled';
  return { clock: row.clock, generation: row.generation, status: row.status, decidedAt: decided ? row.updatedAt.toISOString() : null };
}

/**
 * The clock runs of a case once a planned step is written: the rows read
 * under the lock, with the step's changes applied and its new rows added.
 */
export function runsAfterStep(
  before: readonly (RunSource & { readonly id: string })[],
  added: readonly Pick<RunSource, 'clock' | 'generation' | 'updatedAt'>[],
  changed: readonly (Pick<RunSource, 'status' | 'updatedAt'> & { readonly id: string })[],
): ClockRun[] {
  const changes = new Map(changed.map((c) => [c.id, c]));
  const kept = before.map((row) => {
    const change = changes.get(row.id);
    return runOf(change === undefined ? row : { ...row, status: change.status, updatedAt: change.updatedAt });
  });
  return [...kept, ...added.map((row) => runOf({ ...row, status: 'pending' }))];
}
