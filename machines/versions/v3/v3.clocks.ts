import * as clk from '../../petition.clocks';
import type { ClockEntry } from '../../petition.clocks';
import type { PauseReason, V3ClockName } from './v3.vocabulary';

/**
 * The clocks of a version 3 case. Each entry is the shared `ClockEntry`; only
 * the set of names differs from versions 1 and 2 (dispatch, notice and report
 * are new; acceptance is gone).
 */
export type V3Clocks = Readonly<Partial<Record<V3ClockName, ClockEntry>>>;

// The shared helpers are written for the v1/v2 clock names but never read a
// name's meaning: they only copy entries by key. These two casts are the one
// place the v3 names pass through them.
type SharedClocks = Parameters<typeof clk.startClock>[0];
type SharedName = Parameters<typeof clk.startClock>[1];
const shared = (clocks: V3Clocks) => clocks as unknown as SharedClocks;
const v3 = (clocks: SharedClocks) => clocks as unknown as V3Clocks;
const names = (list: readonly V3ClockName[]) => list as unknown as SharedName[];

/** Whether a clock is counting or paused, i.e. not yet decided. */
export const isLive = clk.isLive;

/** Starts (or restarts, as a new generation) a clock; with `unlessStarted` a clock that ever ran is left alone. */
export function startClock(
  clocks: V3Clocks,
  clock: V3ClockName,
  opts: { duration?: string | undefined; unlessStarted?: boolean } = {},
): V3Clocks {
  return v3(clk.startClock(shared(clocks), clock, opts));
}

/** Stops live clocks with an outcome; clocks already decided keep theirs. */
export function stopClocks(clocks: V3Clocks, list: readonly V3ClockName[], outcome: 'met' | 'cancelled' | 'breached'): V3Clocks {
  return v3(clk.stopClocks(shared(clocks), names(list), outcome));
}

/** Pauses a running clock or resumes a paused one; anything else is left as it is. */
export function setPaused(clocks: V3Clocks, clock: V3ClockName, paused: boolean): V3Clocks {
  return v3(clk.setPaused(shared(clocks), clock, paused));
}

/** Records an approved extension on a live clock. */
export function extendClock(clocks: V3Clocks, clock: V3ClockName, by: string): V3Clocks {
  return v3(clk.extendClock(shared(clocks), clock, by));
}

/** The names of the clocks that are live (running or paused). */
export function liveClocks(clocks: V3Clocks): V3ClockName[] {
  return (Object.keys(clocks) as V3ClockName[]).filter((name) => isLive(clocks[name]));
}

/** One pause of one clock: why, who, from when to when (`endedAt` null while it lasts). */
export interface PauseRecord {
  readonly clock: V3ClockName;
  readonly reason: PauseReason;
  readonly note: string | null;
  readonly by: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
}

/** Opens a pause record for a clock that the machine has just paused. */
export function openPause(pauses: readonly PauseRecord[], pause: Omit<PauseRecord, 'endedAt'>): readonly PauseRecord[] {
  return [...pauses, { ...pause, endedAt: null }];
}

/** Closes the open pause record of `clock` at `at`. */
export function closePause(pauses: readonly PauseRecord[], clock: V3ClockName, at: string): readonly PauseRecord[] {
  return pauses.map((p) => (p.clock === clock && p.endedAt === null ? { ...p, endedAt: at } : p));
}

/**
 * Whether a policy lets `clock` pause for `reason` (its `pausableFor` list).
 * The engine asks this before it hands a PAUSE_CLOCK to the machine, which does
 * not know the policy; a clock the list leaves out is never pausable.
 */
export function isPauseAllowed(
  pausableFor: Readonly<Partial<Record<V3ClockName, readonly string[]>>>,
  clock: V3ClockName,
  reason: string,
): boolean {
  return pausableFor[clock]?.includes(reason) ?? false;
}
