/**
 * The figures a bureau is judged by, built through the HTTP API under
 * machine version 3: the 西华 line of the seed page ("121 matters, 99%
 * resolved, 96% satisfied, no repeat visits"), then each rate with a
 * hand-computed expectation over a few matters whose clocks are met or
 * breached on a fake clock, the denominators' edge cases, 零访 and 四无,
 * scope and roles, and the CSV, XLSX and PDF forms.
 */
import ExcelJS from 'exceljs';
import { fireTimer } from '../support/fire-timer';
import { createXihuaServer, X, type XihuaServer } from '../support/xihua-fixtures';
import { pdfText } from '../support/pdf-text';

jest.setTimeout(240_000);

const DAY = 86_400_000;
let x: XihuaServer;

beforeAll(async () => {
  x = await createXihuaServer('statistics');
});
afterAll(async () => {
  await x?.s.close();
});

const stats = (query: string, role: 'supervisor' | 'leader' | 'auditor' = 'leader', unit: string = X.city) =>
  x.call(role, unit, 'GET', `/stats?${query}`);

/** Fires a clock's timer as the workers do, its reminders first, until it breaches. */
async function breach(id: string, clock: string): Promise<void> {
  for (let fired = 0; fired < 10; fired++) {
    const outcome = await fireTimer(x.s.engine, x.s.tdb.db, id, clock as never, 1);
    if (outcome === 'breached') return;
    expect(outcome).toBe('reminded');
  }
  throw new Error(`${clock} did not breach`);
}

