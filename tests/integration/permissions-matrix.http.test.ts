/**
 * The whole role × unit × event matrix, generated from PERMISSIONS and checked
 * against the HTTP API. For each active state, on one probe case reached by a
 * fixed path: `allowedEvents` per role is the matrix minus the commands a
 * context guard blocks on that path (listed below, with the reason); every
 * refused combination is POSTed and answers 404 (case out of sight), 403
 * FORBIDDEN (a role that never sends the type) or 422 EVENT_NOT_ALLOWED
 * (wrong state or a guard), without changing the case and with a
 * refused_attempts row per 403/422; every permitted combination is POSTed on a
 * throwaway case in that state and answers 200.
 */
import { roleMaySend } from '../../machines/event-permission';
import { isPermitted } from '../../machines/petition.permissions';
import { ACTIVE_STATES, CASE_ROLES, type HumanRole } from '../../machines/petition.vocabulary';
import { COMMAND_TYPES, type CommandType } from '../../machines/petition.schemas';
import { intakeBody } from '../support/engine-fixtures';
import { PERMISSIONS, VALID_FIELDS } from '../support/machine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

// A few hundred requests per state; the project's testTimeout does not reach per-file runs.
jest.setTimeout(30_000);

type ActiveState = (typeof ACTIVE_STATES)[number];
type Body = Record<string, unknown>;

/** The case's own county (扶沟县), the city above it (周口市), a sibling county (西华县). */
const OWN = '411621';
const CITY = '411600';
const SIBLING = '411622';
const UNITS = [OWN, CITY, SIBLING] as const;
type Unit = (typeof UNITS)[number];

/** The fixed path to each active state: who sends what, from intake. The assignee stays in the own county. */
const PATHS: Readonly<Record<ActiveState, readonly (readonly [HumanRole, Body])[]>> = {
  received: [],
  verified: [['clerk', { type: 'VERIFY' }]],
  assigned: [
    ['clerk', { type: 'VERIFY' }],
    ['clerk', { type: 'ASSIGN', unit: OWN, handler: 'handler-1' }],
  ],
  mediated: [
    ['clerk', { type: 'VERIFY' }],
    ['clerk', { type: 'ASSIGN', unit: OWN, handler: 'handler-1' }],
    ['handler', { type: 'START_MEDIATION', level: 'township' }],
  ],
  resolved: [
    ['clerk', { type: 'VERIFY' }],
    ['clerk', { type: 'ASSIGN', unit: OWN, handler: 'handler-1' }],
    ['handler', { type: 'RESOLVE', outcome: 'support', opinion: '支持信访人的请求' }],
  ],
  escalated: [
    ['clerk', { type: 'VERIFY' }],
    ['clerk', { type: 'ASSIGN', unit: OWN, handler: 'handler-1' }],
    ['supervisor', { type: 'ESCALATE', reason: '挂牌督办', dueIn: 'P10D' }],
  ],
};

/**
 * Commands the matrix permits in a state that a context guard blocks on the
 * fixed path above (they answer 422 and are missing from `allowedEvents`).
 */
const GUARD_BLOCKED: Readonly<Record<ActiveState, readonly CommandType[]>> = {
  // PROVIDE_INFO answers a REQUEST_INFO, and none was sent; no clock is paused.
  received: ['PROVIDE_INFO', 'RESUME_CLOCK'],
  // APPROVE_EXTENSION needs a pending REQUEST_EXTENSION; no clock is paused.
  verified: ['APPROVE_EXTENSION', 'RESUME_CLOCK'],
  // (OBJECT is allowed: the objection window of 5 working days just opened.)
  assigned: ['APPROVE_EXTENSION', 'RESUME_CLOCK'],
  mediated: ['APPROVE_EXTENSION', 'RESUME_CLOCK'],
  // Not yet delivered (送达): no review window, no satisfaction window; every clock has stopped, so none pauses.
  resolved: ['RATE_SATISFACTION', 'REQUEST_REVIEW', 'PAUSE_CLOCK', 'RESUME_CLOCK'],
  escalated: ['APPROVE_EXTENSION', 'RESUME_CLOCK'],
};

/** The clock the clock commands name in each state: the one running there (none runs in `resolved`). */
const CLOCK_OF: Readonly<Record<ActiveState, string>> = {
  received: 'acceptance',
  verified: 'handling',
  assigned: 'handling',
  mediated: 'handling',
  resolved: 'handling',
  escalated: 'handling',
};

