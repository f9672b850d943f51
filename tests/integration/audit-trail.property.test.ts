/**
 * Property: whatever mix of valid and invalid commands and timers reaches the
 * engine, every accepted one adds exactly one hash-chained trail entry, every
 * refused one changes nothing, and each case replays from its trail alone to
 * the stored snapshot. Then: tampering with one stored row is caught exactly
 * where it happened, and PostgreSQL itself refuses UPDATE and DELETE.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { V2_POLICY } from '../support/test-server';
import { CLOCK_NAMES, type ClockName, HUMAN_ROLES, type HumanRole, STATE_NAMES } from '../../machines/petition.vocabulary';
import * as cases from '../../db/case.repository';
import { listEvents } from '../../db/case-event.repository';
import { canonical, hashEvent } from '../../engine/audit-hash';
import { createAuditService, type AuditService } from '../../engine/audit.service';
import { PetitionError } from '../../engine/errors';
import { createPetitionEngine } from '../../engine/petition.engine';
import { isWithinReach } from '../../engine/access';
import { unitTreeOf } from '../../engine/unit-directory.service';
import { createChinaCalendar } from '../../engine/working-calendar';
import { allowedEvents, roleMaySend } from '../../machines/event-permission';
import { restore, type StoredSnapshot } from '../../machines/petition.registry';
import { residentIdCheckCharacter } from '../../machines/resident-id';
import type { Actor } from '../../machines/petition.roles';
import { CHANNELS, COMMAND_TYPES, type CommandType, type Intake } from '../../machines/petition.schemas';
import { actor, fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { fireTimer } from '../support/fire-timer';

/** This test imports no unit tree: reach checks the subtree alone. */
const NO_TREE = unitTreeOf([]);

let tdb: TestDatabase;
let audit: AuditService;
const calendar = createChinaCalendar();

beforeAll(async () => {
  tdb = await createTestDatabase('audit_property');
  audit = createAuditService(tdb.db);
});
afterAll(async () => {
  await tdb.drop();
});

// ---------------------------------------------------------------- arbitraries

/** 周口市 counties (扶沟县, 西华县, 商水县, 沈丘县, 郸城县, 项城市); the city itself is 411600. */
const UNITS = ['411621', '411622', '411623', '411624', '411625', '411681'] as const;
const CITY = '411600';

// Non-blank text: no whitespace in the alphabet, so zod's trim() never empties it. Includes a surrogate pair.
const CHARS = [...'张王李赵刘陈宅基地纠纷请求确权补偿拆迁工资拖欠调解协议意见书abcxyzABC0123456789-_.,。，、😀'];
const word = (max = 24) => fc.string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: max });

// Intake checks the GB 11643 check character: a random body gets its own.
const idNumberArb = fc
  .string({ unit: fc.constantFrom(...'0123456789'), minLength: 17, maxLength: 17 })
  .map((body) => body + residentIdCheckCharacter(body));
const phoneArb = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 11, maxLength: 11 }).map((d) => `1${d.slice(1)}`);

const intakeArb: fc.Arbitrary<Intake> = fc.record(
  {
    channel: fc.constantFrom(...CHANNELS),
    unit: fc.constantFrom(...UNITS),
    petitioner: fc.record(
      { name: word(12), idNumber: idNumberArb, phone: phoneArb, address: word(40) },
      { requiredKeys: ['name', 'address'] },
    ),
    matter: fc.record(
      {
        category: fc.constantFrom('land', 'wages', 'demolition', 'pension', 'environment'),
        summary: word(60),
        details: word(200),
        accusation: fc.boolean(),
      },
      { requiredKeys: ['category', 'summary'] },
    ),
    representatives: fc.array(fc.record({ name: word(8), phone: phoneArb }, { requiredKeys: ['name'] }), { maxLength: 5 }),
  },
  { requiredKeys: ['channel', 'unit', 'petitioner', 'matter'] },
);