/** Registered at the bureau, transferred to a township, accepted there: returns the id. */
async function accepted(overrides: Record<string, unknown> = {}, body: string = X.town1): Promise<string> {
  const id = await x.intake(overrides);
  await x.send(id, 'clerk', X.bureau, { type: 'TRANSFER', toUnit: body }, 'transferred');
  await x.send(id, 'handler', body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
  return id;
}

/** Answered with `outcome`, delivered, and (unless `rating` is null) rated for the body. */
async function answered(id: string, outcome: string, rating: string | null, body: string = X.town1): Promise<void> {
  await x.send(id, 'handler', body, { type: 'RESOLVE', outcome, opinion: '经调查核实，答复如下' }, 'answered');
  await x.send(id, 'handler', body, { type: 'DELIVER', method: 'in-person' }, 'delivered');
  if (rating !== null) await x.send(id, 'clerk', X.bureau, { type: 'RATE_SATISFACTION', body: rating, bureau: 'satisfied' }, 'delivered');
}

describe('the 西华 line: 121 matters, 99.2% resolved, 95.9% satisfied, no repeat visits', () => {
  beforeAll(async () => {
    // March 2026: 120 answered with support, one not supported and rated 不满意; 116 rated 满意 or 基本满意.
    for (let i = 0; i < 121; i++) {
      const id = await accepted();
      const rating = i === 120 || i >= 116 ? 'unsatisfied' : i % 3 === 0 ? 'basically-satisfied' : 'satisfied';
      await answered(id, i === 120 ? 'not-support' : 'support', rating);
    }
  });

  it('counts them for 西华县 over the month, as the seed page prints them', async () => {
    const res = await stats(`unit=${X.county}&from=2026-03-01&to=2026-03-31`);
    expect(res.status).toBe(200);
    expect(res.body.unit).toEqual({ code: X.county, name: '西华县' });
    expect(res.body.counts).toMatchObject({ matters: 121, people: 121, answered: 121, delivered: 121, transferred: 121 });
    expect(res.body.rates).toEqual({
      timelyAcceptance: { num: 121, den: 121, pct: 100 },
      onTimeHandling: { num: 121, den: 121, pct: 100 },
      participation: { num: 121, den: 121, pct: 100 },
      satisfaction: { num: 116, den: 121, pct: 95.9 },
      resolution: { num: 120, den: 121, pct: 99.2 },
      repeat: { num: 0, den: 121, pct: 0 },
    });
    expect(res.body.counts.ratings.body).toEqual({ satisfied: 77, 'basically-satisfied': 39, unsatisfied: 5 });
  });

  it('writes the line into the annual report PDF, in Chinese, with the unit name and the figures', async () => {
    const res = await x.call('leader', X.county, 'GET', '/reports/annual?year=2026&format=pdf');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(res.raw);
    expect(text).toContain('西华县');
    expect(text).toContain('登记 121 件');
    expect(text).toContain('化解率：99.2%（120/121）');
    expect(text).toContain('满意率：95.9%（116/121）');
    expect(text).toContain('重访率：0.0%（0/121）');
  });
});

describe('each rate by hand, May 2026 (A-E at the bureau, G at 址坊镇)', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    x.clock.set('2026-05-04T01:00:00.000Z'); // Monday 09:00 in Beijing
    ids.A = await accepted();
    ids.B = await accepted();
    ids.D = await accepted();
    ids.C = await x.intake({ matter: { category: '劳动社保', summary: '拖欠工资' } });
    ids.E = await x.intake();
    await x.send(ids.E, 'clerk', X.bureau, { type: 'WITHDRAW', reason: '已自行协商解决' }, 'closed');
    // G: a group of 12 registered by the township itself, which accepts its own matter.
    ids.G = await x.intake({ channel: 'visit', flags: { group: { headCount: 12 } } }, X.town2);
    await x.send(ids.G, 'handler', X.town2, { type: 'ACCEPT', noticeMethod: 'in-person' }, 'accepted');

    x.clock.advance(6 * DAY); // May 10
    await answered(ids.A, 'support', 'satisfied');
    await answered(ids.D, 'explain', null);

    // C's dispatch clock (15 days, Art 22) breaches; then it is transferred, accepted and answered in May.
    x.clock.set('2026-05-25T01:00:00.000Z');
    await breach(ids.C, 'dispatch');
    await x.send(ids.C, 'clerk', X.bureau, { type: 'TRANSFER', toUnit: X.town1 }, 'transferred');
    await x.send(ids.C, 'handler', X.town1, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    await answered(ids.C, 'not-support', 'unsatisfied');

    // B's handling clock (60 days from acceptance, Art 34) breaches in July; it is answered after.
    x.clock.set('2026-07-06T01:00:00.000Z');
    await breach(ids.B, 'handling');
    await x.send(ids.B, 'handler', X.town1, { type: 'RESOLVE', outcome: 'explain', opinion: '已作解释说明' }, 'answered');
  });

  it('counts matters and people (a group counts its head count), by channel, class, flag and closure', async () => {
    const { body } = await stats(`unit=${X.county}&from=2026-05-01&to=2026-05-31`);
    expect(body.counts).toMatchObject({
      matters: 6,
      people: 17,
      byChannel: { letter: 5, visit: 1 },
      byClass: { complaint: 6, suggestion: 0, accusation: 0 },
      flags: { group: { matters: 1, people: 12 }, skipLevel: { matters: 0, people: 0 } },
      byClosure: { withdrawn: 1, open: 5 },
      answered: 4,
      delivered: 3,
    });
  });

  it('computes each rate from its own numerator and denominator', async () => {
    const { body } = await stats(`unit=${X.county}&from=2026-05-01&to=2026-05-31`);
    expect(body.rates).toEqual({
      // Intake clocks ended in May: A, B, D, G in time; C breached; E withdrawn (not counted) → 4/5.
      timelyAcceptance: { num: 4, den: 5, pct: 80 },
      // Handling ended in May: A, D, C answered in time; B overdue only in July → 3/3.
      onTimeHandling: { num: 3, den: 3, pct: 100 },
      // Delivered A, C, D; rated A, C → 2/3.
      participation: { num: 2, den: 3, pct: 66.7 },
      // Rated A (满意), C (不满意) → 1/2.
      satisfaction: { num: 1, den: 2, pct: 50 },
      // Answered A (support), B (explain), C (not-support, 不满意), D (explain, unrated) → 1/4.
      resolution: { num: 1, den: 4, pct: 25 },
      repeat: { num: 0, den: 6, pct: 0 },
    });
  });

  it('counts an overdue handling in the period it went overdue', async () => {
    const { body } = await stats(`unit=${X.county}&from=2026-07-01&to=2026-07-31`);
    expect(body.counts.matters).toBe(0);
    expect(body.rates.onTimeHandling).toEqual({ num: 0, den: 1, pct: 0 });
  });

  it('gives null, not 0, when nothing is due, delivered or rated', async () => {
    const { body } = await stats(`unit=${X.county}&from=2026-06-01&to=2026-06-30`);
    expect(body.counts.matters).toBe(0);
    for (const rate of Object.values(body.rates)) expect(rate).toEqual({ num: 0, den: 0, pct: null });
    // 址坊镇 registered one matter in May, answered nothing and had nothing rated.
    const may = await stats(`unit=${X.county}&from=2026-05-01&to=2026-05-31&sort=matters`);
    const town2 = may.body.units.find((u: { code: string }) => u.code === X.town2);
    expect(town2).toMatchObject({ name: '址坊镇', counts: { matters: 1, people: 12 } });
    expect(town2.rates).toMatchObject({
      timelyAcceptance: { num: 1, den: 1, pct: 100 },
      participation: { num: 0, den: 0, pct: null },
      satisfaction: { num: 0, den: 0, pct: null },
      resolution: { num: 0, den: 0, pct: null },
    });
  });

  it('lists every child unit with its name, zeros included, ranked by the sort', async () => {
    const { body } = await stats(`unit=${X.county}&from=2026-05-01&to=2026-05-31&sort=matters`);
    expect(body.units.map((u: { code: string; name: string; counts: { matters: number } }) => [u.code, u.name, u.counts.matters])).toEqual([
      [X.bureau, '西华县信访局', 5],
      [X.town2, '址坊镇', 1],
      [X.town1, '西华营镇', 0],
      [X.town3, '红花集镇', 0],
    ]);
    // The bureau's intake clocks: A, B, D in time, C late → 75.0; 址坊镇's 100.0; the others have none and come last.
    const byTimely = await stats(`unit=${X.county}&from=2026-05-01&to=2026-05-31&sort=timelyAcceptance&order=asc`);
    expect(
      byTimely.body.units.map((u: { code: string; rates: { timelyAcceptance: { pct: number | null } } }) => [
        u.code,
        u.rates.timelyAcceptance.pct,
      ]),
    ).toEqual([
      [X.bureau, 75],
      [X.town2, 100],
      [X.town1, null],
      [X.town3, null],
    ]);
    expect(body.byCategory).toEqual([
      { category: '土地征收', matters: 5 },
      { category: '劳动社保', matters: 1 },
    ]);
  });

  it('lists 零访 and 四无 places: a township with no matter with 0, one with a group visit not 四无', async () => {
    const res = await x.call('supervisor', X.county, 'GET', '/stats/zero-units?from=2026-05-01&to=2026-05-31');
    expect(res.status).toBe(200);
    expect(res.body.criteria).toEqual(['skipLevel', 'group', 'repeat', 'majorUrgent']);
    const line = (code: string) => res.body.units.find((u: { code: string }) => u.code === code);
    expect(res.body.units.map((u: { code: string }) => u.code)).toEqual([X.town1, X.village, X.town2, X.town3]);
    expect(line(X.town3)).toMatchObject({ name: '红花集镇', level: 'township', matters: 0, zeroVisit: true, fourNone: true });
    expect(line(X.town2)).toMatchObject({ name: '址坊镇', matters: 1, zeroVisit: false, fourNone: false, flagged: { group: 1 } });
    expect(line(X.village)).toMatchObject({ level: 'village', matters: 0, zeroVisit: true, fourNone: null });
  });

  it('reviews the week (研判): new and group matters per unit, overdue and at-risk ones listed', async () => {
    const res = await x.call('leader', X.county, 'GET', '/reports/weekly?week=2026-W19');
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ from: '2026-05-04', to: '2026-05-10' });
    expect(res.body.totals).toMatchObject({ new: 6, group: 1, groupPeople: 12, repeat: 0, skipLevel: 0 });
    expect(res.body.units.find((u: { code: string }) => u.code === X.town2).counts).toMatchObject({ new: 1, group: 1 });
    expect(res.body.cases.find((c: { id: string }) => c.id === ids.G).marks).toEqual(expect.arrayContaining(['new', 'group']));
    const pdf = await x.call('leader', X.county, 'GET', '/reports/weekly?week=2026-W19&format=pdf');
    const text = await pdfText(pdf.raw);
    expect(text).toContain('西华县 信访形势周研判（2026-W19）');
    expect(text).toContain('址坊镇');
  });
});

