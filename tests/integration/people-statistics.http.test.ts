/**
 * 初信初访 and 重复信访 from the person index into the statistics (issues 11
 * item 5 and 12), through the HTTP API under machine version 3: the intake
 * answer carries registration's flags, the case view keeps them, GET /stats
 * counts them (`counts.flags.first`, `rates.repeat`, computed here by hand
 * from the matters registered), and the facts rebuilt from the trails agree.
 * Then the related matters of a v3 case: a matter open at the county brought
 * to the city is proposed for REJECT `in-progress-below`, and the refusal
 * names it; and v3 numbers stay unique under concurrent intakes.
 */
import { factsDivergences } from '../../engine/statistics/facts-rebuild';
import { createXihuaServer, X, xihuaPetitioner, type XihuaServer } from '../support/xihua-fixtures';

jest.setTimeout(120_000);

let x: XihuaServer;
beforeAll(async () => {
  x = await createXihuaServer('people-statistics', '2026-06-01T01:00:00.000Z');
});
afterAll(async () => {
  await x?.s.close();
});

/** Three people of this suite (numbers far from the fixture's own petitioners). */
const P1 = xihuaPetitioner(9001);
const P2 = xihuaPetitioner(9002);
const P3 = xihuaPetitioner(9003);

const LAND = '征地补偿款至今未发放，请求尽快发放';
const WAGES = '工地拖欠农民工工资，请求督促支付';
const ROAD = '村内道路损坏严重，请求维修';

interface Registered {
  readonly id: string;
  readonly number: string;
  readonly flags: Record<string, unknown>;
}

/** Registers a letter of `petitioner` about `summary` at `unit` and answers the intake view. */
async function register(petitioner: typeof P1, summary: string, unit: string = X.bureau): Promise<Registered> {
  const res = await x.call('clerk', unit, 'POST', '/petitions', {
    channel: 'letter',
    unit,
    class: 'complaint',
    petitioner,
    matter: { category: '其他', summary },
  });
  expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
  return res.body as Registered;
}

describe('first and repeat petitions in the June 2026 statistics of 西华县', () => {
  const cases: Record<string, Registered> = {};
  beforeAll(async () => {
    cases.a = await register(P1, LAND); // P1's first matter
    cases.b = await register(P1, LAND); // the same request again: 重复信访
    cases.c = await register(P1, WAGES); // P1 again, on another subject: neither first nor repeat
    cases.d = await register(P2, ROAD); // P2's first matter
    x.clock.advance(3 * 86_400_000);
    cases.e = await register(P3, WAGES, X.town2); // P3's first matter, registered by the township itself
    cases.f = await register(P2, ROAD); // P2 repeats
  });

  it('answers each intake with the flags registration read from the petitioner’s file', () => {
    const flags = Object.fromEntries(Object.entries(cases).map(([k, c]) => [k, { first: c.flags.first, repeat: c.flags.repeat }]));
    expect(flags).toEqual({
      a: { first: true, repeat: false },
      b: { first: false, repeat: true },
      c: { first: false, repeat: false },
      d: { first: true, repeat: false },
      e: { first: true, repeat: false },
      f: { first: false, repeat: true },
    });
  });

  it('keeps them on the case beside the clerk’s flags, and numbers every case', async () => {
    const res = await x.call('clerk', X.bureau, 'GET', `/petitions/${cases.f?.id}`);
    expect(res.body.flags).toEqual({ first: false, repeat: true });
    expect(res.body.number).toBe(cases.f?.number);
    const numbers = Object.values(cases).map((c) => c.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    // 西华县信访局 has no short name in this tree: a bureau's is its first character and 信.
    expect(cases.a?.number).toMatch(/^西信〔2026〕\d+号$/);
    expect(cases.e?.number).toBe('址坊〔2026〕1号');
  });

  it('counts first petitions and computes 重访率 from them, by hand', async () => {
    const res = await x.call('leader', X.city, 'GET', `/stats?unit=${X.county}&from=2026-06-01&to=2026-06-30`);
    expect(res.status).toBe(200);
    const registered = Object.values(cases);
    const repeats = registered.filter((c) => c.flags.repeat === true).length;
    const firsts = registered.filter((c) => c.flags.first === true).length;
    // By hand: six matters; b and f repeat an earlier request of their petitioner; a, d and e are first petitions.
    expect({ matters: registered.length, repeats, firsts }).toEqual({ matters: 6, repeats: 2, firsts: 3 });
    expect(res.body.counts.matters).toBe(6);
    expect(res.body.counts.flags.first).toEqual({ matters: 3, people: 3 });
    expect(res.body.counts.flags.repeat).toEqual({ matters: 2, people: 2 });
    expect(res.body.rates.repeat).toEqual({ num: 2, den: 6, pct: 33.3 });
  });

  it('ranks the township with its own first petition and no repeat', async () => {
    const res = await x.call('leader', X.city, 'GET', `/stats?unit=${X.county}&from=2026-06-01&to=2026-06-30`);
    const town2 = (res.body.units as { code: string; rates: { repeat: unknown } }[]).find((u) => u.code === X.town2);
    expect(town2?.rates.repeat).toEqual({ num: 0, den: 1, pct: 0 });
  });

  it('rebuilds the same facts from the trails (the flags are recorded in the intake entry)', async () => {
    expect(await factsDivergences(x.s.tdb.db)).toEqual([]);
    // The machine replayed from the trail starts with the recorded flags, so it rebuilds the stored snapshot.
    const replay = await x.call('auditor', X.county, 'GET', `/petitions/${cases.b?.id}/replay`);
    expect(replay.body).toMatchObject({ matchesStored: true });
    const verify = await x.call('auditor', X.county, 'GET', '/audit/verify');
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
  });
});

describe('related matters of a version 3 case', () => {
  const P4 = xihuaPetitioner(9004);
  const DEMOLITION = '房屋拆迁补偿标准过低，请求重新评估';

  it('proposes REJECT in-progress-below for a matter open at the county, and the refusal names it', async () => {
    const county = await register(P4, DEMOLITION);
    const city = await register(P4, DEMOLITION, X.city);
    expect(city.flags).toMatchObject({ first: false, repeat: true });
    const related = await x.call('clerk', X.city, 'GET', `/petitions/${city.id}/related`);
    expect(related.status).toBe(200);
    expect(related.body.inProgressBelow.map((m: { caseId: string }) => m.caseId)).toEqual([county.id]);
    expect(related.body.samePerson.map((m: { caseId: string }) => m.caseId)).toEqual([county.id]);
    expect(related.body.finalMatches).toEqual([]);
    // The county sees nothing of the city's case below it.
    const below = await x.call('clerk', X.bureau, 'GET', `/petitions/${county.id}/related`);
    expect(below.body.inProgressBelow).toEqual([]);
    const rejected = await x.send(
      city.id,
      'clerk',
      X.city,
      { type: 'REJECT', ground: 'in-progress-below', relatedCaseId: county.id, reason: '下级机关正在办理（第十九条第三款）' },
      'closed',
    );
    expect(rejected.rejection).toMatchObject({ ground: 'in-progress-below', relatedCaseId: county.id });
  });

  it('numbers concurrent intakes of one unit without a gap or a duplicate', async () => {
    const before = await register(xihuaPetitioner(9100), ROAD, X.town3);
    const made = await Promise.all(Array.from({ length: 12 }, (_, i) => register(xihuaPetitioner(9101 + i), ROAD, X.town3)));
    const counters = [before, ...made].map((c) => Number(/〔2026〕(\d+)号$/.exec(c.number)?.[1])).sort((a, b) => a - b);
    expect(counters).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });
});