/** Plausible values for every command field; each command takes the keys it needs. */
const bagArb = fc.record({
  note: word(),
  reason: word(),
  route: fc.constantFrom('litigation', 'discipline', 'other'),
  merge: fc.oneof(fc.nat(3), fc.constant('self' as const), fc.constant('unknown' as const)),
  unit: fc.constantFrom(...UNITS),
  handler: fc.option(word(8), { nil: undefined }),
  level: fc.constantFrom('county', 'township', 'village'),
  mediator: fc.option(word(8), { nil: undefined }),
  agreement: word(80),
  outcome: fc.constantFrom('support', 'explain', 'not-support'),
  opinion: word(80),
  method: fc.constantFrom('in-person', 'post', 'electronic'),
  proof: fc.option(word(16), { nil: undefined }),
  // P45D and P2M exceed the policy's 30-day maximum (Art 34): refused as VALIDATION when the event is otherwise allowed.
  duration: fc.constantFrom('P1D', 'P10D', 'P30D', 'PT12H', 'P45D', 'P2M'),
  dueIn: fc.option(fc.constantFrom('P3D', 'P10D', 'PT1H'), { nil: undefined }),
  unitRating: fc.constantFrom('satisfied', 'basically-satisfied', 'unsatisfied'),
  bureauRating: fc.constantFrom('satisfied', 'basically-satisfied', 'unsatisfied'),
  leader: word(8),
  clock: fc.constantFrom(...CLOCK_NAMES),
  conference: word(16),
  departments: fc.array(word(8), { minLength: 2, maxLength: 4 }),
});
type Bag = typeof bagArb extends fc.Arbitrary<infer T> ? T : never;

type Corruption = 'none' | 'drop' | 'extra' | 'bad' | 'unstorable' | 'unknownType' | 'notObject';

/** How a run's commands are drawn (weights out of 10). */
interface Mix {
  /** Steps that pick an event some role may send now, rather than any type by any role. */
  readonly guided: number;
  /** Guided steps that prefer moving the case along its lifecycle over side events. */
  readonly forward: number;
  /** Bodies made invalid for zod. */
  readonly corrupt: number;
  /** Commands sent with an `expectedVersion` one behind. */
  readonly stale: number;
  readonly maxCases: number;
  readonly minSteps: number;
  readonly maxSteps: number;
}

const weighted = <T>(yes: T, no: T, weight: number): fc.Arbitrary<T> =>
  weight <= 0
    ? fc.constant(no)
    : weight >= 10
      ? fc.constant(yes)
      : fc.oneof({ arbitrary: fc.constant(yes), weight }, { arbitrary: fc.constant(no), weight: 10 - weight });

interface CommandStep {
  readonly kind: 'command';
  readonly target: number;
  /** guided: pick among the events some role may send now; random: any type, any role. */
  readonly mode: 'guided' | 'random';
  readonly forward: boolean;
  readonly type: CommandType;
  readonly role: HumanRole;
  readonly pick: number;
  readonly bag: Bag;
  readonly corrupt: Corruption;
  readonly version: 'none' | 'current' | 'stale';
  readonly cityActor: boolean;
}
/** The deadline worker firing one (case, clock, generation); with `jump`, the clock first moves to the deadline's next fire time. */
interface TimerStep {
  readonly kind: 'timer';
  readonly target: number;
  readonly clock: ClockName;
  readonly generation: 'current' | number;
  /** Fire one of the case's running clocks (picked by `pick`) rather than `clock`. */
  readonly live: boolean;
  readonly pick: number;
  readonly jump: boolean;
  readonly lateMs: number;
  /** Deliveries of the same timer in a row (one reminder or the breach each). */
  readonly repeat: number;
}
interface TickStep {
  readonly kind: 'tick';
  readonly ms: number;
}
type Step = CommandStep | TimerStep | TickStep;

const commandStepArb = (mix: Mix): fc.Arbitrary<CommandStep> =>
  fc.record({
    kind: fc.constant('command' as const),
    target: fc.nat(3),
    mode: weighted<'guided' | 'random'>('guided', 'random', mix.guided),
    forward: weighted(true, false, mix.forward),
    type: fc.constantFrom(...COMMAND_TYPES),
    role: fc.constantFrom(...HUMAN_ROLES),
    pick: fc.nat(10_000),
    bag: bagArb,
    corrupt: fc.oneof(
      { arbitrary: fc.constant<Corruption>('none'), weight: 10 - mix.corrupt },
      { arbitrary: fc.constantFrom<Corruption>('drop', 'extra', 'bad', 'unstorable', 'unknownType', 'notObject'), weight: mix.corrupt },
    ),
    version: fc.oneof(
      { arbitrary: fc.constantFrom<'none' | 'current'>('none', 'current'), weight: 10 - mix.stale },
      { arbitrary: fc.constant('stale' as const), weight: mix.stale },
    ),
    cityActor: fc.boolean(),
  });
