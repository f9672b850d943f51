import type { ClockName } from './petition.vocabulary';

/** Where one clock stands in a case. `met`: stopped in time; `cancelled`: made moot; `breached`: ran out. */
export type ClockStatus = 'running' | 'paused' | 'met' | 'cancelled' | 'breached';

/**
 * One clock of a case as the machine knows it. The engine turns changes of
 * these entries into deadline rows; `generation` grows each time the clock
 * starts again, so timers of an older start can be told apart and ignored.
 */
export interface ClockEntry {
  readonly status: ClockStatus;
  readonly generation: number;
  /** A length other than the policy's, e.g. a supervisor's `dueIn`. */
  readonly duration?: string;
  /** The approved extension (Art 32), added once to the due time. */
  readonly extendedBy?: string;
}

export type Clocks = Readonly<Partial<Record<ClockName, ClockEntry>>>;

/** Whether a clock is counting or paused, i.e. not yet decided. */
export function isLive(entry: ClockEntry | undefined): boolean {
  return entry?.status === 'running' || entry?.status === 'paused';
}

/** Starts (or restarts, as a new generation) a clock. With `unlessStarted`, a clock that ever ran is left alone. */
export function startClock(
  clocks: Clocks,
  clock: ClockName,
  opts: { duration?: string | undefined; unlessStarted?: boolean } = {},
): Clocks {
  const prev = clocks[clock];
  if (opts.unlessStarted && prev !== undefined) return clocks;
  const entry: ClockEntry = { status: 'running', generation: (prev?.generation ?? 0) + 1 };
  return { ...clocks, [clock]: opts.duration === undefined ? entry : { ...entry, duration: opts.duration } };
}

/** Stops live clocks with an outcome; clocks already decided keep theirs. */
export function stopClocks(clocks: Clocks, names: readonly ClockName[], outcome: 'met' | 'cancelled' | 'breached'): Clocks {
  let next = clocks;
  for (const name of names) {
    const entry = next[name];
    if (entry !== undefined && isLive(entry)) next = { ...next, [name]: { ...entry, status: outcome } };
  }
  return next;
}

/** Stops every live clock (a case that ends stops all its clocks). */
export function stopAllClocks(clocks: Clocks, outcome: 'met' | 'cancelled'): Clocks {
  return stopClocks(clocks, Object.keys(clocks) as ClockName[], outcome);
}

/** Pauses a running clock or resumes a paused one; anything else is left as it is. */
export function setPaused(clocks: Clocks, clock: ClockName, paused: boolean): Clocks {
  const entry = clocks[clock];
  if (entry === undefined || entry.status !== (paused ? 'running' : 'paused')) return clocks;
  return { ...clocks, [clock]: { ...entry, status: paused ? 'paused' : 'running' } };
}

/** Records an approved extension on a live clock. */
export function extendClock(clocks: Clocks, clock: ClockName, by: string): Clocks {
  const entry = clocks[clock];
  if (entry === undefined || !isLive(entry)) return clocks;
  return { ...clocks, [clock]: { ...entry, extendedBy: by } };
}
