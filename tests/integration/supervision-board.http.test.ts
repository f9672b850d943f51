/**
 * The listed-supervision board (挂牌督办 until 挂牌销号), GET /supervision: the
 * escalated and listed cases of the caller's subtree until they close, and per
 * unit the counts `active`, `listed`, `overdue` (a breached deadline, or a
 * pending one past due) and `atRisk` (a reminder fired, not yet due). Time is a
 * fake clock shared by the engine and the API; reminders and breaches are fired
 * through the engine's `fireTimer`, as the deadline workers would.
 */
import { signToken } from '../../api/auth';
import type { ClockName, HumanRole } from '../../machines/petition.vocabulary';
import type { TimerOutcome } from '../../engine/petition.engine';
import { fakeClock, intakeBody } from '../support/engine-fixtures';
import { createTestServer, TEST_SECRET, type TestServer } from '../support/test-server';
import { fireTimer } from '../support/fire-timer';

const CITY = '411600';
const FUGOU = '411621';
const XIHUA = '411622';

type Body = Record<string, unknown>;
interface Deadline {
  clock: ClockName;
  generation: number;
  dueAt: string;
  status: string;
  reminders: string[];
}
interface View {
  id: string;
  state: string;
  listed: boolean;
  deadlines: Deadline[];
}
interface UnitCounts {
  unit: string;
  active: number;
  listed: number;
  overdue: number;
  atRisk: number;
}
interface Board {
  unit: string;
  units: UnitCounts[];
  cases: View[];
  nextCursor: string | null;
}

/** The real server over a private database, with the engine in reach (to fire timers) and a fake clock. */
interface BoardServer extends TestServer {
  readonly clock: ReturnType<typeof fakeClock>;
}

async function boardServer(label: string): Promise<BoardServer> {
  const clock = fakeClock();
  const server = await createTestServer(label, { now: clock.now });
  return { ...server, clock };
}

async function closeServer(s: BoardServer | undefined): Promise<void> {
  // beforeAll may have failed before the server existed.
  await s?.close();
}

function client(s: BoardServer) {
  async function call(role: HumanRole, unit: string, method: 'GET' | 'POST', url: string, payload?: Body) {
    const token = await signToken(TEST_SECRET, { sub: `${role}@${unit}`, role, unit });
    const res = await s.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(payload !== undefined && { payload }),
    });
    return { status: res.statusCode, body: res.json() };
  }
  return {
    call,
    async intake(unit: string): Promise<View> {
      const res = await call('clerk', unit, 'POST', '/petitions', intakeBody({ unit }));
      expect(res.status).toBe(201);
      return res.body;
    },
    async send(role: HumanRole, unit: string, id: string, event: Body, state: string): Promise<View> {
      const res = await call(role, unit, 'POST', `/petitions/${id}/events`, event);
      expect({ type: event.type, status: res.status, state: res.body.state }).toEqual({ type: event.type, status: 200, state });
      return res.body;
    },
    async board(role: HumanRole, unit: string, query = ''): Promise<Board> {
      const res = await call(role, unit, 'GET', `/supervision${query}`);
      expect(res.status).toBe(200);
      return res.body;
    },
    /** The ids on the first page of `?overdue=true` as `role` of `unit` sees it. */
    async overdueIds(role: HumanRole, unit: string): Promise<string[]> {
      const res = await call(role, unit, 'GET', '/petitions?overdue=true');
      expect(res.status).toBe(200);
      return (res.body.items as { id: string }[]).map((c) => c.id);
    },
    async view(id: string): Promise<View> {
      const res = await call('supervisor', CITY, 'GET', `/petitions/${id}`);
      expect(res.status).toBe(200);
      return res.body;
    },
  };
}