/** The commands `role` may send on the probe case in `state`, in COMMAND_TYPES order (as `allowedEvents` lists them). */
function expectedAllowed(state: ActiveState, role: HumanRole): CommandType[] {
  return COMMAND_TYPES.filter((type) => isPermitted(PERMISSIONS, type, state, role) && !GUARD_BLOCKED[state].includes(type));
}

/** The answer to `type` sent by `role` of `unit` to the probe case in `state`. */
function expectedStatus(state: ActiveState, type: CommandType, role: HumanRole, unit: Unit): 200 | 403 | 404 | 422 {
  if (unit === SIBLING) return 404;
  if (!roleMaySend(type, role)) return 403;
  return expectedAllowed(state, role).includes(type) ? 200 : 422;
}

const CODE_OF = { 403: 'FORBIDDEN', 404: 'NOT_FOUND', 422: 'EVENT_NOT_ALLOWED' } as const;

let s: TestServer;
/** A case still in progress, the target of every MERGE. */
let mergeTarget: string;
const tokens = new Map<string, string>();

const userOf = (role: HumanRole, unit: string) => `${role}@${unit}`;

async function auth(role: HumanRole, unit: string): Promise<string> {
  const key = `${role}@${unit}`;
  let t = tokens.get(key);
  if (t === undefined) {
    t = `Bearer ${await s.token(role, unit, userOf(role, unit))}`;
    tokens.set(key, t);
  }
  return t;
}

async function call(role: HumanRole, unit: string, method: 'GET' | 'POST', url: string, payload?: Body) {
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: await auth(role, unit) },
    ...(payload !== undefined && { payload }),
  });
  return { status: res.statusCode, body: res.json() };
}

