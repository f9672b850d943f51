/**
 * Tells the demo stories through the engine as they would have happened: one
 * timeline of every intake and command, in time order, with the engine's
 * clock set to each moment, and between them the deadline timers of the demo
 * cases fired as they fall due, through the engine's own timer path (the
 * `fireTimers` the workers and the sweeper's catch-up call). Reminders,
 * breaches and the supervision a breach raises are therefore recorded by the
 * engine at the time they fell due, never written by hand.
 */
import type { PetitionEngine } from '../../engine/petition.engine';
import type { TimerStore } from '../../engine/timer-store.service';
import { instantOf, type DemoCase, type StoryTime } from './demo-story';

/** A movable clock: the engine reads it as its `now`. */
export interface StoryClockHand {
  readonly now: () => Date;
  readonly set: (at: Date) => void;
}

/** Creates a clock standing at `at`. */
export function storyClock(at: Date): StoryClockHand {
  let current = at;
  return {
    now: () => current,
    set(next) {
      current = next;
    },
  };
}

/** What the timeline needs: the engine over the movable clock, the deadline rows, and the moment the seed runs. */
export interface TimelineDeps {
  readonly engine: PetitionEngine;
  readonly timers: Pick<TimerStore, 'listFiringBeforeOf'>;
  readonly clock: StoryClockHand;
  /** The moment `seed-demo` runs; every story time is counted back from it. */
  readonly now: Date;
}

/** One intake (step -1) or command of the timeline. */
interface Moment {
  readonly at: Date;
  readonly story: number;
  readonly step: number;
}

/** Every moment of the stories, in time order (ties: story order, then step order). */
function momentsOf(cases: readonly DemoCase[], now: Date): Moment[] {
  const moments = cases.flatMap((c, story) => [
    { at: instantOf(c.at, now), story, step: -1 },
    ...c.steps.map((s, step) => ({ at: instantOf(s.at, now), story, step })),
  ]);
  for (const m of moments) {
    if (m.at > now) throw new Error(`demo story "${cases[m.story]?.title}" has a step after the seed runs`);
  }
  return moments.sort((a, b) => a.at.getTime() - b.at.getTime() || a.story - b.story || a.step - b.step);
}

/**
 * Fires the due timers of `caseIds` up to `until`, soonest first, each with
 * the engine's clock at its fire time. Each fire records a reminder or the
 * breach and moves the row on, so the loop ends; a timer that does neither
 * would loop, and is an error.
 */
async function fireDueTimers(deps: TimelineDeps, caseIds: readonly string[], until: Date): Promise<number> {
  let fired = 0;
  for (;;) {
    const [next] = await deps.timers.listFiringBeforeOf(caseIds, until);
    if (next?.nextFireAt == null) return fired;
    deps.clock.set(next.nextFireAt);
    const outcome = (await deps.engine.fireTimers([next.id])).get(next.id);
    if (outcome !== 'reminded' && outcome !== 'breached') {
      throw new Error(`the ${next.clock} timer of a demo case did not fire (${outcome ?? 'no outcome'})`);
    }
    fired += 1;
  }
}

/** Sends one step of a story, naming the story and command if the engine refuses it. */
async function sendStep(deps: TimelineDeps, c: DemoCase, step: number, caseId: string): Promise<void> {
  const s = c.steps[step];
  if (s === undefined) return;
  const at = (t: StoryTime) => instantOf(t, deps.now).toISOString();
  const command = typeof s.command === 'function' ? s.command(at) : s.command;
  try {
    await deps.engine.dispatch(caseId, command, s.actor);
  } catch (err) {
    throw new Error(`demo story "${c.title}": ${command.type} was refused: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Records `cases` along one timeline and fires their timers up to the moment
 * the seed runs. Resolves to the new case ids, in the order of `cases`.
 */
export async function tellStories(deps: TimelineDeps, cases: readonly DemoCase[]): Promise<{ ids: string[]; timersFired: number }> {
  const ids = new Map<number, string>();
  let timersFired = 0;
  for (const m of momentsOf(cases, deps.now)) {
    const c = cases[m.story];
    if (c === undefined) continue;
    timersFired += await fireDueTimers(deps, [...ids.values()], m.at);
    deps.clock.set(m.at);
    if (m.step < 0) ids.set(m.story, (await deps.engine.intake(c.intake, c.clerk)).id);
    else await sendStep(deps, c, m.step, ids.get(m.story) ?? '');
  }
  timersFired += await fireDueTimers(deps, [...ids.values()], deps.now);
  deps.clock.set(deps.now);
  return { ids: cases.map((_, i) => ids.get(i) ?? ''), timersFired };
}