const timerStepArb: fc.Arbitrary<TimerStep> = fc.record({
  kind: fc.constant('timer' as const),
  target: fc.nat(3),
  clock: fc.constantFrom(...CLOCK_NAMES),
  generation: fc.oneof({ arbitrary: fc.constant('current' as const), weight: 3 }, { arbitrary: fc.integer({ min: 1, max: 3 }), weight: 1 }),
  live: weighted(true, false, 7),
  pick: fc.nat(100),
  jump: weighted(true, false, 7),
  repeat: fc.integer({ min: 1, max: 3 }),
  lateMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 * 86_400_000 })),
});
const tickStepArb: fc.Arbitrary<TickStep> = fc.record({
  kind: fc.constant('tick' as const),
  ms: fc.integer({ min: 1, max: 20 * 86_400_000 }),
});

const stepArb = (mix: Mix): fc.Arbitrary<Step> =>
  fc.oneof({ arbitrary: commandStepArb(mix), weight: 7 }, { arbitrary: timerStepArb, weight: 2 }, { arbitrary: tickStepArb, weight: 1 });

/** A run: a few fresh cases (new ids every run, so runs never share a case) and a sequence of steps on them. */
const runArb = (mix: Mix) =>
  fc.record({
    start: fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-06-30T00:00:00Z'), noInvalidDate: true }),
    intakes: fc.array(intakeArb, { minLength: 1, maxLength: mix.maxCases }),
    /** An intake whose text PostgreSQL cannot store: refused as VALIDATION, no case created. */
    badIntake: fc.option(fc.constantFrom('\u0000', '\ud800', '\udfff'), { nil: undefined, freq: 4 }),
    steps: fc.array(stepArb(mix), { minLength: mix.minSteps, maxLength: mix.maxSteps }),
  });

// ---------------------------------------------------------------- building commands

const REQUIRED: Record<CommandType, readonly string[]> = {
  VERIFY: [],
  REJECT: ['reason', 'route'],
  REQUEST_INFO: ['note'],
  PROVIDE_INFO: ['note'],
  MERGE: ['intoCaseId'],
  ASSIGN: ['unit'],
  OBJECT: ['reason'],
  START_MEDIATION: ['level'],
  RECORD_MEDIATION_SESSION: ['note'],
  MEDIATION_AGREED: ['agreement'],
  MEDIATION_FAILED: ['reason'],
  RESOLVE: ['outcome', 'opinion'],
  DELIVER: ['method'],
  REQUEST_EXTENSION: ['duration', 'reason'],
  APPROVE_EXTENSION: [],
  ESCALATE: ['reason'],
  REASSIGN: ['unit'],
  RATE_SATISFACTION: ['body', 'bureau'],
  REQUEST_REVIEW: ['reason'],
  ASSIGN_LEADER: ['leader'],
  PAUSE_CLOCK: ['clock'],
  RESUME_CLOCK: ['clock'],
  LINK_CONFERENCE: ['conference', 'departments'],
};

