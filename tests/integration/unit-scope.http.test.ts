/**
 * 属地管理、分级负责 over HTTP: a user acts only inside the subtree of their own
 * unit (machines/unit-tree.ts). A case outside it does not exist for them (404,
 * never told apart from a missing one); a case is visible from the subtree of
 * every unit it has passed through (its own unit, every unit it was assigned to).
 */
import { inSubtree, unitSubtreePrefix } from '../../machines/unit-tree';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

/** 周口市 > 扶沟县 > a township of 扶沟县; 西华县 and 商水县 are sibling counties. */
const CITY = '411600';
const FUGOU = '411621';
const TOWNSHIP = '411621206';
const XIHUA = '411622';
const SHANGSHUI = '411623';

type Body = Record<string, unknown>;

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('unit_scope');
});
afterAll(async () => {
  await s.close();
});

async function call(role: HumanRole, unit: string, method: 'GET' | 'POST', url: string, payload?: Body) {
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${await s.token(role, unit, `${role}@${unit}`)}` },
    ...(payload !== undefined && { payload }),
  });
  return { status: res.statusCode, body: res.json() };
}

async function intake(unit: string, by: { role: HumanRole; unit: string } = { role: 'clerk', unit }): Promise<string> {
  const res = await call(by.role, by.unit, 'POST', '/petitions', intakeBody({ unit }));
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function send(role: HumanRole, unit: string, id: string, event: Body, state: string) {
  const res = await call(role, unit, 'POST', `/petitions/${id}/events`, event);
  expect({ type: event.type, status: res.status, state: res.body.state }).toEqual({ type: event.type, status: 200, state });
  return res.body;
}

/** Ids of every case `role`@`unit` can list (all pages). */
async function listIds(role: HumanRole, unit: string, query = ''): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await call(role, unit, 'GET', `/petitions?limit=100${query}${cursor === null ? '' : `&cursor=${cursor}`}`);
    expect(res.status).toBe(200);
    ids.push(...(res.body.items as { id: string }[]).map((p) => p.id));
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return ids;
}

describe('a case outside the caller’s subtree', () => {
  it('answers 404 to every read and write from a sibling county, exactly as a missing case does, and is left out of lists', async () => {
    const id = await intake(FUGOU);
    const missing = await call('clerk', XIHUA, 'GET', '/petitions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);

    for (const role of ['clerk', 'supervisor', 'auditor'] as const) {
      for (const path of ['', '/history', '/replay']) {
        const res = await call(role, XIHUA, 'GET', `/petitions/${id}${path}`);
        expect({ role, path, status: res.status, body: res.body }).toEqual({ role, path, status: 404, body: missing.body });
      }
    }
    for (const [role, event] of [
      ['clerk', { type: 'VERIFY' }],
      ['supervisor', { type: 'ESCALATE', reason: '越级督办' }],
      ['auditor', { type: 'VERIFY' }],
    ] as const) {
      const res = await call(role, XIHUA, 'POST', `/petitions/${id}/events`, event);
      expect({ role, type: event.type, status: res.status, code: res.body.error?.code }).toEqual({
        role,
        type: event.type,
        status: 404,
        code: 'NOT_FOUND',
      });
    }

    expect(await listIds('supervisor', XIHUA)).not.toContain(id);
    // Asking for the other county by name narrows, never widens.
    expect(await listIds('supervisor', XIHUA, `&unit=${FUGOU}`)).toEqual([]);
    expect(await listIds('supervisor', FUGOU)).toContain(id);

    // Nothing changed and, the case being out of sight, nothing was recorded against it.
    const own = await call('clerk', FUGOU, 'GET', `/petitions/${id}`);
    expect(own.body).toMatchObject({ state: 'received', version: 1 });
    const refusals = await s.tdb.db.selectFrom('refused_attempts').select('id').where('case_id', '=', id).execute();
    expect(refusals).toEqual([]);
  });
});

describe('a city supervisor (周口市)', () => {
  it('reads, lists, escalates and reassigns cases of both of its counties', async () => {
    const fugou = await intake(FUGOU);
    const xihua = await intake(XIHUA);

    for (const id of [fugou, xihua]) {
      expect((await call('supervisor', CITY, 'GET', `/petitions/${id}`)).status).toBe(200);
      expect((await call('supervisor', CITY, 'GET', `/petitions/${id}/history`)).status).toBe(200);
      expect((await call('supervisor', CITY, 'GET', `/petitions/${id}/replay`)).body).toMatchObject({ matchesStored: true });
    }
    expect(await listIds('supervisor', CITY)).toEqual(expect.arrayContaining([fugou, xihua]));
    const onlyXihua = await listIds('supervisor', CITY, `&unit=${XIHUA}`);
    expect(onlyXihua).toContain(xihua);
    expect(onlyXihua).not.toContain(fugou);

    for (const [id, down] of [
      [fugou, TOWNSHIP],
      [xihua, XIHUA],
    ] as const) {
      await send('supervisor', CITY, id, { type: 'ESCALATE', reason: '市级挂牌督办', dueIn: 'P10D' }, 'escalated');
      const view = await send('supervisor', CITY, id, { type: 'REASSIGN', unit: down, handler: '承办人', dueIn: 'P20D' }, 'assigned');
      expect(view.assignee).toEqual({ unit: down, handler: '承办人' });
    }
    // The county supervisors see their own county's case only.
    expect((await call('supervisor', FUGOU, 'GET', `/petitions/${xihua}`)).status).toBe(404);
    expect((await call('supervisor', XIHUA, 'GET', `/petitions/${fugou}`)).status).toBe(404);
  });
});

describe('a township (乡镇) below a county', () => {
  it('is its own subtree: the 9-digit code is its own prefix, so county-level cases are not in it', () => {
    expect(unitSubtreePrefix(TOWNSHIP)).toBe(TOWNSHIP);
    expect(unitSubtreePrefix(FUGOU)).toBe(FUGOU);
    expect(unitSubtreePrefix(CITY)).toBe('4116');
    expect(inSubtree(FUGOU, TOWNSHIP)).toBe(false);
    expect(inSubtree(TOWNSHIP, FUGOU)).toBe(true);
    expect(inSubtree(`${TOWNSHIP}201`, TOWNSHIP)).toBe(true);
  });

  it('a township clerk does not see county-level cases, sees its own and its villages’, and the county sees the township’s', async () => {
    const county = await intake(FUGOU);
    const own = await intake(TOWNSHIP);
    const village = await intake(`${TOWNSHIP}201`, { role: 'clerk', unit: TOWNSHIP });

    expect((await call('clerk', TOWNSHIP, 'GET', `/petitions/${county}`)).status).toBe(404);
    expect((await call('clerk', TOWNSHIP, 'POST', `/petitions/${county}/events`, { type: 'VERIFY' })).status).toBe(404);
    const listed = await listIds('clerk', TOWNSHIP);
    expect(listed).toEqual(expect.arrayContaining([own, village]));
    expect(listed).not.toContain(county);

    await send('clerk', TOWNSHIP, own, { type: 'VERIFY' }, 'verified');
    expect((await call('clerk', FUGOU, 'GET', `/petitions/${own}`)).body).toMatchObject({ unit: TOWNSHIP, state: 'verified' });
    expect((await call('supervisor', CITY, 'GET', `/petitions/${village}`)).status).toBe(200);
  });
});

describe('the assignee unit', () => {
  it('sees, lists and works a case of another county the city assigned to it; a third county does not', async () => {
    const id = await intake(XIHUA);
    await send('clerk', XIHUA, id, { type: 'VERIFY' }, 'verified');
    // A county reaches only its own subtree; the city reaches both counties.
    expect((await call('clerk', XIHUA, 'POST', `/petitions/${id}/events`, { type: 'ASSIGN', unit: FUGOU })).status).toBe(403);
    await send('supervisor', CITY, id, { type: 'ASSIGN', unit: FUGOU, handler: 'handler@411621' }, 'assigned');

    const seen = await call('handler', FUGOU, 'GET', `/petitions/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      unit: XIHUA,
      assignee: { unit: FUGOU },
      allowedEvents: expect.arrayContaining(['START_MEDIATION', 'RESOLVE']),
    });
    expect(await listIds('handler', FUGOU)).toContain(id);
    expect((await call('handler', FUGOU, 'GET', `/petitions/${id}/history`)).status).toBe(200);
    await send('handler', FUGOU, id, { type: 'START_MEDIATION', level: 'county' }, 'mediated');

    expect((await call('handler', SHANGSHUI, 'GET', `/petitions/${id}`)).status).toBe(404);
    expect(await listIds('handler', SHANGSHUI)).not.toContain(id);
  });

  it('keeps sight of the case it passed through after objecting (not ours, Art 23), and no longer acts on it', async () => {
    const id = await intake(XIHUA);
    await send('clerk', XIHUA, id, { type: 'VERIFY' }, 'verified');
    await send('supervisor', CITY, id, { type: 'ASSIGN', unit: FUGOU }, 'assigned');
    await send('handler', FUGOU, id, { type: 'OBJECT', reason: '不属于本县职责' }, 'verified');
    // The case passed through 扶沟县: it stays in its lists and reads (case_units), not in its hands.
    const seen = await call('handler', FUGOU, 'GET', `/petitions/${id}`);
    expect(seen.body).toMatchObject({ state: 'verified', assignee: null, allowedEvents: [] });
    // It reads the case and sends nothing to it (the role table alone would let a handler ask for an extension).
    const extension = await call('handler', FUGOU, 'POST', `/petitions/${id}/events`, { type: 'REQUEST_EXTENSION', duration: 'P10D', reason: '调查' });
    expect({ status: extension.status, code: extension.body.error?.code, allowed: extension.body.error?.details?.allowedEvents }).toEqual({
      status: 422,
      code: 'EVENT_NOT_ALLOWED',
      allowed: [],
    });
    expect(await listIds('handler', FUGOU)).toContain(id);
    expect((await call('clerk', XIHUA, 'GET', `/petitions/${id}`)).body).toMatchObject({ state: 'verified', assignee: null });
    // A county it never passed through still does not see it.
    expect((await call('handler', SHANGSHUI, 'GET', `/petitions/${id}`)).status).toBe(404);
  });

  it('keeps a unit it was reassigned away from seeing the case; the new assignee sees it too', async () => {
    const id = await intake(XIHUA);
    await send('clerk', XIHUA, id, { type: 'VERIFY' }, 'verified');
    await send('supervisor', CITY, id, { type: 'ASSIGN', unit: FUGOU }, 'assigned');
    await send('supervisor', CITY, id, { type: 'ESCALATE', reason: '市级督办', dueIn: 'P10D' }, 'escalated');
    await send('supervisor', CITY, id, { type: 'REASSIGN', unit: SHANGSHUI, handler: '承办人', dueIn: 'P20D' }, 'assigned');
    const rows = await s.tdb.db.selectFrom('case_units').select('unit').where('case_id', '=', id).orderBy('unit').execute();
    expect(rows.map((r) => r.unit)).toEqual([FUGOU, XIHUA, SHANGSHUI].sort());
    for (const unit of [FUGOU, XIHUA, SHANGSHUI]) expect(await listIds('supervisor', unit)).toContain(id);
    // 扶沟县 reads it, and may no longer resolve it; 商水县 may.
    expect((await call('handler', FUGOU, 'GET', `/petitions/${id}`)).body.allowedEvents).toEqual([]);
    expect((await call('handler', FUGOU, 'POST', `/petitions/${id}/events`, { type: 'RESOLVE', outcome: 'support', opinion: '支持' })).status).toBe(422);
    expect((await call('handler', SHANGSHUI, 'GET', `/petitions/${id}`)).body.allowedEvents).toContain('RESOLVE');
    expect((await call('supervisor', '411624', 'GET', `/petitions/${id}`)).status).toBe(404);
  });
});