/** Valid fields of `type` for a case in `state`. */
function commandFor(type: CommandType, state: ActiveState): Body {
  const fields: Body = { ...(VALID_FIELDS[type] as Body) };
  if (type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK') fields.clock = CLOCK_OF[state];
  if (type === 'MERGE') fields.intoCaseId = mergeTarget;
  if (type === 'ASSIGN' || type === 'REASSIGN') fields.unit = OWN;
  return { type, ...fields };
}

/** A fresh case of the own county in `state`, by its fixed path. */
async function caseIn(state: ActiveState): Promise<{ id: string; version: number }> {
  const created = await call('clerk', OWN, 'POST', '/petitions', intakeBody());
  expect(created.status).toBe(201);
  let view = created.body as { id: string; state: string; version: number };
  for (const [role, body] of PATHS[state]) {
    const res = await call(role, OWN, 'POST', `/petitions/${view.id}/events`, body);
    expect({ step: body.type, status: res.status }).toEqual({ step: body.type, status: 200 });
    view = res.body;
  }
  expect(view.state).toBe(state);
  return { id: view.id, version: view.version };
}

/** Runs `fn` over `items`, `size` at a time. */
async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

interface Combo {
  readonly type: CommandType;
  readonly role: HumanRole;
  readonly unit: Unit;
  readonly expected: 200 | 403 | 404 | 422;
}

function combos(state: ActiveState): Combo[] {
  return COMMAND_TYPES.flatMap((type) =>
    CASE_ROLES.flatMap((role) => UNITS.map((unit) => ({ type, role, unit, expected: expectedStatus(state, type, role, unit) }))),
  );
}

beforeAll(async () => {
  s = await createTestServer('perm_matrix');
  mergeTarget = (await caseIn('received')).id;
});
afterAll(async () => {
  await s.close();
});

describe('the generated matrix', () => {
  it('covers every command, role and unit in every active state, with each answer represented', () => {
    const all = ACTIVE_STATES.flatMap((state) => combos(state));
    expect(all).toHaveLength(ACTIVE_STATES.length * COMMAND_TYPES.length * CASE_ROLES.length * UNITS.length);
    const byStatus = new Map<number, number>();
    for (const c of all) byStatus.set(c.expected, (byStatus.get(c.expected) ?? 0) + 1);
    expect([...byStatus.keys()].sort()).toEqual([200, 403, 404, 422]);
    // Every guard-blocked command is one the matrix permits there (else it would not need listing).
    for (const state of ACTIVE_STATES) {
      for (const type of GUARD_BLOCKED[state]) expect(CASE_ROLES.some((role) => isPermitted(PERMISSIONS, type, state, role))).toBe(true);
    }
  });
});

describe.each(ACTIVE_STATES)('a case in state %s', (state) => {
  let probe: { id: string; version: number };
  beforeAll(async () => {
    probe = await caseIn(state);
  });

  it('shows each role of the own county and of the city the events the matrix permits (minus guard-blocked ones); the sibling county sees no case', async () => {
    const reads = CASE_ROLES.flatMap((role) => UNITS.map((unit) => ({ role, unit })));
    const results = await inBatches(reads, 9, async ({ role, unit }) => {
      const res = await call(role, unit, 'GET', `/petitions/${probe.id}`);
      return { role, unit, status: res.status, allowed: res.status === 200 ? res.body.allowedEvents : res.body.error?.code };
    });
    expect(results).toEqual(
      reads.map(({ role, unit }) =>
        unit === SIBLING
          ? { role, unit, status: 404, allowed: 'NOT_FOUND' }
          : { role, unit, status: 200, allowed: expectedAllowed(state, role) },
      ),
    );
  });

  it('refuses every other combination with the exact status and code, changes nothing, and records each 403 and 422', async () => {
    const refused = combos(state).filter((c) => c.expected !== 200);
    const before = await call('supervisor', OWN, 'GET', `/petitions/${probe.id}`);
    expect(before.body.version).toBe(probe.version);

    const answers = await inBatches(refused, 12, async (c) => {
      const res = await call(c.role, c.unit, 'POST', `/petitions/${probe.id}/events`, commandFor(c.type, state));
      return { ...c, status: res.status, code: res.body.error?.code, details: res.body.error?.details };
    });
    expect(answers.map(({ type, role, unit, status, code }) => ({ type, role, unit, status, code }))).toEqual(
      refused.map(({ type, role, unit, expected }) => ({ type, role, unit, status: expected, code: CODE_OF[expected as 403 | 404 | 422] })),
    );
    // A 422 names the state and the events that role could send.
    for (const a of answers.filter((x) => x.status === 422)) {
      expect({ type: a.type, role: a.role, details: a.details }).toEqual({
        type: a.type,
        role: a.role,
        details: { state, allowedEvents: expectedAllowed(state, a.role) },
      });
    }

    const after = await call('supervisor', OWN, 'GET', `/petitions/${probe.id}`);
    expect({ state: after.body.state, version: after.body.version, updatedAt: after.body.updatedAt }).toEqual({
      state,
      version: probe.version,
      updatedAt: before.body.updatedAt,
    });
    const history = await call('auditor', OWN, 'GET', `/petitions/${probe.id}/history`);
    expect(history.body.events).toHaveLength(probe.version);

    // Every 403 and 422 left one row naming who, from where, what, in which state and why; a 404 leaves none.
    const rows = await s.tdb.db
      .selectFrom('refused_attempts')
      .select(['actor_id', 'actor_role', 'actor_unit', 'event_type', 'state', 'code', 'message'])
      .where('case_id', '=', probe.id)
      .execute();
    const key = (r: { actor_id: string; actor_role: string; actor_unit: string; event_type: string; state: string | null; code: string }) =>
      [r.event_type, r.actor_role, r.actor_unit, r.actor_id, r.state, r.code].join(' ');
    const denials = refused.filter((c) => c.expected !== 404);
    expect(rows.map(key).sort()).toEqual(
      denials
        .map((c) =>
          key({
            actor_id: userOf(c.role, c.unit),
            actor_role: c.role,
            actor_unit: c.unit,
            event_type: c.type,
            state,
            code: CODE_OF[c.expected as 403 | 422],
          }),
        )
        .sort(),
    );
    expect(rows.every((r) => r.message.length > 0)).toBe(true);
  });

  it('accepts every permitted combination from the own county and from the city (each on a throwaway case)', async () => {
    const permitted = combos(state).filter((c) => c.expected === 200);
    expect(permitted.length).toBeGreaterThan(0);
    const answers = await inBatches(permitted, 8, async (c) => {
      const fresh = await caseIn(state);
      const res = await call(c.role, c.unit, 'POST', `/petitions/${fresh.id}/events`, commandFor(c.type, state));
      return {
        type: c.type,
        role: c.role,
        unit: c.unit,
        status: res.status,
        version: res.body.version - fresh.version,
        error: res.body.error,
      };
    });
    expect(answers).toEqual(permitted.map(({ type, role, unit }) => ({ type, role, unit, status: 200, version: 1, error: undefined })));
  });
});