/** A free-text field of each command, where one exists. */
const TEXT_FIELD: Partial<Record<CommandType, string>> = {
  VERIFY: 'note',
  REJECT: 'reason',
  REQUEST_INFO: 'note',
  PROVIDE_INFO: 'note',
  ASSIGN: 'handler',
  OBJECT: 'reason',
  START_MEDIATION: 'mediator',
  RECORD_MEDIATION_SESSION: 'note',
  MEDIATION_AGREED: 'agreement',
  MEDIATION_FAILED: 'reason',
  RESOLVE: 'opinion',
  DELIVER: 'proof',
  REQUEST_EXTENSION: 'reason',
  APPROVE_EXTENSION: 'note',
  ESCALATE: 'reason',
  REASSIGN: 'handler',
  REQUEST_REVIEW: 'reason',
  ASSIGN_LEADER: 'leader',
  PAUSE_CLOCK: 'reason',
  RESUME_CLOCK: 'reason',
  LINK_CONFERENCE: 'conference',
};

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function fieldsFor(type: CommandType, b: Bag, mergeTarget: string): Record<string, unknown> {
  switch (type) {
    case 'VERIFY':
      return withoutUndefined({ note: b.handler });
    case 'REJECT':
      return { reason: b.reason, route: b.route };
    case 'REQUEST_INFO':
    case 'PROVIDE_INFO':
    case 'RECORD_MEDIATION_SESSION':
      return { note: b.note };
    case 'MERGE':
      return { intoCaseId: mergeTarget };
    case 'ASSIGN':
      return withoutUndefined({ unit: b.unit, handler: b.handler });
    case 'OBJECT':
    case 'MEDIATION_FAILED':
    case 'REQUEST_REVIEW':
      return { reason: b.reason };
    case 'START_MEDIATION':
      return withoutUndefined({ level: b.level, mediator: b.mediator });
    case 'MEDIATION_AGREED':
      return { agreement: b.agreement };
    case 'RESOLVE':
      return { outcome: b.outcome, opinion: b.opinion };
    case 'DELIVER':
      return withoutUndefined({ method: b.method, proof: b.proof });
    case 'REQUEST_EXTENSION':
      return { duration: b.duration, reason: b.reason };
    case 'APPROVE_EXTENSION':
      return withoutUndefined({ note: b.mediator });
    case 'ESCALATE':
      return withoutUndefined({ reason: b.reason, dueIn: b.dueIn });
    case 'REASSIGN':
      return withoutUndefined({ unit: b.unit, handler: b.handler, dueIn: b.dueIn });
    case 'RATE_SATISFACTION':
      return { body: b.unitRating, bureau: b.bureauRating };
    case 'ASSIGN_LEADER':
      return { leader: b.leader };
    case 'PAUSE_CLOCK':
    case 'RESUME_CLOCK':
      return withoutUndefined({ clock: b.clock, reason: b.handler });
    case 'LINK_CONFERENCE':
      return { conference: b.conference, departments: b.departments };
  }
}

/** Makes a body zod must refuse, or returns it unchanged for `none`. */
function corruptBody(type: CommandType, fields: Record<string, unknown>, how: Corruption): unknown {
  switch (how) {
    case 'none':
      return { type, ...fields };
    case 'unknownType':
      return { type: 'FROBNICATE', ...fields };
    case 'notObject':
      return [type];
    case 'extra':
      return { type, ...fields, bogus: 1 };
    case 'drop': {
      const key = REQUIRED[type][0];
      if (key === undefined) return { type, ...fields, unexpected: 'x' };
      const { [key]: _dropped, ...rest } = fields;
      return { type, ...rest };
    }
    case 'unstorable': {
      // Text PostgreSQL's jsonb cannot hold (a NUL, an unpaired surrogate) in a field that takes text.
      const key = TEXT_FIELD[type] ?? 'note';
      const text = fields[key];
      return { type, ...fields, [key]: typeof text === 'string' && text.length % 2 === 1 ? 'x\ud800y' : 'a\u0000b' };
    }
    case 'bad': {
      // A blank text (trimmed to empty) or a value outside an enum, a code or a duration.
      const key = REQUIRED[type][0] ?? 'note';
      return { type, ...fields, [key]: '   ' };
    }
  }
}

// ---------------------------------------------------------------- the run

/** What a refused command must leave untouched: the case row and its deadline rows (one round trip). */
interface CaseState {
  readonly version: number;
  readonly unit: string;
  readonly machineVersion: number;
  readonly snapshot: StoredSnapshot;
  readonly deadlines: readonly DeadlineRow[];
  readonly canonical: string;
}

/** A deadline row as `to_jsonb` gives it. */
interface DeadlineRow {
  readonly clock: string;
  readonly generation: number;
  readonly status: string;
  readonly next_fire_at: string | null;
}

async function caseState(id: string): Promise<CaseState> {
  const { rows } = await tdb.pool.query<{
    version: number;
    unit: string;
    machine_version: number;
    snapshot: StoredSnapshot;
    deadlines: DeadlineRow[];
  }>(
    `select c.version, c.unit, c.machine_version, c.snapshot,
            (select coalesce(jsonb_agg(to_jsonb(d) order by d.id), '[]'::jsonb) from deadlines d where d.case_id = c.id) as deadlines
       from cases c where c.id = $1`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`case ${id} vanished`);
  return {
    version: row.version,
    unit: row.unit,
    machineVersion: row.machine_version,
    snapshot: row.snapshot,
    deadlines: row.deadlines,
    canonical: canonical({ version: row.version, snapshot: row.snapshot, deadlines: row.deadlines }),
  };
}

