/**
 * 一人一档 over HTTP: one person per ID number across counties, search by
 * ID, phone, partial name and case number within the caller's units, masking
 * per role, the access log, related matters at registration (same person,
 * similar, final, open below) and readable case numbers under concurrency.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import * as m0014 from '../../db/migrations/0014-people.migration';
import { beijingYear } from '../../engine/people/case-number';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('people');
  await s.tdb.ownerDb
    .insertInto('units')
    .values([
      { code: '411600', name: '周口市', level: 'city', parent_code: null, short_name: '周信' },
      { code: '411621', name: '扶沟县', level: 'county', parent_code: '411600', short_name: '扶信' },
      { code: '411622', name: '西华县信访局', level: 'county', parent_code: '411600', short_name: null },
    ])
    .execute();
});
afterAll(async () => {
  await s.close();
});

async function call(role: HumanRole, unit: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${await s.token(role, unit)}` },
    ...(payload !== undefined && { payload: payload as Record<string, unknown> }),
  });
  return { status: res.statusCode, body: res.json(), text: res.body };
}

const search = (role: HumanRole, unit: string, q: string) => call(role, unit, 'GET', `/people?q=${encodeURIComponent(q)}`);

/** Valid GB 11643 numbers of the test people. */
const ID_A = '41272119900101341X';
const ID_B = '110105194912310038';
const ID_C = '440524188001010014';
const ID_D = '11010519491231002X';

async function intake(unit: string, petitioner: Record<string, unknown>, summary: string) {
  const res = await call(
    'clerk',
    unit,
    'POST',
    '/petitions',
    intakeBody({ unit, petitioner: petitioner as never, matter: { category: 'land', summary } }),
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; number: string; flags: { first: boolean; repeat: boolean }; allowedEvents: string[] };
}

async function send(id: string, role: HumanRole, unit: string, event: Record<string, unknown>) {
  const res = await call(role, unit, 'POST', `/petitions/${id}/events`, event);
  expect({ type: event.type, status: res.status }).toEqual({ type: event.type, status: 200 });
  return res.body;
}

