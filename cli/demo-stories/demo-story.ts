/**
 * What a demo story is: a petition as the seed page tells it, recorded as a
 * version 3 case by the people of the 周口市 demo tree, each step at a time
 * counted back from the moment `seed-demo` runs, so that a fresh seed has
 * cases whose clocks are already running, at risk or breached.
 */
import type { z } from 'zod';
import type { Actor } from '../../machines/petition.roles';
import type { HumanRole } from '../../machines/petition.vocabulary';
import type { V3Command, v3IntakeSchema } from '../../machines/versions/v3/v3.schemas';

/** A moment of a story: so many calendar days before the seed runs, at a Beijing wall-clock time (HH:MM). */
export interface StoryTime {
  readonly daysAgo: number;
  readonly time: string;
}

/** `daysAgo` days before the seed runs, at `time` Beijing time (09:00 unless said). */
export function ago(daysAgo: number, time = '09:00'): StoryTime {
  return { daysAgo, time };
}

/** The ISO time of a story moment, for commands that name a time (a hearing's date). */
export type StoryClock = (t: StoryTime) => string;

/** One command of a story, the person who sends it and when. */
export interface StoryStep {
  readonly at: StoryTime;
  readonly actor: Actor;
  /** The command, or a function of the story clock for one that names a time. */
  readonly command: V3Command | ((clock: StoryClock) => V3Command);
}

/** One case of a story of the seed page, as the demo records it. */
export interface DemoCase {
  /** Where the seed page places the story (扶沟县, 西华县, 商水县, 项城市, 沈丘县). */
  readonly place: string;
  /** A one-line label printed by `seed-demo`. */
  readonly title: string;
  /** When the petition was registered, and by whom. */
  readonly at: StoryTime;
  readonly clerk: Actor;
  readonly intake: z.input<typeof v3IntakeSchema>;
  /** The commands that move it, in time order; the deadline timers fire between them as they fall due. */
  readonly steps: readonly StoryStep[];
}

/** A person of the demo: role, unit (a division, bureau or department code) and a readable id. */
export function person(role: HumanRole, unit: string, id: string): Actor {
  return { id, role, unit };
}

const DAY_MS = 24 * 60 * 60 * 1000;
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The instant of a story time, counted back from `now` in Beijing calendar days. */
export function instantOf(t: StoryTime, now: Date): Date {
  const local = new Date(now.getTime() + BEIJING_OFFSET_MS);
  const [hh, mm] = t.time.split(':').map(Number);
  const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hh ?? 9, mm ?? 0);
  return new Date(wall - t.daysAgo * DAY_MS - BEIJING_OFFSET_MS);
}
