import type { DeadlineRecord } from '../../db/deadline.repository';
import type { PetitionContext } from '../../machines/petition.machine';
import type { StoredSnapshot } from '../../machines/petition.registry';
import type { V3Context } from '../../machines/versions/v3/v3.context';
import { MACHINE_VERSION_3 } from '../../machines/versions/v3/v3.machine';
import type { CaseFacts, ClockRun } from './case-facts';
import { legacyFacts } from './legacy-facts';
import { v3Facts } from './v3-facts';

/** The deadline row fields a clock run is read from (a stored row, or one a step is about to write). */
export type RunSource = Pick<DeadlineRecord, 'clock' | 'generation' | 'status' | 'updatedAt'>;

/** A deadline row as a clock run: a decided row was decided when it was last written (nothing writes it after). */
export function runOf(row: RunSource): ClockRun {
  const decided = row.status === 'met' || row.status === 'breached' || row.status === 'cancelled';
  return { clock: row.clock, generation: row.generation, status: row.status, decidedAt: decided ? row.updatedAt.toISOString() : null };
}

/** The facts of a case from its stored snapshot and its clock runs, by the mapping of the case's machine version. */
export function factsOf(machineVersion: number, snapshot: Pick<StoredSnapshot, 'context'>, runs: readonly ClockRun[]): CaseFacts {
  const context: unknown = snapshot.context;
  return machineVersion === MACHINE_VERSION_3
    ? v3Facts(context as V3Context, runs)
    : legacyFacts(machineVersion, context as PetitionContext, runs);
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
