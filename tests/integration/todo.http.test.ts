/**
 * 我的待办 (GET /me/todo) and the list by urgency (GET /petitions?sort=urgency)
 * under machine version 3: a case waits on the users whose role and unit's
 * relation let them do its next piece of work, and leaves their list once it
 * is done; the list is most urgent first and counts each kind of work; the
 * deadlines say how many days are left, or how many overdue, and their colour.
 */
import { createV3Server, deadlineOf, U, type V3Server } from '../support/v3-http-fixtures';

jest.setTimeout(120_000);

let v: V3Server;
beforeAll(async () => {
  // Mon 2026-03-02 09:00 Beijing time.
  v = await createV3Server('todo');
});
afterAll(async () => {
  await v?.s.close();
});

const todo = async (role: Parameters<V3Server['call']>[0], unit: string) => {
  const res = await v.call(role, unit, 'GET', '/me/todo');
  expect(res.status).toBe(200);
  return res.body as { counts: Record<string, number>; total: number; items: { id: string; kinds: string[]; deadline: any }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const ids = (list: { items: { id: string }[] }) => list.items.map((i) => i.id);

describe('the to-do lists of a bureau and a township', () => {
  let transferred: string;
  let registered: string;
  let accepted: string;
  beforeAll(async () => {
    // Transferred on Mon 03-02: the township's 15 days to tell the petitioner run to Tue 03-17.
    transferred = (await v.intake()).body.id as string;
    await v.send(transferred, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
    v.clock.set('2026-03-12T02:00:00.000Z'); // Thu 03-12 10:00
    registered = (await v.intake()).body.id as string;
    accepted = (await v.intake()).body.id as string;
    await v.send(accepted, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
    await v.send(accepted, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
  });

  it('gives the bureau’s clerk and supervisor the case to transfer, and the township nothing of it', async () => {
    for (const role of ['clerk', 'supervisor'] as const) {
      const list = await todo(role, U.bureau);
      expect(ids(list)).toEqual([registered]);
      expect(list.counts).toMatchObject({ dispatch: 1, accept: 0, answer: 0 });
    }
    expect(ids(await todo('handler', U.body))).not.toContain(registered);
  });

  it('gives the township’s handler the case to accept and the one to answer, the more urgent first, with counts', async () => {
    const list = await todo('handler', U.body);
    expect(ids(list)).toEqual([transferred, accepted]);
    expect(list.total).toBe(2);
    expect(list.counts).toMatchObject({ accept: 1, answer: 1, dispatch: 0, deliver: 0 });
    expect(list.items[0]).toMatchObject({
      kinds: ['accept'],
      deadline: { clock: 'notice', lastDay: '2026-03-17', remainingDays: 5, level: 'yellow' },
    });
    expect(list.items[1]).toMatchObject({ kinds: ['answer'], deadline: { clock: 'handling', level: 'green' } });
  });

  it('shows nothing to a unit the cases never reached', async () => {
    expect(await todo('handler', U.otherBody)).toMatchObject({ total: 0, items: [] });
  });

  it('puts an overdue case on top, with the days overdue, also in the list sorted by urgency', async () => {
    v.clock.set('2026-03-19T02:00:00.000Z'); // Thu 03-19 10:00: the notice period ended with Tue 03-17
    const list = await todo('handler', U.body);
    expect(list.items[0]).toMatchObject({
      id: transferred,
      deadline: { remainingDays: -2, remainingBasis: 'calendar-days', level: 'red' },
    });
    const byUrgency = await v.call('supervisor', U.bureau, 'GET', '/petitions?sort=urgency&limit=2');
    expect(byUrgency.status).toBe(200);
    // The case to transfer is due Fri 03-27 (dispatch), before the one accepted 03-12 (handling, 60 days).
    expect(byUrgency.body.items.map((c: { id: string }) => c.id)).toEqual([transferred, registered]);
    const next = await v.call('supervisor', U.bureau, 'GET', `/petitions?sort=urgency&limit=2&cursor=${byUrgency.body.nextCursor}`);
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual([accepted]);
    expect(next.body.nextCursor).toBeNull();
    // The newest-first cursor is no cursor of the urgency order.
    const newest = await v.call('supervisor', U.bureau, 'GET', '/petitions?limit=1');
    expect((await v.call('supervisor', U.bureau, 'GET', `/petitions?sort=urgency&cursor=${newest.body.nextCursor}`)).status).toBe(400);
    expect(deadlineOf(byUrgency.body.items[0], 'notice')).toMatchObject({ remainingDays: -2, level: 'red' });
  });

  it('empties the handler’s list as the work is done, and hands the leader the extension to approve', async () => {
    await v.send(transferred, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    expect((await todo('handler', U.body)).counts).toMatchObject({ accept: 0, answer: 2 });
    await v.send(accepted, 'handler', U.body, { type: 'REQUEST_EXTENSION', duration: 'P30D', reason: '需要补充调查' }, 'accepted');
    expect((await todo('leader', U.body)).counts).toMatchObject({ approveExtension: 1 });
    await v.send(accepted, 'leader', U.body, { type: 'APPROVE_EXTENSION', note: '同意' }, 'accepted');
    expect((await todo('leader', U.body)).counts.approveExtension).toBe(0);
    for (const id of [transferred, accepted])
      await v.send(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'support', opinion: '依法支持' }, 'answered');
    expect((await todo('handler', U.body)).counts).toMatchObject({ answer: 0, deliver: 2 });
    for (const id of [transferred, accepted]) await v.send(id, 'handler', U.body, { type: 'DELIVER', method: 'in-person' }, 'delivered');
    expect(await todo('handler', U.body)).toMatchObject({ total: 0, items: [] });
  });
});
