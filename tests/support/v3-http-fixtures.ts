/**
 * The HTTP suites of machine version 3: a small unit tree (a county bureau,
 * townships as handling bodies, the city and the province reviewing one level
 * up), a test server over it that starts new cases under version 3, and calls
 * made as a role of a unit.
 */
import { DEFAULT_POLICY } from '../../config/default-policy';
import type { Policy } from '../../config/policy.schema';
import { createUnitService } from '../../engine/unit.service';
import type { UnitRecord } from '../../db/unit.repository';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { fakeClock } from './engine-fixtures';
import { createTestServer, type TestServer } from './test-server';

/** The units of the suites. The kinds and review bodies are data, as in the tree an office imports. */
export const U = {
  province: '410000', // 河南省
  city: '411600', // 周口市: reviews the townships' answers (复查)
  county: '411621', // 扶沟县
  bureau: '411621-01', // 扶沟县信访局: registers and dispatches
  body: '411621100', // 曹里乡: the handling body
  otherBody: '411621101', // 练寺镇: another body, for REASSIGN
  accused: '411621102', // 柴岗乡: the unit an accusation names
} as const;

const unit = (
  code: string,
  name: string,
  level: UnitRecord['level'],
  parentCode: string | null,
  kind: UnitRecord['kind'] = 'division',
  reviewBody: string | null = null,
): UnitRecord => ({
  code,
  name,
  kind,
  level,
  parentCode,
  reviewBody,
  shortName: null,
});

/** The unit tree of the suites, imported through the real `units import` service. */
export const TEST_TREE: readonly UnitRecord[] = [
  unit(U.province, '河南省', 'province', null),
  unit(U.city, '周口市', 'city', U.province),
  unit(U.county, '扶沟县', 'county', U.city),
  unit(U.bureau, '扶沟县信访局', 'county', U.county, 'bureau'),
  // The city reviews the townships' answers (a configured review body, not their parent county).
  unit(U.body, '曹里乡人民政府', 'township', U.county, 'division', U.city),
  unit(U.otherBody, '练寺镇人民政府', 'township', U.county, 'division', U.city),
  unit(U.accused, '柴岗乡人民政府', 'township', U.county, 'division', U.city),
];

/** The statutory policy: new cases start under the latest version (3). */
export const V3_POLICY: Policy = DEFAULT_POLICY;

/** A v3 intake at the bureau: a complaint unless said otherwise, from the seed's letter. */
export function v3Intake(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'letter',
    unit: U.bureau,
    class: 'complaint',
    petitioner: { name: '张某', idNumber: '41272119900101341X', phone: '18749261234', address: '扶沟县曹里乡' },
    matter: { category: 'land', summary: '宅基地确权纠纷' },
    ...overrides,
  };
}

/** One HTTP answer. */
export interface Answer {
  readonly status: number;
  // The tests read the view's fields freely.
  readonly body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A v3 test server with a movable clock and calls as `role` of `unit`. */
export interface V3Server {
  readonly s: TestServer;
  readonly clock: ReturnType<typeof fakeClock>;
  call(role: HumanRole, unit: string, method: 'GET' | 'POST', url: string, payload?: unknown): Promise<Answer>;
  intake(body?: Record<string, unknown>, role?: HumanRole, unit?: string): Promise<Answer>;
  /** Sends an event and expects a 200 in `state`. */
  send(id: string, role: HumanRole, unit: string, event: Record<string, unknown>, state: string): Promise<Answer['body']>;
  /** Sends an event and returns the answer, whatever it is. */
  attempt(id: string, role: HumanRole, unit: string, event: Record<string, unknown>): Promise<Answer>;
}

/** Builds a v3 test server (the clock starts on a Monday, 2026-03-02 09:00 Beijing time). */
export async function createV3Server(label: string, policy: Policy = V3_POLICY, start?: string): Promise<V3Server> {
  const clock = fakeClock(start);
  const s = await createTestServer(label, { policy, now: clock.now });
  await createUnitService(s.tdb.db, s.units).importUnits(TEST_TREE);
  const call: V3Server['call'] = async (role, unit, method, url, payload) => {
    const res = await s.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${await s.token(role, unit)}` },
      ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
    });
    return { status: res.statusCode, body: res.json() };
  };
  const attempt: V3Server['attempt'] = (id, role, unit, event) => call(role, unit, 'POST', `/petitions/${id}/events`, event);
  return {
    s,
    clock,
    call,
    attempt,
    intake: (body = v3Intake(), role = 'clerk', unit = U.bureau) => call(role, unit, 'POST', '/petitions', body),
    async send(id, role, unit, event, state) {
      const res = await attempt(id, role, unit, event);
      expect({ type: event.type, status: res.status, state: res.body.state, error: res.body.error }).toEqual({
        type: event.type,
        status: 200,
        state,
        error: undefined,
      });
      return res.body;
    },
  };
}

/** A deadline of a view by clock (the newest generation). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read any deadline field
export function deadlineOf(view: Answer['body'], clock: string): Record<string, any> | undefined {
  const rows = (view.deadlines as { clock: string; generation: number }[]).filter((d) => d.clock === clock);
  return rows.sort((a, b) => b.generation - a.generation)[0];
}