describe('one person across counties', () => {
  let county1: { id: string; number: string; flags: { first: boolean; repeat: boolean } };
  let county2: { id: string; number: string; flags: { first: boolean; repeat: boolean } };
  beforeAll(async () => {
    county1 = await intake(
      '411621',
      { name: '欧阳明华', idNumber: ID_A, phone: '18749261234', address: '扶沟县曹里乡' },
      '宅基地边界纠纷，请求确权',
    );
    county2 = await intake('411622', { name: '欧阳明华', idNumber: ID_A.toLowerCase(), address: '西华县城关镇' }, '拖欠工资，请求支付');
  });

  it('links the same ID number registered in two counties to one person, and flags the first petition', async () => {
    expect(county1.flags).toEqual({ first: true, repeat: false });
    expect(county2.flags).toEqual({ first: false, repeat: false });
    const city = await search('clerk', '411600', ID_A);
    expect(city.status).toBe(200);
    expect(city.body.items).toHaveLength(1);
    expect(city.body.items[0].matters.map((m: { caseId: string }) => m.caseId).sort()).toEqual([county1.id, county2.id].sort());
    expect(city.body.items[0]).toMatchObject({ name: '欧阳明华', idNumber: ID_A, phone: '18749261234' });
  });

  it("shows a county clerk only their own county's matters", async () => {
    const own = await search('clerk', '411621', ID_A);
    expect(own.body.items).toHaveLength(1);
    expect(own.body.items[0].matters.map((m: { caseId: string }) => m.caseId)).toEqual([county1.id]);
    expect(own.body.items[0].matters[0]).toMatchObject({
      number: county1.number,
      state: 'received',
      unit: { code: '411621', name: '扶沟县' },
      summary: '宅基地边界纠纷，请求确权',
    });
  });

  it('finds a phone typed with spaces or dashes, a partial Chinese name and a case number', async () => {
    for (const q of ['187-4926-1234', '187 4926 1234', ' 18749261234 ']) {
      const r = await search('clerk', '411621', q);
      expect({ q, ids: r.body.items.map((p: { idNumber: string }) => p.idNumber) }).toEqual({ q, ids: [ID_A] });
    }
    for (const q of ['明华', '欧阳', '阳明', '华', '欧阳明华']) {
      const r = await search('clerk', '411600', q);
      expect({ q, found: r.body.items.some((p: { idNumber: string }) => p.idNumber === ID_A) }).toEqual({ q, found: true });
    }
    expect((await search('clerk', '411600', '明丽')).body.items).toEqual([]);
    const byNumber = await search('clerk', '411600', county2.number);
    expect(byNumber.body.items.map((p: { idNumber: string }) => p.idNumber)).toEqual([ID_A]);
    const byId = await search('clerk', '411600', county2.id);
    expect(byId.body.items).toHaveLength(1);
    // A county cannot reach the other county's case by its number.
    expect((await search('clerk', '411621', county2.number)).body.items).toEqual([]);
  });

  it('refuses a wrong check digit at intake and in search, naming the field', async () => {
    const bad = `${ID_A.slice(0, 17)}0`;
    const res = await call(
      'clerk',
      '411621',
      'POST',
      '/petitions',
      intakeBody({ petitioner: { name: '张某', idNumber: bad, address: '扶沟县' } }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['petitioner', 'idNumber'] })]));
    const q = await search('clerk', '411621', bad);
    expect(q.status).toBe(400);
    expect(q.body.error.details.issues[0].path).toEqual(['q']);
    expect(q.text).not.toContain(bad);
  });

  it('finds the person for masked roles by full ID but never shows the full ID or phone', async () => {
    for (const role of ['handler', 'mediator', 'supervisor', 'leader', 'auditor'] as const) {
      const r = await search(role, '411600', ID_A);
      expect(r.status).toBe(200);
      expect(r.body.items[0]).toMatchObject({ idNumber: '41272119xxxxxx341X', phone: '1874926xxxx' });
      expect(r.text).not.toContain(ID_A);
      expect(r.text).not.toContain('18749261234');
    }
  });

  it('writes every unmasked result to the access log, which auditors page through', async () => {
    const before = await call('auditor', '411600', 'GET', '/audit/access-log?limit=500');
    expect(before.status).toBe(200);
    await search('clerk', '411600', ID_A);
    await search('handler', '411600', ID_A);
    await call('clerk', '411621', 'GET', `/petitions/${county1.id}`);
    const after = await call('auditor', '411600', 'GET', '/audit/access-log?limit=500');
    const fresh = after.body.items.slice(0, after.body.items.length - before.body.items.length);
    expect(
      fresh.map((e: { reason: string; caseId: string; actor: { role: string } }) => `${e.actor.role}:${e.reason}:${e.caseId}`).sort(),
    ).toEqual([`clerk:people.search:${county1.id}`, `clerk:people.search:${county2.id}`, `clerk:petitions.get:${county1.id}`].sort());
    const page = await call('auditor', '411600', 'GET', '/audit/access-log?limit=1');
    expect(page.body.items).toHaveLength(1);
    const next = await call('auditor', '411600', 'GET', `/audit/access-log?limit=1&cursor=${page.body.nextCursor as string}`);
    expect(Number(next.body.items[0].id)).toBeLessThan(Number(page.body.items[0].id));
    expect((await call('clerk', '411600', 'GET', '/audit/access-log')).status).toBe(403);
    expect(after.text).not.toContain(ID_A);
  });
});

