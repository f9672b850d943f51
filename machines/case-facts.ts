/**
 * What the statistics count of one case, derived purely from its snapshot and
 * its clock runs: each machine adapter maps its own snapshot
 * (`MachineAdapter.facts`: `versions/v3/v3.facts.ts`, `versions/legacy.facts.ts`).
 * The engine computes them with every transition and writes them in the same
 * statement (`db/transition.repository.ts`); a replay of the trail computes
 * the same from the trail alone (`engine/statistics/facts-replay.ts`).
 */

/** One run (generation) of one clock: what the deadline row of that run says, and when it was decided. */
export interface ClockRun {
  readonly clock: string;
  readonly generation: number;
  readonly status: 'pending' | 'paused' | 'met' | 'breached' | 'cancelled';
  /** When the run was stopped (met, cancelled) or breached; null while it is live. */
  readonly decidedAt: string | null;
}

/** The counted flags of a matter (Arts 20, 22 ¶2, 25, 28) and the person's history (重复信访, 初信初访). */
export interface FactFlags {
  readonly group: boolean;
  readonly skipLevel: boolean;
  readonly lawRelated: boolean;
  readonly majorUrgent: boolean;
  readonly repeat: boolean;
  readonly first: boolean;
}

/** How the intake clocks ended: all in time, or one breached. */
export type AcceptanceFact = 'timely' | 'late';
/** How the handling clock ended: answered in time (extension included), or breached. */
export type HandlingFact = 'on-time' | 'overdue';

/** The facts row of one case (times as ISO strings, as events carry them). */
export interface CaseFacts {
  readonly caseId: string;
  readonly machineVersion: number;
  readonly unit: string;
  readonly bodyUnit: string | null;
  readonly registeredAt: string;
  readonly channel: string;
  readonly class: string;
  readonly category: string;
  readonly headCount: number;
  readonly flags: FactFlags;
  readonly acceptance: AcceptanceFact | null;
  readonly acceptanceAt: string | null;
  readonly handling: HandlingFact | null;
  readonly handlingAt: string | null;
  readonly answeredAt: string | null;
  readonly outcome: string | null;
  readonly deliveredAt: string | null;
  readonly ratingBody: string | null;
  readonly ratingBureau: string | null;
  readonly closure: string | null;
  readonly closedAt: string | null;
  readonly transferred: boolean;
  readonly assigned: boolean;
  readonly supervised: boolean;
  readonly reviewStage: 'first' | 'review' | 'reReview';
}

/** An outcome of a group of clocks and when it was reached. */
export interface ClockOutcome<T extends string> {
  readonly kind: T | null;
  readonly at: string | null;
}

const NONE = { kind: null, at: null } as const;

function earliest(times: readonly string[]): string | null {
  return times.length === 0 ? null : times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
}

function latest(times: readonly string[]): string | null {
  return times.length === 0 ? null : times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

/**
 * How a group of clocks ended, over every run of each: the first breach makes
 * it `bad` for good (at the breach); otherwise, once no run is live and one
 * was met, it is `good` at the last stop; anything else (a run still live, or
 * only cancelled runs, e.g. a withdrawal) is not counted yet.
 */
export function clocksOutcome<G extends string, B extends string>(
  runs: readonly ClockRun[],
  clocks: readonly string[],
  good: G,
  bad: B,
): ClockOutcome<G | B> {
  const mine = runs.filter((r) => clocks.includes(r.clock));
  const breach = earliest(mine.filter((r) => r.status === 'breached').flatMap((r) => (r.decidedAt === null ? [] : [r.decidedAt])));
  if (breach !== null) return { kind: bad, at: breach };
  if (mine.some((r) => r.status === 'pending' || r.status === 'paused')) return NONE;
  const met = latest(mine.filter((r) => r.status === 'met').flatMap((r) => (r.decidedAt === null ? [] : [r.decidedAt])));
  return met === null ? NONE : { kind: good, at: met };
}
