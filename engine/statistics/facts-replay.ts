import type { CaseEventRecord } from '../../db/case-event.repository';
import type { PetitionEvent } from '../../machines/petition.machine';
import { startCase, step, toStored, type PetitionSnapshot } from '../../machines/petition.registry';
import type { Intake } from '../../machines/petition.schemas';
import { clockChanges, type ClockChange } from '../clock-changes';
import { INTAKE_EVENT } from '../trail-entry';
import type { CaseFacts, ClockRun } from './case-facts';
import { factsOf } from './facts-of';

/** Applies one step's clock changes to the runs, each decided at the step's time. */
function applyChanges(runs: Map<string, ClockRun>, changes: readonly ClockChange[], at: string): void {
  for (const ch of changes) {
    const key = `${ch.clock}#${ch.generation}`;
    const run = runs.get(key);
    if (ch.kind === 'start') runs.set(key, { clock: ch.clock, generation: ch.generation, status: 'pending', decidedAt: null });
    else if (run === undefined || ch.kind === 'extend') continue;
    else if (ch.kind === 'stop') runs.set(key, { ...run, status: ch.status, decidedAt: at });
    else runs.set(key, { ...run, status: ch.kind === 'pause' ? 'paused' : 'pending' });
  }
}

/**
 * A case's facts rebuilt from its trail alone: the trail is folded through the
 * machine of its version, and each step's clock changes are timed by the
 * step's own time (as the engine times its deadline rows). Equal to the
 * stored facts row when the row was kept exactly; `undefined` for a trail
 * that does not start with an intake.
 */
export function factsFromTrail(events: readonly CaseEventRecord[]): CaseFacts | undefined {
  const runs = new Map<string, ClockRun>();
  let snapshot: PetitionSnapshot | undefined;
  for (const e of events) {
    if (e.seq === 1 && e.type === INTAKE_EVENT) {
      snapshot = startCase(e.machineVersion, { id: e.caseId, intake: e.fields as unknown as Intake, at: e.at });
      applyChanges(runs, clockChanges({}, snapshot.context.clocks), e.at);
    } else if (snapshot !== undefined) {
      const before = snapshot;
      snapshot = step(e.machineVersion, snapshot, { type: e.type, ...e.fields, actor: e.actor, at: e.at } as unknown as PetitionEvent);
      applyChanges(runs, clockChanges(before.context.clocks, snapshot.context.clocks), e.at);
    }
  }
  const version = events[0]?.machineVersion;
  return snapshot === undefined || version === undefined ? undefined : factsOf(version, toStored(snapshot), [...runs.values()]);
}