describe('GET /audit/verify?unit=', () => {
  it('narrows a unit outside the caller’s subtree to the caller’s own, and takes a unit inside it', async () => {
    await intake(FUGOU);
    await intake(XIHUA);
    const verify = async (role: HumanRole, unit: string, q?: string) => {
      const res = await call(role, unit, 'GET', `/audit/verify${q === undefined ? '' : `?unit=${q}`}`);
      expect(res.status).toBe(200);
      return res.body as { ok: boolean; checked: number; cases: number };
    };
    const fugouOwn = await verify('auditor', FUGOU);
    const xihuaByCity = await verify('auditor', CITY, XIHUA);
    const fugouByCity = await verify('auditor', CITY, FUGOU);
    expect(fugouOwn.ok).toBe(true);
    expect(xihuaByCity.cases).toBeGreaterThan(0);
    expect(fugouOwn).toEqual(fugouByCity);

    // Asking from 扶沟县 for 西华县 checks 扶沟县, not 西华县.
    expect(await verify('auditor', FUGOU, XIHUA)).toEqual(fugouOwn);
    expect(await verify('supervisor', FUGOU, CITY)).toEqual(fugouOwn);
    // A unit inside the subtree is taken as asked.
    expect(await verify('auditor', FUGOU, TOWNSHIP)).toEqual(await verify('auditor', TOWNSHIP));
    // The city's check covers both counties (a case assigned across them may count for both).
    const city = await verify('auditor', CITY);
    expect(city.checked).toBeGreaterThanOrEqual(Math.max(fugouOwn.checked, xihuaByCity.checked));
    expect(city.checked).toBeLessThanOrEqual(fugouOwn.checked + xihuaByCity.checked);
    expect(city.cases).toBeGreaterThan(fugouOwn.cases);

    const handler = await call('handler', FUGOU, 'GET', '/audit/verify');
    expect({ status: handler.status, code: handler.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
  });
});

describe('POST /petitions', () => {
  it('refuses (403) to record a petition for a unit outside one’s subtree, and records nothing', async () => {
    const before = await listIds('supervisor', CITY);
    for (const [role, unit, target] of [
      ['clerk', FUGOU, XIHUA],
      ['clerk', FUGOU, CITY],
      ['clerk', TOWNSHIP, FUGOU],
      ['supervisor', XIHUA, FUGOU],
    ] as const) {
      const res = await call(role, unit, 'POST', '/petitions', intakeBody({ unit: target }));
      expect({ role, unit, target, status: res.status, code: res.body.error?.code }).toEqual({
        role,
        unit,
        target,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    expect(await listIds('supervisor', CITY)).toEqual(before);
    // Within the subtree it is recorded, by a clerk or by a supervisor receiving visitors (领导接访).
    await intake(XIHUA, { role: 'supervisor', unit: CITY });
    await intake(`${TOWNSHIP}201`, { role: 'clerk', unit: FUGOU });
  });
});
