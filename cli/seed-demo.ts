/**
 * `petitionflow seed-demo`: the 周口市 unit tree and the stories of a city
 * newspaper page on petition work in 周口市 (Zhoukou, Henan), recorded as
 * version 3 cases through the engine's one dispatch path and backdated, so a
 * fresh seed shows running, at-risk and breached periods, supervision, a case
 * in 复查 and one final after 复核, with real trails, deadlines and hashes.
 */
import type { Kysely } from 'kysely';
import type { Policy } from '../config/policy.schema';
import type { Database } from '../db/schema';
import { createCaseQueryService } from '../engine/case-query.service';
import { createPetitionEngine } from '../engine/petition.engine';
import { createTimerStore } from '../engine/timer-store.service';
import { createUnitService } from '../engine/unit.service';
import { createChinaCalendar } from '../engine/working-calendar';
import { MACHINE_VERSION_3 } from '../machines/versions/v3/v3.machine';
import { DEMO_CASES, type DemoCase } from './demo-stories';
import { storyClock, tellStories } from './demo-stories/story-timeline';
import { DEMO_UNITS } from './demo-units';
import { seedDemoUsers, type SeededUser } from './seed-demo-users';

export { DEMO_CASES, DEMO_UNITS };
export type { DemoCase };

/** What `seed-demo` did for one case. */
export interface SeededCase {
  readonly title: string;
  readonly id: string;
  readonly state: string;
  /** How a closed case ended (已办结, 已终结 …); null while open. */
  readonly closure: string | null;
  /** False when the case was already there from an earlier run. */
  readonly created: boolean;
}

/** What `seed-demo` did. */
export interface SeedResult {
  readonly units: number;
  readonly cases: readonly SeededCase[];
  /** Reminders and breaches the engine recorded while the stories were told. */
  readonly timersFired: number;
  /** The demo accounts (cli/seed-demo-users.ts). */
  readonly users: readonly SeededUser[];
}

/** What a demo case's intake said, to find it again (a case of the same unit, petitioner and summary). */
function intakeOf(c: DemoCase) {
  return {
    machineVersion: MACHINE_VERSION_3,
    unit: c.intake.unit,
    petitionerName: c.intake.petitioner.name,
    summary: c.intake.matter.summary,
  };
}

/**
 * Loads the demo units (upsert), then tells each demo story whose case is not
 * there yet, backdated from `now` (default: the present), so running it twice
 * adds nothing the second time. A case already present is left as it is,
 * whatever state it has reached since. The stories are told under version 3
 * whatever version the policy starts new cases under.
 */
export async function seedDemo(deps: {
  db: Kysely<Database>;
  policy: Policy;
  now?: () => Date;
  peopleIndexKey?: Buffer;
}): Promise<SeedResult> {
  await createUnitService(deps.db).importUnits(DEMO_UNITS);
  const now = deps.now?.() ?? new Date();
  const queries = createCaseQueryService(deps.db, () => now);
  // A case recorded by an earlier run is found through its INTAKE, as its clerk would see it.
  const existing = await Promise.all(DEMO_CASES.map((c) => queries.findByIntake(intakeOf(c), c.clerk)));
  const missing = DEMO_CASES.filter((_, i) => existing[i] === undefined);
  const clock = storyClock(now);
  const engine = createPetitionEngine({
    db: deps.db,
    policy: { ...deps.policy, machineVersion: MACHINE_VERSION_3 },
    calendar: createChinaCalendar(),
    now: clock.now,
    ...(deps.peopleIndexKey !== undefined && { peopleIndexKey: deps.peopleIndexKey }),
  });
  const told = await tellStories({ engine, timers: createTimerStore(deps.db), clock, now }, missing);
  const cases: SeededCase[] = [];
  for (const [i, c] of DEMO_CASES.entries()) {
    const id = existing[i] ?? told.ids[missing.indexOf(c)] ?? '';
    const view = await queries.get(id, c.clerk);
    cases.push({ title: c.title, id, state: view.state, closure: view.closure ?? null, created: existing[i] === undefined });
  }
  return { units: DEMO_UNITS.length, cases, timersFired: told.timersFired, users: await seedDemoUsers(deps.db) };
}
