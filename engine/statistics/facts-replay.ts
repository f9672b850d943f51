import type { CaseEventRecord } from '../../db/case-event.repository';
import type { CaseFacts, ClockRun } from '../../machines/case-facts';
import type { CaseEvent, CaseSnapshot } from '../../machines/machine-adapter';
import { adapterFor } from '../../machines/petition.registry';
import { clockChanges, type ClockChange } from '../clock-changes';
import { INTAKE_EVENT, startOfIntakeEntry } from '../trail-entry';

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
  let snapshot: CaseSnapshot | undefined;
  const version = events[0]?.machineVersion;
  if (version === undefined) return undefined;
  const adapter = adapterFor(version);
  for (const e of events) {
    if (e.seq === 1 && e.type === INTAKE_EVENT) {
      snapshot = adapter.start(startOfIntakeEntry(adapter, e));
      applyChanges(runs, clockChanges({}, adapter.clocks(snapshot)), e.at);
    } else if (snapshot !== undefined) {
      const before = snapshot;
      // The trail entry's fields carry a v3 sender's relations, so the step is the one recorded.
      snapshot = adapter.step(snapshot, { type: e.type, ...e.fields, actor: e.actor as CaseEvent['actor'], at: e.at });
      applyChanges(runs, clockChanges(adapter.clocks(before), adapter.clocks(snapshot)), e.at);
    }
  }
  return snapshot === undefined ? undefined : adapter.facts(snapshot, [...runs.values()]);
}