/** Events that do not move a case along its lifecycle, or end it early; forward-guided steps avoid them. */
const SIDE_EVENTS = new Set<CommandType>([
  'ASSIGN_LEADER',
  'PAUSE_CLOCK',
  'RESUME_CLOCK',
  'ESCALATE',
  'REJECT',
  'MERGE',
  'REQUEST_INFO',
  'OBJECT',
  'MEDIATION_FAILED',
  'REQUEST_EXTENSION',
  'APPROVE_EXTENSION',
  'RECORD_MEDIATION_SESSION',
]);

const REFUSAL_CODES = ['EVENT_NOT_ALLOWED', 'FORBIDDEN', 'VALIDATION', 'VERSION_CONFLICT'];

function codeOf(err: unknown): string {
  if (err instanceof PetitionError) return err.code;
  throw err;
}

/** Every state some replayed trail passed through, to show the runs get deep into the lifecycle. */
const statesSeen = new Set<string>();

type Run = { start: Date; intakes: Intake[]; badIntake: string | undefined; steps: Step[] };

async function executeRun(run: Run): Promise<void> {
  const clock = fakeClock(run.start.toISOString());
  const engine = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar, now: clock.now });
  const ids: string[] = [];
  for (const body of run.intakes) {
    const view = await engine.intake(body, actor('clerk', body.unit));
    expect(view).toMatchObject({ state: 'received', version: 1 });
    ids.push(view.id);
  }
  if (run.badIntake !== undefined && run.intakes[0] !== undefined) {
    const first = run.intakes[0];
    const count = async () => (await tdb.pool.query<{ n: string }>('select count(*) as n from cases')).rows[0]?.n;
    const before = await count();
    const bad = { ...first, petitioner: { ...first.petitioner, name: `张${run.badIntake}某` } };
    await expect(engine.intake(bad, actor('clerk', first.unit))).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await count()).toBe(before);
  }
  let accepted = 0;
  const states = new Map<string, CaseState>();
  for (const s of run.steps) {
    if (s.kind === 'tick') {
      clock.advance(s.ms);
      continue;
    }
    const caseId = ids[s.target % ids.length] as string;
    // Runs never share a case, so the state read after the last step on this case is still current.
    const before = states.get(caseId) ?? (await caseState(caseId));
    const snapshot = restore(before.machineVersion, before.snapshot);

    if (s.kind === 'timer') {
      const running = CLOCK_NAMES.filter((c) => snapshot.context.clocks[c]?.status === 'running');
      const timerClock = (s.live ? running[s.pick % Math.max(running.length, 1)] : undefined) ?? s.clock;
      const generation = s.generation === 'current' ? (snapshot.context.clocks[timerClock]?.generation ?? 1) : s.generation;
      let current = before;
      for (let k = 0; k < s.repeat; k += 1) {
        const row = current.deadlines.find((d) => d.clock === timerClock && d.generation === generation);
        const due = row?.status === 'pending' && row.next_fire_at !== null ? new Date(row.next_fire_at) : undefined;
        if (s.jump && due !== undefined && due > clock.now()) clock.set(new Date(due.getTime() + s.lateMs).toISOString());
        const outcome = await fireTimer(engine, tdb.db, caseId, timerClock, generation);
        const after = await caseState(caseId);
        if (outcome === 'reminded' || outcome === 'breached') {
          expect(after.version).toBe(current.version + 1);
          accepted += 1;
        } else {
          expect(after.canonical).toBe(current.canonical);
          // A pending deadline whose fire time has come always fires: rows and machine clocks agree.
          if (due !== undefined && due <= clock.now())
            throw new Error(`${timerClock}#${generation} due ${due.toISOString()} but fireTimer said ${outcome}`);
        }
        current = after;
      }
      states.set(caseId, current);
      continue;
    }

    // Choose the command: guided steps pick an event some role may send now, so runs get deep into the lifecycle.
    let type = s.type;
    let role: HumanRole = s.role;
    let guided = false;
    if (s.mode === 'guided') {
      const at = clock.now().toISOString();
      const rolesOf = new Map<CommandType, HumanRole[]>();
      for (const r of HUMAN_ROLES) for (const t of allowedEvents(snapshot, r, at)) rolesOf.set(t, [...(rolesOf.get(t) ?? []), r]);
      let types = [...rolesOf.keys()];
      const onward = types.filter((t) => !SIDE_EVENTS.has(t));
      if (s.forward && onward.length > 0) types = onward;
      const chosen = types[s.pick % Math.max(types.length, 1)];
      const roles = chosen === undefined ? undefined : rolesOf.get(chosen);
      if (chosen !== undefined && roles !== undefined) {
        type = chosen;
        role = roles[Math.floor(s.pick / 100) % roles.length] ?? role;
        guided = true;
      }
    }
    const others = ids.filter((id) => id !== caseId);
    const mergeTarget =
      s.bag.merge === 'self'
        ? caseId
        : s.bag.merge === 'unknown'
          ? randomUUID()
          : (others[s.bag.merge % Math.max(others.length, 1)] ?? caseId);
    const body = corruptBody(type, fieldsFor(type, s.bag, mergeTarget), s.corrupt);
    const who: Actor = actor(role, s.cityActor ? CITY : before.unit, `${role}-${s.target}`);
    const expectedVersion = s.version === 'none' ? undefined : s.version === 'current' ? before.version : before.version - 1;

    let outcome: string;
    try {
      const view = await engine.dispatch(caseId, body, who, { expectedVersion });
      expect(view.version).toBe(before.version + 1);
      outcome = 'ok';
    } catch (err) {
      outcome = codeOf(err);
    }
    const after = await caseState(caseId);
    states.set(caseId, after);
    if (outcome === 'ok') {
      expect(after.version).toBe(before.version + 1);
      expect(s.corrupt).toBe('none');
      expect(s.version).not.toBe('stale');
      accepted += 1;
    } else {
      expect(REFUSAL_CODES).toContain(outcome);
      // A refused command changes nothing: version, snapshot and deadline rows are as they were.
      expect(after.canonical).toBe(before.canonical);
      if (s.corrupt !== 'none') expect(outcome).toBe('VALIDATION');
      else if (s.version === 'stale') expect(outcome).toBe('VERSION_CONFLICT');
      else {
        // A role that never sends this event, or a case sent outside the sender's reach, is FORBIDDEN; any other
        // refusal of a valid body is about the case's state.
        const target = (body as { unit?: unknown }).unit;
        const outOfReach =
          (type === 'ASSIGN' || type === 'REASSIGN') && typeof target === 'string' && !isWithinReach(who.unit, target, NO_TREE);
        expect(outcome === 'FORBIDDEN').toBe(!roleMaySend(type, role) || (outOfReach && outcome !== 'EVENT_NOT_ALLOWED'));
        if (guided && !outOfReach && !['PAUSE_CLOCK', 'RESUME_CLOCK', 'MERGE', 'REQUEST_EXTENSION'].includes(type)) {
          // The machine said this role may send it now, and no field-dependent rule applies: it must go through.
          throw new Error(`guided ${type} by ${role} refused with ${outcome}`);
        }
      }
    }
  }

  // The trail of every case replays to its stored snapshot, one accepted entry per version.
  let trail = 0;
  for (const id of ids) {
    const replay = await audit.replay(id);
    const rec = await cases.findCase(tdb.db, id);
    expect(replay.matchesStored).toBe(true);
    expect(replay.steps.every((st) => st.accepted)).toBe(true);
    expect(replay.steps.map((st) => st.seq)).toEqual(Array.from({ length: rec?.version ?? -1 }, (_, i) => i + 1));
    expect(replay.state).toBe(rec?.state);
    trail += replay.steps.length;
    for (const st of replay.steps) statesSeen.add(st.state);
  }
  expect(trail).toBe(run.intakes.length + accepted);
  // Each transition wrote the case's overdue_from and scope_units as it left its deadlines and units: rebuilding
  // them changes nothing.
  expect(await cases.refreshOverdueFrom(tdb.db, ids)).toBe(0);
  expect(await cases.refreshScopeUnits(tdb.db, ids)).toBe(0);
  const verified = await audit.verifyAudit();
  expect(verified.ok).toBe(true);
  expect(verified.firstBroken).toBeUndefined();
}

