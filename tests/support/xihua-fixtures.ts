/**
 * A small 西华县 for the statistics suites: the county, its petition bureau
 * (registering and transferring), three townships as handling bodies, one
 * village; a v3 test server over it with a movable clock, and calls made as a
 * role of a unit.
 */
import { upsertUnits, type UnitRecord } from '../../db/unit.repository';
import { DEFAULT_POLICY } from '../../config/default-policy';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { residentIdCheckCharacter } from '../../machines/resident-id';
import { fakeClock } from './engine-fixtures';
import { createTestServer, type TestServer } from './test-server';

export const X = {
  province: '410000',
  city: '411600',
  county: '411622', // 西华县
  bureau: '411622-01', // 西华县信访局: registers and transfers
  town1: '411622100', // 西华营镇
  town2: '411622101', // 址坊镇
  town3: '411622102', // 红花集镇
  village: '411622100201', // 西华营镇某村
  otherCounty: '411621', // 扶沟县: outside 西华's subtree
} as const;

const unit = (code: string, name: string, kind: UnitRecord['kind'], level: UnitRecord['level'], parentCode: string | null): UnitRecord => ({
  code,
  name,
  kind,
  level,
  parentCode,
  reviewBody: null,
  shortName: null,
});

const TREE: readonly UnitRecord[] = [
  unit(X.province, '河南省', 'division', 'province', null),
  unit(X.city, '周口市', 'division', 'city', X.province),
  unit(X.county, '西华县', 'division', 'county', X.city),
  unit(X.bureau, '西华县信访局', 'bureau', 'county', X.county),
  unit(X.otherCounty, '扶沟县', 'division', 'county', X.city),
  unit(X.town1, '西华营镇', 'division', 'township', X.county),
  unit(X.town2, '址坊镇', 'division', 'township', X.county),
  unit(X.town3, '红花集镇', 'division', 'township', X.county),
  unit(X.village, '西华营镇某村', 'division', 'village', X.town1),
];

/**
 * The n-th petitioner of the fixture: a person of their own (valid ID number and phone), so matters
 * registered without a petitioner of the test's choosing are neither repeats nor of one person.
 */
export function xihuaPetitioner(n: number): { name: string; idNumber: string; phone: string; address: string } {
  const body = `4116221990${String(n).padStart(7, '0')}`;
  return {
    name: `李某${n}`,
    idNumber: `${body}${residentIdCheckCharacter(body)}`,
    phone: `187${String(n).padStart(8, '0')}`,
    address: '西华县西华营镇',
  };
}

/** One HTTP answer (the tests read the JSON freely). */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, unknown>;
  readonly raw: Buffer;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The server, its clock, and calls as a role of a unit. */
export interface XihuaServer {
  readonly s: TestServer;
  readonly clock: ReturnType<typeof fakeClock>;
  call(role: HumanRole, unit: string, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<Answer>;
  /** Sends an event and expects a 200 in `state`; returns the view. */
  send(id: string, role: HumanRole, unit: string, event: Record<string, unknown>, state: string): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Registers a matter (a complaint by letter from a new petitioner unless said otherwise) and returns its id. */
  intake(overrides?: Record<string, unknown>, unit?: string): Promise<string>;
}

/** A server over the 西华 tree (in the engine's directory and in the `units` table), new cases under version 3. */
export async function createXihuaServer(label: string, start = '2026-03-02T01:00:00.000Z'): Promise<XihuaServer> {
  const clock = fakeClock(start);
  const s = await createTestServer(label, { policy: DEFAULT_POLICY, now: clock.now });
  await upsertUnits(s.tdb.db, TREE);
  s.units.invalidate();
  const call: XihuaServer['call'] = async (role, unit, method, url, payload) => {
    const res = await s.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await s.token(role, unit)}` },
      ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
    });
    const json = (res.headers['content-type'] ?? '').toString().startsWith('application/json');
    return { status: res.statusCode, headers: res.headers, raw: res.rawPayload, body: json ? res.json() : res.body };
  };
  let petitioners = 0;
  return {
    s,
    clock,
    call,
    async send(id, role, unit, event, state) {
      const res = await call(role, unit, 'POST', `/petitions/${id}/events`, event);
      expect({ type: event.type, status: res.status, state: res.body.state, error: res.body.error }).toEqual({
        type: event.type,
        status: 200,
        state,
        error: undefined,
      });
      return res.body;
    },
    async intake(overrides = {}, unit = X.bureau) {
      const res = await call('clerk', unit, 'POST', '/petitions', {
        channel: 'letter',
        unit,
        class: 'complaint',
        petitioner: xihuaPetitioner((petitioners += 1)),
        matter: { category: '土地征收', summary: '征地补偿款发放问题' },
        ...overrides,
      });
      expect({ status: res.status, error: res.body.error }).toEqual({ status: 201, error: undefined });
      return res.body.id as string;
    },
  };
}