/** The live deadline of `clock` on a case. */
function deadlineOf(view: View, clock: ClockName): Deadline {
  const d = view.deadlines.filter((x) => x.clock === clock && x.status === 'pending').sort((a, b) => b.generation - a.generation)[0];
  if (d === undefined) throw new Error(`no pending ${clock} deadline on ${view.id}`);
  return d;
}

/** The counts of one unit's line on a board (zeros when the unit has no open case). */
function countsOf(board: Board, unit: string): Omit<UnitCounts, 'unit'> {
  const row = board.units.find((u) => u.unit === unit);
  return row === undefined
    ? { active: 0, listed: 0, overdue: 0, atRisk: 0 }
    : { active: row.active, listed: row.listed, overdue: row.overdue, atRisk: row.atRisk };
}

const idsOf = (board: Board) => board.cases.map((c) => c.id).sort();
const later = (iso: string, ms: number) => new Date(new Date(iso).getTime() + ms).toISOString();
const MINUTE = 60_000;

describe('a listed case (挂牌督办) stays on the board until it closes (挂牌销号)', () => {
  let s: BoardServer;
  beforeAll(async () => {
    s = await boardServer('board_listed');
  });
  afterAll(async () => {
    await closeServer(s);
  });

  it('appears when escalated, stays through reassignment, resolution and delivery, and disappears when closed', async () => {
    const { intake, send, board, view } = client(s);
    const listed = await intake(FUGOU);
    const plain = await intake(FUGOU);
    await send('clerk', FUGOU, listed.id, { type: 'VERIFY' }, 'verified');
    await send('clerk', FUGOU, listed.id, { type: 'ASSIGN', unit: FUGOU, handler: '王科长' }, 'assigned');

    // Assigned but not escalated: active, not on the board.
    let b = await board('supervisor', FUGOU);
    expect(b.cases).toEqual([]);
    expect(countsOf(b, FUGOU)).toEqual({ active: 2, listed: 0, overdue: 0, atRisk: 0 });

    const escalated = await send('supervisor', FUGOU, listed.id, { type: 'ESCALATE', reason: '挂牌督办', dueIn: 'P10D' }, 'escalated');
    expect(escalated.listed).toBe(true);
    b = await board('supervisor', FUGOU);
    expect(b.unit).toBe(FUGOU);
    expect(idsOf(b)).toEqual([listed.id]);
    expect(b.cases[0]).toMatchObject({ id: listed.id, state: 'escalated', listed: true });
    expect(countsOf(b, FUGOU)).toEqual({ active: 2, listed: 1, overdue: 0, atRisk: 0 });

    // 督办 back down with a deadline: no longer escalated, still listed.
    await send('supervisor', FUGOU, listed.id, { type: 'REASSIGN', unit: FUGOU, handler: '王科长', dueIn: 'P20D' }, 'assigned');
    b = await board('supervisor', FUGOU);
    expect(idsOf(b)).toEqual([listed.id]);
    expect(countsOf(b, FUGOU)).toMatchObject({ listed: 1 });

    await send('handler', FUGOU, listed.id, { type: 'RESOLVE', outcome: 'support', opinion: '支持信访人的请求' }, 'resolved');
    const delivered = await send('clerk', FUGOU, listed.id, { type: 'DELIVER', method: 'in-person' }, 'resolved');
    b = await board('supervisor', FUGOU);
    expect(idsOf(b)).toEqual([listed.id]);
    expect(countsOf(b, FUGOU)).toMatchObject({ listed: 1 });

    // The petitioner's review window lapses: the case closes (终结) and comes off the board (销号).
    await send('clerk', FUGOU, plain.id, { type: 'REJECT', reason: '属于诉讼程序处理的事项', route: 'litigation' }, 'rejected');
    const window = deadlineOf(delivered, 'reviewRequest');
    s.clock.set(later(window.dueAt, MINUTE));
    expect(await fireTimer(s.engine, s.tdb.db, listed.id, 'reviewRequest', window.generation)).toBe('breached');
    expect(await view(listed.id)).toMatchObject({ state: 'closed', closure: 'window-lapsed' });
    b = await board('supervisor', FUGOU);
    expect(b.cases).toEqual([]);
    expect(b.units.find((u) => u.unit === FUGOU)).toBeUndefined();
  });
});

