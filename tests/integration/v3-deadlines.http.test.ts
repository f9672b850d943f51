/**
 * The deadline machinery on version 3 cases: the same rows, timers and
 * batches as ever, driven by the v3 clocks. A duty clock's breach puts the
 * case under supervision (a flag; the case stays where it is and the handler
 * keeps the pen); a breach of the supervision deadline raises the level and is
 * told to the unit above; the leader in charge hears of every breach; a lapsed
 * review window closes the case as 办结.
 */
import { createNotificationSource } from '../../engine/notification-source.service';
import { fireTimer } from '../support/fire-timer';
import { createV3Server, deadlineOf, U, type V3Server } from '../support/v3-http-fixtures';

let v: V3Server;
beforeAll(async () => {
  v = await createV3Server('v3-deadlines');
});
afterAll(async () => {
  await v.s.close();
});

const DAY = 24 * 3600 * 1000;

/** Fires every reminder and then the breach of a clock's current generation, as the workers would. */
async function fireUntilBreach(id: string, clock: Parameters<typeof fireTimer>[3], generation = 1): Promise<void> {
  for (let i = 0; i < 10; i += 1) {
    const outcome = await fireTimer(v.s.engine, v.s.tdb.db, id, clock, generation);
    if (outcome === 'breached') return;
    if (outcome !== 'reminded') throw new Error(`the ${clock} timer answered ${outcome}`);
  }
  throw new Error(`the ${clock} clock never breached`);
}

describe('version 3 clocks as deadlines', () => {
  it('puts a case under supervision when the dispatch clock breaches, without moving it, and the leader hears of it', async () => {
    const id = (await v.intake()).body.id as string;
    await v.send(id, 'supervisor', U.city, { type: 'ASSIGN_LEADER', leader: 'leader-9' }, 'registered');
    v.clock.advance(20 * DAY);
    await fireUntilBreach(id, 'dispatch');
    const view = (await v.call('supervisor', U.bureau, 'GET', `/petitions/${id}`)).body;
    expect(view).toMatchObject({ state: 'registered', listed: true, supervision: { level: 'supervise', source: 'breach', active: true } });
    expect(deadlineOf(view, 'dispatch')).toMatchObject({ status: 'breached' });
    // Supervision never takes the pen: the bureau still transfers.
    expect(view.allowedEvents).toContain('TRANSFER');
    const history = (await v.call('auditor', U.bureau, 'GET', `/petitions/${id}/history`)).body.events as {
      type: string;
      seq: number;
      fields: Record<string, unknown>;
    }[];
    const breach = history.find((e) => e.type === 'DEADLINE_BREACHED');
    expect(breach?.fields).toMatchObject({ clock: 'dispatch', relations: [] }); // the system acts for no unit
    const subject = await createNotificationSource(v.s.tdb.db, v.s.units).subjectOf(id, breach?.seq ?? 0);
    expect(subject?.recipients).toEqual(
      expect.arrayContaining([
        { role: 'supervisor', unit: U.bureau },
        { role: 'leader', id: 'leader-9' },
      ]),
    );
    const replay = (await v.call('auditor', U.bureau, 'GET', `/petitions/${id}/replay`)).body;
    expect(replay).toMatchObject({ matchesStored: true, state: 'registered' });
  });

  it('raises the level when the supervision deadline breaches, and tells the unit above the supervising one', async () => {
    const id = (await v.intake()).body.id as string;
    const supervised = await v.send(
      id,
      'supervisor',
      U.bureau,
      { type: 'SUPERVISE', level: 'supervise', reason: '限期办理', dueIn: 'P5D' },
      'registered',
    );
    expect(deadlineOf(supervised, 'supervision')).toMatchObject({ status: 'pending' });
    v.clock.advance(7 * DAY);
    await fireUntilBreach(id, 'supervision');
    const view = (await v.call('supervisor', U.bureau, 'GET', `/petitions/${id}`)).body;
    expect(view.supervision).toMatchObject({ level: 'list', active: true });
    const history = (await v.call('auditor', U.bureau, 'GET', `/petitions/${id}/history`)).body.events as {
      type: string;
      seq: number;
      fields: { clock?: string };
    }[];
    const breach = history.find((e) => e.type === 'DEADLINE_BREACHED' && e.fields.clock === 'supervision');
    const subject = await createNotificationSource(v.s.tdb.db, v.s.units).subjectOf(id, breach?.seq ?? 0);
    expect(subject?.recipients).toEqual(expect.arrayContaining([{ role: 'supervisor', unit: U.city }]));
  });

  it('closes the case as 办结 when the review window lapses', async () => {
    const id = (await v.intake()).body.id as string;
    await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
    await v.send(id, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    await v.send(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'explain', opinion: '解释说明' }, 'answered');
    await v.send(id, 'clerk', U.body, { type: 'DELIVER', method: 'post' }, 'delivered');
    v.clock.advance(40 * DAY);
    await fireUntilBreach(id, 'reviewRequest');
    const view = (await v.call('clerk', U.bureau, 'GET', `/petitions/${id}`)).body;
    expect(view).toMatchObject({ state: 'closed', closure: 'concluded' });
  });
});