describe('who reads statistics, and where', () => {
  it('serves supervisors, leaders and auditors, and refuses clerks and handlers (403)', async () => {
    for (const role of ['supervisor', 'leader', 'auditor'] as const)
      expect((await stats('from=2026-03-01&to=2026-03-31', role, X.county)).status).toBe(200);
    for (const role of ['clerk', 'handler'] as const) {
      const res = await x.call(role, X.county, 'GET', '/stats?from=2026-03-01&to=2026-03-31');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('narrows a unit outside the caller’s subtree to the caller’s own', async () => {
    const res = await stats(`unit=${X.county}&from=2026-03-01&to=2026-03-31`, 'leader', X.otherCounty);
    expect(res.body.unit.code).toBe(X.otherCounty);
    expect(res.body.counts.matters).toBe(0);
  });

  it('refuses a malformed period (400 naming the field)', async () => {
    const res = await stats('from=2026-03-31&to=2026-03-01');
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues[0].path).toEqual(['to']);
  });
});

describe('exports', () => {
  it('CSV: UTF-8 with a byte-order mark, Chinese headers, the scope then each child unit', async () => {
    const res = await stats(`unit=${X.county}&from=2026-03-01&to=2026-03-31&format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect([...res.raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, total, ...children] = res.raw.toString('utf8').slice(1).trim().split('\n');
    const columns = (header ?? '').split(',');
    const at = (line: string | undefined, name: string) => (line ?? '').split(',')[columns.indexOf(name)];
    expect(columns.slice(0, 6)).toEqual(['统计起始日', '统计截止日', '单位', '单位代码', '登记件数', '登记人次']);
    expect(at(total, '单位')).toBe('西华县（合计）');
    expect(at(total, '登记件数')).toBe('121');
    expect(at(total, '化解率(%)')).toBe('99.2');
    expect(at(total, '满意率(%)')).toBe('95.9');
    expect(at(total, '统计起始日')).toBe('2026-03-01');
    expect(children.map((l) => at(l, '单位'))).toEqual(['西华县信访局', '西华营镇', '址坊镇', '红花集镇']);
    expect(at(children[0], '登记件数')).toBe('121');
  });

  it('XLSX: a workbook with the same table', async () => {
    const res = await stats(`unit=${X.county}&from=2026-03-01&to=2026-03-31&format=xlsx`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('统计');
    const header = (sheet?.getRow(2).values as unknown[]).slice(1);
    const total = (sheet?.getRow(3).values as unknown[]).slice(1);
    expect(total[header.indexOf('单位')]).toBe('西华县（合计）');
    expect(total[header.indexOf('登记件数')]).toBe(121);
    expect(total[header.indexOf('化解率(%)')]).toBe(99.2);
  });
});
