/**
 * The unit tree with kinds and review bodies (migration 0006): importing it,
 * `GET /units`, the engine's cached directory, and `case_units`, the units
 * each case passed through, written in the same statement as every
 * transition and back-filled by the migration.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { DEMO_UNITS } from '../../cli/demo-units';
import { setUpAppRole } from '../../db/database-roles';
import * as m0006 from '../../db/migrations/0006-unit-kinds-case-units.migration';
import { ValidationError } from '../../engine/errors';
import { createUnitDirectory } from '../../engine/unit-directory.service';
import { unitFileSchema } from '../../engine/unit-import';
import { createUnitService, type UnitRecord } from '../../engine/unit.service';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { intakeBody } from '../support/engine-fixtures';
import { createTestServer, type TestServer } from '../support/test-server';

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer('units_http');
  await createUnitService(s.tdb.db, s.units).importUnits(DEMO_UNITS);
});
afterAll(async () => {
  await s.close();
});

async function call(role: HumanRole, unit: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) {
  const res = await s.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${await s.token(role, unit, `${role}@${unit}`)}` },
    ...(payload !== undefined && { payload }),
  });
  return { status: res.statusCode, body: res.json() };
}

const unitsOf = async (id: string) =>
  (await s.tdb.db.selectFrom('case_units').select('unit').where('case_id', '=', id).orderBy('unit').execute()).map((r) => r.unit);

describe('units import', () => {
  it('loads a file with kinds, review bodies and short names, and an older file without kinds as divisions', () => {
    const parsed = unitFileSchema.parse([
      { code: '411621', name: '扶沟县', level: 'county', parentCode: '411600' },
      { code: '411621-11', name: '扶沟县教育体育局', level: 'county', kind: 'department', parentCode: '411621', reviewBody: '411600-11' },
      { code: '411621-01', name: '扶沟县信访局', level: 'county', kind: 'bureau', parentCode: '411621', shortName: '扶信' },
    ]);
    expect(parsed.map((u) => [u.kind, u.reviewBody, u.shortName])).toEqual([
      ['division', null, null],
      ['department', '411600-11', null],
      ['bureau', null, '扶信'],
    ]);
  });

  it.each([
    [{ code: '411621-11', name: 'x', level: 'county', parentCode: '411621' }, 'code'],
    [{ code: '411621', name: 'x', level: 'county', kind: 'department', parentCode: '411600' }, 'code'],
    [{ code: '411621-11', name: 'x', level: 'county', kind: 'department', parentCode: '411622' }, 'parentCode'],
    [{ code: '411621', name: 'x', level: 'county', parentCode: '411600', reviewBody: '411621' }, 'reviewBody'],
    [{ code: '411621', name: 'x', level: 'county', kind: 'office', parentCode: '411600' }, 'kind'],
  ])('refuses %j (%s)', (unit, field) => {
    const parsed = unitFileSchema.safeParse([unit]);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path[1])).toContain(field);
  });

  it('refuses a review body outside the tree, a body of another level, and units hung under a department; writes nothing', async () => {
    const service = createUnitService(s.tdb.db, s.units);
    const bad: UnitRecord[][] = [
      [
        {
          code: '411622-16',
          name: '西华县民政局',
          kind: 'department',
          level: 'county',
          parentCode: '411622',
          reviewBody: '411600-16',
          shortName: null,
        },
      ],
      [
        {
          code: '411622-16',
          name: '西华县民政局',
          kind: 'department',
          level: 'city',
          parentCode: '411622',
          reviewBody: null,
          shortName: null,
        },
      ],
      [
        {
          code: '411622-16',
          name: '西华县民政局',
          kind: 'department',
          level: 'county',
          parentCode: '411622-11',
          reviewBody: null,
          shortName: null,
        },
      ],
    ];
    for (const units of bad) await expect(service.importUnits(units)).rejects.toBeInstanceOf(ValidationError);
    expect(await s.tdb.db.selectFrom('units').select('code').where('code', '=', '411622-16').execute()).toEqual([]);
  });

  it('stores what seed-demo loads: 周口市, its bureau, counties with bureaus and departments, one review body set to the city', async () => {
    const rows = await s.tdb.db
      .selectFrom('units')
      .select(['code', 'name', 'kind', 'level', 'parent_code', 'review_body', 'short_name'])
      .where('code', 'in', ['411600-01', '411621-01', '411621-11', '411622-15', '411681-14'])
      .orderBy('code')
      .execute();
    expect(rows).toEqual([
      {
        code: '411600-01',
        name: '周口市信访局',
        kind: 'bureau',
        level: 'city',
        parent_code: '411600',
        review_body: null,
        short_name: '周信',
      },
      {
        code: '411621-01',
        name: '扶沟县信访局',
        kind: 'bureau',
        level: 'county',
        parent_code: '411621',
        review_body: null,
        short_name: '扶信',
      },
      {
        code: '411621-11',
        name: '扶沟县教育体育局',
        kind: 'department',
        level: 'county',
        parent_code: '411621',
        review_body: '411600-11',
        short_name: null,
      },
      {
        code: '411622-15',
        name: '西华县住房和城乡建设局',
        kind: 'department',
        level: 'county',
        parent_code: '411622',
        review_body: null,
        short_name: null,
      },
      {
        code: '411681-14',
        name: '项城市公安局',
        kind: 'department',
        level: 'county',
        parent_code: '411681',
        review_body: null,
        short_name: null,
      },
    ]);
  });
});

describe('GET /units', () => {
  it('serves the whole tree to every role, with names, kinds, levels, review bodies (the parent by default) and short names', async () => {
    for (const role of ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor'] as const) {
      const res = await call(role, '411622', 'GET', '/units');
      expect(res.status).toBe(200);
      expect(res.body.units).toHaveLength(DEMO_UNITS.length);
    }
    const { body } = await call('clerk', '411621', 'GET', '/units');
    const byCode = new Map((body.units as { code: string }[]).map((u) => [u.code, u]));
    expect(byCode.get('411621-11')).toEqual({
      code: '411621-11',
      name: '扶沟县教育体育局',
      kind: 'department',
      level: 'county',
      parentCode: '411621',
      reviewBody: '411600-11',
      shortName: null,
    });
    expect(byCode.get('411622-11')).toMatchObject({ reviewBody: '411622' });
    expect(byCode.get('411621206')).toMatchObject({ kind: 'division', level: 'township', reviewBody: '411621' });
    expect(byCode.get('410000')).toMatchObject({ parentCode: null, reviewBody: null });
  });

  it('serves any subtree with ?under=, even outside the caller’s units (names are not personal data)', async () => {
    const { status, body } = await call('clerk', '411622', 'GET', '/units?under=411621');
    expect(status).toBe(200);
    const codes = (body.units as { code: string }[]).map((u) => u.code);
    expect(codes).toEqual(expect.arrayContaining(['411621', '411621-01', '411621-15', '411621206', '411621206201']));
    expect(codes.every((c) => c.startsWith('411621'))).toBe(true);
    const body11 = await call('clerk', '411622', 'GET', '/units?under=411621-11');
    expect((body11.body.units as { code: string }[]).map((u) => u.code)).toEqual(['411621-11']);
  });

  it('answers 404 for an unknown unit, 400 for a malformed one, 401 without a token', async () => {
    expect((await call('clerk', '411621', 'GET', '/units?under=411699')).status).toBe(404);
    expect((await call('clerk', '411621', 'GET', '/units?under=4116-x')).status).toBe(400);
    expect((await s.app.inject({ method: 'GET', url: '/units' })).statusCode).toBe(401);
  });
});

describe('the unit directory', () => {
  it('caches the tree until its TTL, reloads after it, and at once after an import through it', async () => {
    let clock = 0;
    const directory = createUnitDirectory(s.tdb.db, { ttlMs: 1000, now: () => clock });
    const first = await directory.tree();
    expect(first.nameOf('411621-12')).toBe('扶沟县人力资源和社会保障局');
    // Another process renames a unit: this one keeps its copy until the TTL runs out.
    await createUnitService(s.tdb.db).importUnits([{ ...unit('411621-12'), name: '扶沟县人社局' }]);
    clock = 999;
    expect((await directory.tree()).nameOf('411621-12')).toBe('扶沟县人力资源和社会保障局');
    expect(await directory.tree()).toBe(first);
    clock = 1000;
    expect((await directory.tree()).nameOf('411621-12')).toBe('扶沟县人社局');
    // An import through the directory's own service is seen at once.
    await createUnitService(s.tdb.db, directory).importUnits([unit('411621-12')]);
    const after = await directory.tree();
    expect(after.nameOf('411621-12')).toBe('扶沟县人力资源和社会保障局');
    expect(after.kindOf('411621-12')).toBe('department');
    expect(after.reviewBodyOf('411621-11')).toBe('411600-11');
    expect(after.reviewBodyOf('411621-12')).toBe('411621');
    expect(after.namesOf(['411621', '411621-01', '999999'])).toEqual({ '411621': '扶沟县', '411621-01': '扶沟县信访局' });
  });

  it('shares one load between concurrent callers', async () => {
    const directory = createUnitDirectory(s.tdb.db);
    const [a, b] = await Promise.all([directory.tree(), directory.tree()]);
    expect(a).toBe(b);
  });
});

function unit(code: string): UnitRecord {
  const found = DEMO_UNITS.find((u) => u.code === code);
  if (found === undefined) throw new Error(`no demo unit ${code}`);
  return found;
}

describe('case_units', () => {
  it('records the registering unit at intake, and every unit a case is assigned or reassigned to', async () => {
    const created = await call('clerk', '411622', 'POST', '/petitions', intakeBody({ unit: '411622' }));
    const id = created.body.id as string;
    expect(await unitsOf(id)).toEqual(['411622']);
    await call('clerk', '411622', 'POST', `/petitions/${id}/events`, { type: 'VERIFY' });
    const assigned = await call('clerk', '411622', 'POST', `/petitions/${id}/events`, { type: 'ASSIGN', unit: '411622104', handler: 'h' });
    expect(assigned.status).toBe(200);
    expect(await unitsOf(id)).toEqual(['411622', '411622104']);
    await call('supervisor', '411600', 'POST', `/petitions/${id}/events`, { type: 'ESCALATE', reason: '督办', dueIn: 'P10D' });
    const reassigned = await call('supervisor', '411600', 'POST', `/petitions/${id}/events`, {
      type: 'REASSIGN',
      unit: '411622-11',
      handler: 'h',
      dueIn: 'P20D',
    });
    expect(reassigned.status).toBe(200);
    expect(await unitsOf(id)).toEqual(['411622', '411622-11', '411622104']);
    // The township it was reassigned away from still sees it; the county's bureau beside the department does not.
    expect((await call('handler', '411622104', 'GET', `/petitions/${id}`)).status).toBe(200);
    expect((await call('handler', '411622-11', 'GET', `/petitions/${id}`)).status).toBe(200);
    expect((await call('handler', '411622-12', 'GET', `/petitions/${id}`)).status).toBe(404);
  });

  it('refuses (403) an ASSIGN to a code that is not in the tree, even inside the sender’s subtree', async () => {
    const id = (await call('clerk', '411621', 'POST', '/petitions', intakeBody({ unit: '411621' }))).body.id as string;
    await call('clerk', '411621', 'POST', `/petitions/${id}/events`, { type: 'VERIFY' });
    const res = await call('clerk', '411621', 'POST', `/petitions/${id}/events`, { type: 'ASSIGN', unit: '411621-99', handler: 'h' });
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(await unitsOf(id)).toEqual(['411621']);
  });

  it('is granted to the application role for reading and appending only', async () => {
    const id = (await call('clerk', '411621', 'POST', '/petitions', intakeBody({ unit: '411621' }))).body.id as string;
    await expect(s.tdb.db.deleteFrom('case_units').where('case_id', '=', id).execute()).rejects.toThrow(/permission denied/);
    await expect(s.tdb.db.updateTable('case_units').set({ unit: '411622' }).where('case_id', '=', id).execute()).rejects.toThrow(
      /permission denied/,
    );
  });
});

describe('migration 0006', () => {
  it('goes down and up as the owner, back-filling case_units from the cases and the units their trails assigned them to', async () => {
    const owner = s.tdb.ownerDb as unknown as Kysely<unknown>;
    await m0006.down(owner);
    const columns = await sql<{
      column_name: string;
    }>`select column_name from information_schema.columns where table_name = 'units'`.execute(owner);
    expect(columns.rows.map((r) => r.column_name).sort()).toEqual(['code', 'level', 'name', 'parent_code']);
    expect((await sql`select 1 from units where code like '%-%'`.execute(owner)).rows).toEqual([]);

    // A case of before the migration: registered at 西华县, assigned to 逍遥镇, then reassigned to 西华县 itself.
    const id = randomUUID();
    const at = new Date('2026-03-02T01:00:00.000Z');
    await sql`insert into cases (id, unit, assignee_unit, state, channel, version, machine_version, snapshot, last_hash, created_at, updated_at)
      values (${id}, '411622', '411622', 'assigned', 'letter', 3, 2, '{}', ${Buffer.alloc(32)}, ${at}, ${at})`.execute(owner);
    for (const [seq, type, fields] of [
      [1, 'INTAKE', { unit: '411622' }],
      [2, 'ASSIGN', { unit: '411622104' }],
      [3, 'REASSIGN', { unit: '411622' }],
    ] as const) {
      await sql`insert into case_events (case_id, seq, type, fields, actor_id, actor_role, actor_unit, at, machine_version, hash)
        values (${id}, ${seq}, ${type}, ${JSON.stringify(fields)}, 'u', 'clerk', '411622', ${at}, 2, ${Buffer.alloc(32)})`.execute(owner);
    }

    await m0006.up(owner);
    // New tables need the application role's grants again, as `migrate --admin-url` gives them after every migration.
    await setUpAppRole(owner, { role: s.tdb.appRole });
    expect(await unitsOf(id)).toEqual(['411622', '411622104']);
    const kinds = await s.tdb.db.selectFrom('units').select(['kind']).distinct().execute();
    expect(kinds).toEqual([{ kind: 'division' }]);
    // The constraints hold: a division cannot take a suffixed code.
    await expect(
      sql`insert into units (code, name, level, kind) values ('411621-21', 'x', 'county', 'division')`.execute(owner),
    ).rejects.toThrow(/units_code_kind_check/);
    await createUnitService(s.tdb.db, s.units).importUnits(DEMO_UNITS);
  });
});
