/**
 * What a fresh `seed-demo` shows, read over HTTP: the seed page's stories as
 * version 3 cases of the 周口市 tree, backdated so that one is overdue (a
 * breach recorded by the engine's timer path put it under supervision), some
 * are at risk, one is supervised, one is in 复查 and one final after 复核, and
 * every trail verifies and replays. Seeded at the present moment and at one
 * right after the National Day holiday, whose rest days move last days.
 */
import { DEFAULT_POLICY } from '../../config/default-policy';
import { seedDemo, type SeedResult } from '../../cli/seed-demo';
import { createAuditService } from '../../engine/audit.service';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { createTestServer, type TestServer } from '../support/test-server';

const PROVINCE = '410000';
const CITY = '411600';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests read the views' fields freely
type Json = Record<string, any>;

/** The bureaus of the five places of the seed page. */
const PLACES = { 扶沟县: '411621-01', 西华县: '411622-01', 商水县: '411623-01', 项城市: '411681-01', 沈丘县: '411624-01' };

describe.each([
  ['now', undefined],
  ['just after National Day', '2026-10-09T02:00:00.000Z'],
])('seed-demo seeded %s', (label, at) => {
  let s: TestServer;
  let now: Date;
  let seeded: SeedResult;
  let views: Json[];

  async function get(role: HumanRole, unit: string, url: string): Promise<Json> {
    const res = await s.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await s.token(role, unit)}` } });
    expect({ url, status: res.statusCode }).toEqual({ url, status: 200 });
    return res.json<Json>();
  }

  beforeAll(async () => {
    now = at === undefined ? new Date() : new Date(at);
    s = await createTestServer(`seed_demo_${label === 'now' ? 'now' : 'holiday'}`, { policy: DEFAULT_POLICY, now: () => now });
    seeded = await seedDemo({ db: s.tdb.db, policy: DEFAULT_POLICY, now: () => now });
    views = await Promise.all(seeded.cases.map((c) => get('supervisor', CITY, `/petitions/${c.id}`)));
  });

  afterAll(async () => {
    await s?.close();
  });

  it('records every story as a version 3 case registered at its county bureau, and fires their due timers', () => {
    expect(seeded.cases.map((c) => c.created)).toEqual(seeded.cases.map(() => true));
    expect(views.map((v) => v.machineVersion)).toEqual(views.map(() => 3));
    for (const [place, bureau] of Object.entries(PLACES))
      expect({ place, told: views.some((v) => v.unit === bureau) }).toEqual({ place, told: true });
    expect(seeded.timersFired).toBeGreaterThanOrEqual(5);
    // Every case was registered in the past: the stories are backdated from the moment of the seed.
    for (const v of views) expect(new Date(v.createdAt).getTime()).toBeLessThan(now.getTime() - 24 * 3600_000);
  });

  it('shows an overdue case whose breach, recorded by the deadline worker, put it under supervision', async () => {
    const overdue = views.filter((v) => v.state !== 'closed' && v.deadlines.some((d: Json) => d.status === 'breached'));
    expect(overdue.length).toBeGreaterThanOrEqual(1);
    const byBreach = overdue.find((v) => v.supervision?.source === 'breach' && v.supervision.active === true);
    expect(byBreach).toBeDefined();
    const history = await get('auditor', PROVINCE, `/petitions/${byBreach?.id}/history`);
    const breach = (history.events as Json[]).find((e) => e.type === 'DEADLINE_BREACHED');
    expect(breach).toMatchObject({ actor: { role: 'system' }, fields: { onBreach: 'escalate' } });
    // Reminders came before it, each at its own time, and the breach at the due time of the deadline it names.
    const due = (byBreach?.deadlines as Json[]).find((d) => d.clock === breach?.fields.clock && d.status === 'breached');
    expect(breach?.at).toBe(due?.dueAt);
    expect((history.events as Json[]).filter((e) => e.type === 'DEADLINE_REMINDER').length).toBeGreaterThanOrEqual(1);
  });

  it('counts overdue, at-risk and listed cases on the supervision board of 周口市', async () => {
    const board = await get('supervisor', CITY, '/supervision');
    const sum = (k: string) => (board.units as Json[]).reduce((n, u) => n + (u[k] as number), 0);
    expect(sum('overdue')).toBeGreaterThanOrEqual(1);
    expect(sum('atRisk')).toBeGreaterThanOrEqual(1);
    expect(sum('listed')).toBeGreaterThanOrEqual(2);
    const supervised = views.filter((v) => v.supervision?.active === true && v.supervision.source === 'supervisor');
    expect(supervised.length).toBeGreaterThanOrEqual(1);
  });

  it('has a case in 复查 at the next-higher body and one final after 复核', () => {
    const reviewing = views.filter((v) => v.state === 'reviewing' || v.state === 'rereviewing');
    expect(reviewing.length).toBeGreaterThanOrEqual(1);
    expect(reviewing[0]).toMatchObject({ review: { unit: '411681', name: '项城市' }, reviewStage: 'review' });
    const final = views.filter((v) => v.state === 'closed' && v.closure === 'final');
    expect(final).toHaveLength(1);
    expect((final[0]?.resolutions as Json[]).map((r) => r.stage)).toEqual(['first', 'review', 'reReview']);
    expect(final[0]?.pauses).toEqual([expect.objectContaining({ clock: 'reReviewDecision', reason: 'hearing' })]);
  });

  it('tells each story as the page does', () => {
    const of = (bureau: string) => views.filter((v) => v.unit === bureau);
    const [fugou] = of(PLACES.扶沟县);
    expect(fugou).toMatchObject({ channel: 'letter', closure: 'concluded', satisfaction: { body: 'satisfied' } });
    expect(fugou?.infoRequests[0]?.answer).toMatch(/户籍/);
    const xihua = of(PLACES.西华县);
    expect(xihua.find((v) => v.flags.group !== undefined)).toMatchObject({
      conference: { name: '西华县信访工作联席会议' },
      leader: expect.stringContaining('包案'),
      supervision: { active: true },
    });
    expect(xihua.find((v) => v.flags.lawRelated === true)).toMatchObject({ closure: 'referred', referral: { to: 'court' } });
    expect(of(PLACES.商水县)[0]).toMatchObject({ channel: 'grid', mediation: { level: 'village', outcome: 'agreed' } });
    expect(of(PLACES.项城市)[0]).toMatchObject({
      receivedBy: 'leader',
      conference: { name: expect.stringContaining('研判') },
      leader: expect.stringContaining('包案'),
      report: { status: 'accepted' },
      supervision: { level: 'list', active: false, struckOff: { note: expect.any(String) } },
    });
    expect(of(PLACES.沈丘县).map((v) => v.closure)).toEqual([null, 'final']);
  });

  it('verifies every trail (hashes over HTTP, every case replayed through its machine)', async () => {
    const fast = await get('auditor', PROVINCE, '/audit/verify');
    expect(fast).toMatchObject({ ok: true, cases: seeded.cases.length });
    const replayed = await createAuditService(s.tdb.db).verifyAudit(undefined, { mode: 'replay' });
    expect(replayed).toMatchObject({ ok: true, cases: seeded.cases.length });
  });

  it('adds nothing when run again', async () => {
    const before = await get('auditor', PROVINCE, '/audit/verify');
    const again = await seedDemo({ db: s.tdb.db, policy: DEFAULT_POLICY, now: () => now });
    expect(again.cases.map((c) => ({ id: c.id, created: c.created }))).toEqual(seeded.cases.map((c) => ({ id: c.id, created: false })));
    expect(again.timersFired).toBe(0);
    expect(await get('auditor', PROVINCE, '/audit/verify')).toEqual(before);
  });
});