describe('related matters at registration', () => {
  it('proposes a request repeated after 终结 as a final match and flags it a repeat', async () => {
    const first = await intake('411621', { name: '李四', idNumber: ID_B, address: '扶沟县城郊乡' }, '征地补偿款未足额发放，请求补发');
    const id = first.id;
    await send(id, 'clerk', '411621', { type: 'VERIFY' });
    await send(id, 'clerk', '411621', { type: 'ASSIGN', unit: '411621', handler: 'handler-1' });
    await send(id, 'handler', '411621', { type: 'RESOLVE', outcome: 'not-support', opinion: '不予支持' });
    await send(id, 'clerk', '411621', { type: 'DELIVER', method: 'in-person' });
    await send(id, 'clerk', '411621', { type: 'REQUEST_REVIEW', reason: '申请复查' });
    await send(id, 'supervisor', '411621', { type: 'RESOLVE', outcome: 'not-support', opinion: '复查维持' });
    await send(id, 'clerk', '411621', { type: 'DELIVER', method: 'post' });
    await send(id, 'clerk', '411621', { type: 'REQUEST_REVIEW', reason: '申请复核' });
    await send(id, 'supervisor', '411621', { type: 'RESOLVE', outcome: 'not-support', opinion: '复核维持' });
    const closed = await send(id, 'clerk', '411621', { type: 'DELIVER', method: 'in-person' });
    expect(closed).toMatchObject({ state: 'closed', closure: 'final' });

    const again = await intake('411621', { name: '李四', idNumber: ID_B, address: '扶沟县城郊乡' }, '征地补偿款没有足额发放，要求补发');
    expect(again.flags).toEqual({ first: false, repeat: true });
    const related = await call('clerk', '411621', 'GET', `/petitions/${again.id}/related`);
    expect(related.status).toBe(200);
    expect(related.body.finalMatches.map((m: { caseId: string }) => m.caseId)).toEqual([id]);
    expect(related.body.samePerson.map((m: { caseId: string }) => m.caseId)).toEqual([id]);
    expect(related.body.inProgressBelow).toEqual([]);
    // The proposal is in the hashed trail; the clerk's decision will be a later event.
    const history = await call('clerk', '411621', 'GET', `/petitions/${again.id}/history`);
    expect(history.body.events[0].fields.registration).toMatchObject({ number: again.number, flags: { first: false, repeat: true } });
    const replay = await call('auditor', '411621', 'GET', `/petitions/${again.id}/replay`);
    expect(replay.body.matchesStored).toBe(true);
  });

  it('proposes a matter open at a county and brought to the city as in progress below', async () => {
    const below = await intake(
      '411621',
      { name: '王五', idNumber: ID_C, phone: '13900001111', address: '扶沟县白潭镇' },
      '村道损坏严重，请求维修',
    );
    const city = await intake('411600', { name: '王五', idNumber: ID_C, address: '扶沟县白潭镇' }, '村里道路损坏严重，请求尽快维修');
    expect(city.flags).toEqual({ first: false, repeat: true });
    const related = await call('clerk', '411600', 'GET', `/petitions/${city.id}/related`);
    expect(related.body.inProgressBelow.map((m: { caseId: string }) => m.caseId)).toEqual([below.id]);
    expect(related.body.finalMatches).toEqual([]);
    // Seen from the county, the city's case is not below it, and the county cannot read it at all.
    expect((await call('clerk', '411621', 'GET', `/petitions/${city.id}/related`)).status).toBe(404);
    // MERGE is today's one-click action on a proposal.
    expect(city.allowedEvents).toContain('MERGE');
  });

  it("proposes others' similar requests in the same unit", async () => {
    const a = await intake('411621', { name: '赵六', phone: '13800002222', address: '扶沟县练寺镇' }, '县教体局撤并学校，学生上学不便');
    const b = await intake('411621', { name: '钱七', phone: '13800003333', address: '扶沟县练寺镇' }, '撤并学校后学生上学路远不便');
    const related = await call('clerk', '411621', 'GET', `/petitions/${b.id}/related`);
    expect(related.body.similar.map((m: { caseId: string }) => m.caseId)).toContain(a.id);
    expect(related.body.samePerson).toEqual([]);
    expect(b.flags).toEqual({ first: true, repeat: false });
  });

  it("proposes the registering unit's similar requests only when they lie within the viewer's units", async () => {
    const other = await intake('411621', { name: '周九', phone: '13800004444', address: '扶沟县崔桥镇' }, '集体林地承包合同纠纷请求调处');
    const moved = await intake('411621', { name: '吴十', phone: '13800005555', address: '扶沟县崔桥镇' }, '林地承包合同纠纷请求依法调处');
    await send(moved.id, 'clerk', '411621', { type: 'VERIFY' });
    // The city assigns it to the neighbouring county: it passes through 411622 too.
    await send(moved.id, 'supervisor', '411600', { type: 'ASSIGN', unit: '411622' });
    const ids = (body: { similar: { caseId: string }[] }) => body.similar.map((m) => m.caseId);
    expect(ids((await call('clerk', '411621', 'GET', `/petitions/${moved.id}/related`)).body)).toContain(other.id);
    // The county the case was assigned to reads it, but not the registering county's other cases.
    const there = await call('clerk', '411622', 'GET', `/petitions/${moved.id}/related`);
    expect(there.status).toBe(200);
    expect(ids(there.body)).not.toContain(other.id);
  });

  it('lets the clerk confirm a weak name-and-address match', async () => {
    const a = await intake('411621', { name: '孙八', address: '扶沟县大新镇孙庄村' }, '邻里宅基地纠纷');
    const b = await intake('411621', { name: '孙 八', address: '扶沟县大新镇孙庄村' }, '宅基地纠纷调处');
    expect(b.flags.first).toBe(true);
    const related = await call('clerk', '411621', 'GET', `/petitions/${b.id}/related`);
    expect(related.body.samePerson).toEqual([]);
    expect(related.body.personCandidates).toHaveLength(1);
    const candidate = related.body.personCandidates[0].id as string;
    expect((await call('handler', '411621', 'PUT', `/petitions/${b.id}/person`, { personId: candidate })).status).toBe(403);
    const other = await call('clerk', '411622', 'PUT', `/petitions/${b.id}/person`, { personId: candidate });
    expect(other.status).toBe(404);
    const linked = await call('clerk', '411621', 'PUT', `/petitions/${b.id}/person`, { personId: candidate });
    expect(linked.status).toBe(200);
    expect(linked.body.samePerson.map((m: { caseId: string }) => m.caseId)).toEqual([a.id]);
  });
});

