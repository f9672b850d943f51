import type { ClockName } from '../machines/petition.vocabulary';
import { isLive, type ClockEntry, type Clocks } from '../machines/petition.clocks';

/** One change to a case's clocks, as the engine applies it to deadline rows. */
export type ClockChange =
  | { readonly kind: 'start'; readonly clock: ClockName; readonly generation: number; readonly duration?: string | undefined }
  | { readonly kind: 'stop'; readonly clock: ClockName; readonly generation: number; readonly status: 'met' | 'cancelled' | 'breached' }
  | { readonly kind: 'pause'; readonly clock: ClockName; readonly generation: number }
  | { readonly kind: 'resume'; readonly clock: ClockName; readonly generation: number }
  | { readonly kind: 'extend'; readonly clock: ClockName; readonly generation: number; readonly by: string };

function statusChange(clock: ClockName, b: ClockEntry | undefined, a: ClockEntry): ClockChange[] {
  const from = b?.status ?? 'running';
  const changes: ClockChange[] = [];
  if (a.extendedBy !== undefined && a.extendedBy !== b?.extendedBy)
    changes.push({ kind: 'extend', clock, generation: a.generation, by: a.extendedBy });
  if (from === a.status) return changes;
  if (from === 'running' && a.status === 'paused') changes.push({ kind: 'pause', clock, generation: a.generation });
  else if (from === 'paused' && a.status === 'running') changes.push({ kind: 'resume', clock, generation: a.generation });
  else if (a.status === 'met' || a.status === 'cancelled' || a.status === 'breached') {
    changes.push({ kind: 'stop', clock, generation: a.generation, status: a.status });
  }
  return changes;
}

/**
 * What the machine did to the clocks in one transition, read from the
 * difference of `context.clocks` before and after. A new generation means a
 * (re)start; an older live generation left behind is cancelled.
 */
export function clockChanges(before: Clocks, after: Clocks): ClockChange[] {
  const changes: ClockChange[] = [];
  for (const [name, a] of Object.entries(after) as [ClockName, ClockEntry][]) {
    const b = before[name];
    if (b === undefined || a.generation > b.generation) {
      if (b !== undefined && isLive(b)) changes.push({ kind: 'stop', clock: name, generation: b.generation, status: 'cancelled' });
      changes.push({ kind: 'start', clock: name, generation: a.generation, duration: a.duration });
      changes.push(...statusChange(name, undefined, a));
    } else {
      changes.push(...statusChange(name, b, a));
    }
  }
  return changes;
}