describe('the audit trail under random commands (property)', () => {
  it('mixed valid and invalid commands and timers: refusals change nothing, trails replay and verify', async () => {
    await fc.assert(
      fc.asyncProperty(runArb({ guided: 5, forward: 5, corrupt: 2, stale: 1, maxCases: 3, minSteps: 1, maxSteps: 10 }), async (run) =>
        executeRun(run),
      ),
      { numRuns: 125 },
    );
  }, 120_000);

  it('mostly valid commands deep into the lifecycle: trails replay and verify', async () => {
    await fc.assert(
      fc.asyncProperty(runArb({ guided: 9, forward: 8, corrupt: 1, stale: 0, maxCases: 2, minSteps: 8, maxSteps: 20 }), async (run) =>
        executeRun(run),
      ),
      { numRuns: 75 },
    );
    expect([...statesSeen].sort()).toEqual([...STATE_NAMES].sort());
  }, 120_000);

  it('covers the whole trail: verifyAudit checks every stored entry', async () => {
    const { rows } = await tdb.pool.query<{ n: string; c: string }>('select count(*) as n, count(distinct case_id) as c from case_events');
    const verified = await audit.verifyAudit();
    expect(verified).toMatchObject({ ok: true, checked: Number(rows[0]?.n), cases: Number(rows[0]?.c) });
    expect(verified.checked).toBeGreaterThan(200);
  });
});