describe('per-unit counts', () => {
  let s: BoardServer;
  beforeAll(async () => {
    s = await boardServer('board_counts');
  });
  afterAll(async () => {
    await closeServer(s);
  });

  it('count active, listed, overdue (past due, then breached) and at-risk (a reminder fired) cases, per unit and scoped to the caller', async () => {
    const { intake, send, board, view, overdueIds } = client(s);

    // T0: a case that will be overdue.
    const overdue = await intake(FUGOU);
    const acceptance = deadlineOf(overdue, 'acceptance');

    // T1, just past its due time: a case that will be at risk, a plain one, a listed one, and one in the sibling county.
    s.clock.set(later(acceptance.dueAt, MINUTE));
    const atRisk = await intake(FUGOU);
    const plain = await intake(FUGOU);
    const listed = await intake(FUGOU);
    await send('supervisor', FUGOU, listed.id, { type: 'ESCALATE', reason: '群众反映强烈，挂牌督办', dueIn: 'P20D' }, 'escalated');
    const sibling = await intake(XIHUA);
    await send('supervisor', CITY, sibling.id, { type: 'ESCALATE', reason: '市级挂牌督办', dueIn: 'P20D' }, 'escalated');

    // Pending past due, nothing fired yet: already overdue.
    let b = await board('supervisor', FUGOU);
    expect(countsOf(b, FUGOU)).toEqual({ active: 4, listed: 1, overdue: 1, atRisk: 0 });
    // The overdue list says the same: the case's row carries when it falls overdue, written with its intake.
    expect(await overdueIds('supervisor', FUGOU)).toEqual([overdue.id]);
    expect(await overdueIds('supervisor', XIHUA)).toEqual([]);

    // T2: past the first reminder of the at-risk case, well before its due time; the worker fires it.
    const risky = deadlineOf(atRisk, 'acceptance');
    const firstReminder = risky.reminders[0];
    if (firstReminder === undefined) throw new Error('the acceptance clock has reminders in the default policy');
    s.clock.set(later(firstReminder, MINUTE));
    expect(new Date(s.clock.now()) < new Date(risky.dueAt)).toBe(true);
    expect(await fireTimer(s.engine, s.tdb.db, atRisk.id, 'acceptance', risky.generation)).toBe('reminded');
    b = await board('supervisor', FUGOU);
    expect(countsOf(b, FUGOU)).toEqual({ active: 4, listed: 1, overdue: 1, atRisk: 1 });
    expect(idsOf(b)).toEqual([listed.id]);

    // The overdue case's worker catches up: its reminders, then the breach, which escalates it (督办) onto the board.
    const outcomes: TimerOutcome[] = [];
    for (let i = 0; i < 10 && outcomes[outcomes.length - 1] !== 'breached'; i++) {
      outcomes.push(await fireTimer(s.engine, s.tdb.db, overdue.id, 'acceptance', acceptance.generation));
    }
    expect(outcomes).toEqual([...acceptance.reminders.map(() => 'reminded'), 'breached']);
    expect(await view(overdue.id)).toMatchObject({ state: 'escalated', listed: true, escalation: { kind: 'breach' } });
    b = await board('supervisor', FUGOU);
    expect(countsOf(b, FUGOU)).toEqual({ active: 4, listed: 2, overdue: 1, atRisk: 1 });
    expect(idsOf(b)).toEqual([listed.id, overdue.id].sort());
    expect(await overdueIds('supervisor', FUGOU)).toEqual([overdue.id]);

    // Scope: the county sees its own line only, and asking for the sibling county narrows to its own.
    const county = await board('supervisor', FUGOU);
    expect(county.units.map((u) => u.unit)).toEqual([FUGOU]);
    expect(idsOf(county)).not.toContain(sibling.id);
    expect(await board('supervisor', FUGOU, `?unit=${XIHUA}`)).toEqual(county);
    expect(await board('auditor', FUGOU)).toMatchObject({ unit: FUGOU, units: county.units });
    expect(await board('leader', FUGOU)).toMatchObject({ unit: FUGOU, units: county.units });
    expect((await board('supervisor', XIHUA)).units).toEqual([{ unit: XIHUA, active: 1, listed: 1, overdue: 0, atRisk: 0 }]);

    // The city sees both counties, each on its own line, and can look at one of them.
    const city = await board('supervisor', CITY);
    expect(city.units.map((u) => u.unit)).toEqual([FUGOU, XIHUA]);
    expect(countsOf(city, FUGOU)).toEqual(countsOf(county, FUGOU));
    expect(idsOf(city)).toEqual([...idsOf(county), sibling.id].sort());
    const cityOnXihua = await board('supervisor', CITY, `?unit=${XIHUA}`);
    expect({ unit: cityOnXihua.unit, units: cityOnXihua.units.map((u) => u.unit), cases: idsOf(cityOnXihua) }).toEqual({
      unit: XIHUA,
      units: [XIHUA],
      cases: [sibling.id],
    });

    // Later, past the due time of the T1 cases: the at-risk case is overdue now, no longer merely at risk, and so is
    // the listed one (escalated from received, its acceptance clock still runs); the plain one was accepted in time.
    await send('clerk', FUGOU, plain.id, { type: 'VERIFY' }, 'verified');
    s.clock.set(later(risky.dueAt, MINUTE));
    b = await board('supervisor', FUGOU);
    expect(countsOf(b, FUGOU)).toEqual({ active: 4, listed: 2, overdue: 3, atRisk: 0 });
  });

  it('pages its cases with limit and cursor like every list: limit=1 drops nothing', async () => {
    const { board, call } = client(s);
    const whole = await board('supervisor', CITY);
    expect(whole.cases.length).toBeGreaterThan(1);
    expect(whole.nextCursor).toBeNull();
    const seen: string[] = [];
    let page = await board('supervisor', CITY, '?limit=1');
    for (let i = 0; i < 10; i++) {
      expect(page.cases).toHaveLength(1);
      expect(page.units).toEqual(whole.units);
      seen.push(...page.cases.map((c) => c.id));
      if (page.nextCursor === null) break;
      page = await board('supervisor', CITY, `?limit=1&cursor=${encodeURIComponent(page.nextCursor)}`);
    }
    expect(seen).toEqual(whole.cases.map((c) => c.id));
    const bad = await call('supervisor', CITY, 'GET', '/supervision?cursor=not-a-cursor');
    expect({ status: bad.status, code: bad.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION' });
  });

  it('shows each case as GET /petitions/:id shows it to the same viewer (the page is built in one round of queries)', async () => {
    const { board, call } = client(s);
    for (const [role, unit] of [
      ['supervisor', CITY],
      ['auditor', FUGOU],
    ] as const) {
      const b = await board(role, unit);
      expect(b.cases.length).toBeGreaterThan(0);
      for (const c of b.cases) {
        const one = await call(role, unit, 'GET', `/petitions/${c.id}`);
        expect(one.status).toBe(200);
        expect(c).toEqual(one.body);
      }
    }
  });

  it('is forbidden (403) to clerks, handlers and mediators', async () => {
    const { call } = client(s);
    for (const role of ['clerk', 'handler', 'mediator'] as const) {
      for (const unit of [FUGOU, CITY]) {
        const res = await call(role, unit, 'GET', '/supervision');
        expect({ role, unit, status: res.status, code: res.body.error?.code }).toEqual({ role, unit, status: 403, code: 'FORBIDDEN' });
      }
    }
  });
});