describe('readable case numbers', () => {
  it('are unique and consecutive under 20 concurrent intakes in one unit', async () => {
    const year = beijingYear(new Date());
    const views = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        intake(
          '411621',
          { name: `并发${i}`, idNumber: undefined, phone: `1370000${String(i).padStart(4, '0')}`, address: '扶沟县' },
          `并发登记${i}`,
        ),
      ),
    );
    const numbers = views.map((v) => v.number);
    expect(new Set(numbers).size).toBe(20);
    const counters = numbers.map((n) => {
      const m = /^扶信〔(\d{4})〕(\d+)号$/.exec(n);
      expect(m?.[1]).toBe(String(year));
      return Number(m?.[2]);
    });
    const sorted = [...counters].sort((x, y) => x - y);
    expect(sorted).toEqual(Array.from({ length: 20 }, (_, i) => (sorted[0] ?? 0) + i));
    const read = await call('handler', '411621', 'GET', `/petitions/${views[0]?.id ?? ''}`);
    expect(read.body.number).toBe(numbers[0]);
  });

  it("fall back to a prefix from the unit's name when it has no short name", async () => {
    const v = await intake('411622', { name: '周九', idNumber: ID_D, address: '西华县' }, '请求解决饮水问题');
    expect(v.number).toMatch(/^西信〔\d{4}〕\d+号$/);
  });
});

describe('arbitrary search terms', () => {
  it('are answered 200 or a 400 in the error shape, never a 500, never echoed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 120, unit: 'binary' }), async (q) => {
        const r = await s.app.inject({
          method: 'GET',
          url: '/people',
          query: { q },
          headers: { authorization: `Bearer ${await s.token('clerk', '411600')}` },
        });
        expect([200, 400]).toContain(r.statusCode);
        if (r.statusCode === 400) {
          expect(r.json().error.code).toBe('VALIDATION');
          if (q.trim().length >= 6) expect(r.body).not.toContain(q.trim());
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the tables behind it', () => {
  it('keep identifiers out of every index: digests only', async () => {
    const r = await s.tdb.ownerPool.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where tablename in ('persons', 'person_phones', 'case_persons', 'case_summaries', 'access_log')`,
    );
    const defs = r.rows.map((row) => row.indexdef).join('\n');
    expect(defs).not.toMatch(/\(id_number|\(phone[ ,)]|, phone\)/);
    expect(defs).toContain('id_hash');
    expect(defs).toContain('phone_hash');
  });

  it('let the application role append to the access log but never change or delete it', async () => {
    await expect(s.tdb.db.deleteFrom('access_log').execute()).rejects.toThrow(/permission denied/);
    await expect(s.tdb.db.updateTable('access_log').set({ reason: 'x' }).execute()).rejects.toThrow(/permission denied/);
    await expect(s.tdb.db.updateTable('cases').set({ number: 'x' }).execute()).rejects.toThrow(/permission denied/);
  });

  it('migration 0014 goes down and up as the owner role', async () => {
    const tables = async () =>
      (
        await s.tdb.ownerPool.query<{ t: string }>(
          `select tablename t from pg_tables where tablename in ('persons', 'case_persons', 'access_log', 'case_number_counters') order by 1`,
        )
      ).rows.map((r) => r.t);
    expect(await tables()).toEqual(['access_log', 'case_number_counters', 'case_persons', 'persons']);
    await m0014.down(s.tdb.ownerDb as unknown as Kysely<unknown>);
    expect(await tables()).toEqual([]);
    await m0014.up(s.tdb.ownerDb as unknown as Kysely<unknown>);
    expect(await tables()).toEqual(['access_log', 'case_number_counters', 'case_persons', 'persons']);
  });
});