describe('tampering', () => {
  async function mediatedCase(): Promise<string> {
    const clock = fakeClock('2026-03-02T01:00:00.000Z');
    const e = createPetitionEngine({ db: tdb.db, policy: V2_POLICY, calendar, now: clock.now });
    // Its random id sorts it somewhere among the property runs' cases; only its own trail is touched below.
    const { id } = await e.intake(intakeBody(), actor('clerk'));
    await e.dispatch(id, { type: 'VERIFY' }, actor('clerk'));
    await e.dispatch(id, { type: 'ASSIGN', unit: '411621', handler: '李某' }, actor('clerk'));
    await e.dispatch(id, { type: 'START_MEDIATION', level: 'township' }, actor('handler'));
    await e.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: '第一次调解' }, actor('mediator'));
    await e.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: '第二次调解' }, actor('mediator'));
    return id;
  }

  /** Only the owner may lift the trigger (the application role cannot ALTER the table): the attack assumes it. */
  async function withTriggerDisabled(statement: ReturnType<typeof sql>): Promise<void> {
    await tdb.ownerDb.transaction().execute(async (trx) => {
      await sql`alter table case_events disable trigger case_events_append_only`.execute(trx);
      await statement.execute(trx);
      await sql`alter table case_events enable trigger case_events_append_only`.execute(trx);
    });
  }

  it('an altered mid-trail row is found: verifyAudit names that case and seq, replay no longer matches', async () => {
    const id = await mediatedCase();
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
    const original = (await listEvents(tdb.db, id))[2];
    expect(original).toMatchObject({ seq: 3, type: 'ASSIGN' });

    await withTriggerDisabled(
      sql`update case_events set fields = ${JSON.stringify({ unit: '411622', handler: '李某' })}::jsonb where case_id = ${id} and seq = 3`,
    );
    const broken = await audit.verifyAudit();
    expect(broken.ok).toBe(false);
    expect(broken.firstBroken).toEqual({ caseId: id, seq: 3, reason: 'hash does not match the entry' });
    expect((await audit.replay(id)).matchesStored).toBe(false);

    // Put the row back: the trail verifies again, so the finding was exactly that row.
    await withTriggerDisabled(
      sql`update case_events set fields = ${JSON.stringify(original?.fields)}::jsonb where case_id = ${id} and seq = 3`,
    );
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
    expect((await audit.replay(id)).matchesStored).toBe(true);
  });

  it('an appended entry with a valid hash is found: the trail is longer than the case row says', async () => {
    const id = await mediatedCase();
    const head = (await listEvents(tdb.db, id)).at(-1);
    if (head === undefined) throw new Error('no trail');
    const forged = {
      caseId: id,
      seq: head.seq + 1,
      type: 'RECORD_MEDIATION_SESSION',
      fields: { note: '当事人同意撤回' },
      actor: { id: 'mediator-1', role: 'mediator', unit: '411621' },
      at: '2026-03-02T02:00:00.000Z',
      machineVersion: head.machineVersion,
      prevHash: head.hash,
    };
    // The application role may append (that is its job), so this needs no special rights at all.
    await tdb.db
      .insertInto('case_events')
      .values({
        case_id: id,
        seq: forged.seq,
        type: forged.type,
        fields: JSON.stringify(forged.fields),
        actor_id: forged.actor.id,
        actor_role: forged.actor.role,
        actor_unit: forged.actor.unit,
        at: forged.at,
        machine_version: forged.machineVersion,
        hash: Buffer.from(hashEvent(forged), 'hex'),
      })
      .execute();
    expect(await audit.verifyAudit()).toMatchObject({
      ok: false,
      firstBroken: {
        caseId: id,
        seq: head.seq + 1,
        reason: `the trail has ${head.seq + 1} entries but the case row is at version ${head.seq}`,
      },
    });
    await withTriggerDisabled(sql`delete from case_events where case_id = ${id} and seq = ${forged.seq}`);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
  });

  it('a case moved to another county is found: the case row is rebuilt from the trail and compared', async () => {
    const id = await mediatedCase();
    const before = await cases.findCase(tdb.db, id);
    // The application role may not write the unit column at all; the owner can.
    await expect(tdb.pool.query(`update cases set unit = '411681' where id = $1`, [id])).rejects.toMatchObject({ code: '42501' });
    await tdb.ownerPool.query(`update cases set unit = '411681' where id = $1`, [id]);
    expect(await audit.verifyAudit()).toMatchObject({
      ok: false,
      firstBroken: { caseId: id, seq: 6, reason: `case row unit "411681" differs from the trail’s ${JSON.stringify(before?.unit)}` },
    });
    await tdb.ownerPool.query(`update cases set unit = $2 where id = $1`, [id, before?.unit]);
    await tdb.ownerPool.query(`update cases set state = 'closed' where id = $1`, [id]);
    expect(await audit.verifyAudit()).toMatchObject({
      ok: false,
      firstBroken: { caseId: id, reason: expect.stringMatching(/^case row state "closed"/) },
    });
    await tdb.ownerPool.query(`update cases set state = $2 where id = $1`, [id, before?.state]);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
  });

  it('the application role cannot UPDATE, DELETE, TRUNCATE or ALTER the trail or the checkpoints', async () => {
    const id = await mediatedCase();
    const denied = { code: '42501' };
    for (const table of ['case_events', 'audit_checkpoints']) {
      await expect(tdb.pool.query(`update ${table} set ${table === 'case_events' ? 'type' : 'root'} = 'x'`)).rejects.toMatchObject(denied);
      await expect(tdb.pool.query(`delete from ${table}`)).rejects.toMatchObject(denied);
      await expect(tdb.pool.query(`truncate ${table}`)).rejects.toMatchObject(denied);
      await expect(tdb.pool.query(`alter table ${table} disable trigger all`)).rejects.toMatchObject(denied);
      await expect(tdb.pool.query(`drop table ${table}`)).rejects.toMatchObject(denied);
    }
    await expect(tdb.pool.query(`alter table case_events add column note text`)).rejects.toMatchObject(denied);
    expect(await listEvents(tdb.db, id)).toHaveLength(6);
  });

  it('PostgreSQL refuses UPDATE, DELETE and TRUNCATE of the trail, even to its owner', async () => {
    const id = await mediatedCase();
    await expect(tdb.ownerPool.query(`update case_events set type = 'X' where case_id = $1 and seq = 2`, [id])).rejects.toMatchObject({
      code: 'P0001',
      message: 'case_events is append-only: UPDATE refused',
    });
    await expect(tdb.ownerPool.query(`update case_events set type = 'X'`)).rejects.toThrow(/append-only/);
    await expect(tdb.ownerPool.query(`delete from case_events where case_id = $1 and seq = 6`, [id])).rejects.toMatchObject({
      code: 'P0001',
      message: 'case_events is append-only: DELETE refused',
    });
    await expect(tdb.ownerPool.query('truncate case_events cascade')).rejects.toThrow(/append-only/);
    const events = await listEvents(tdb.db, id);
    expect(events.map((e) => e.type)).toEqual([
      'INTAKE',
      'VERIFY',
      'ASSIGN',
      'START_MEDIATION',
      'RECORD_MEDIATION_SESSION',
      'RECORD_MEDIATION_SESSION',
    ]);
    expect(await audit.verifyAudit()).toMatchObject({ ok: true });
  });
});
