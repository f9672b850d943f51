/**
 * Machine version 3 over HTTP: the two tiers (the bureau dispatches, the body
 * notices, accepts, handles and answers), review one level up with three
 * different bodies deciding, objections, routing, suggestions, withdrawal,
 * 交办 with its closing report and 销号, the refusals (the accused unit, a
 * pause the policy does not allow, 403 and 422), and the trail replaying.
 */
import { createAuditService } from '../../engine/audit.service';
import { ROUTE_PROCEDURES } from '../../machines/versions/v3/v3.vocabulary';
import { createV3Server, deadlineOf, U, v3Intake, type V3Server } from '../support/v3-http-fixtures';

let v: V3Server;
beforeAll(async () => {
  v = await createV3Server('v3-lifecycle');
});
afterAll(async () => {
  await v.s.close();
});

const DAY = 24 * 3600 * 1000;

/** A complaint registered at the bureau and transferred to the body. */
async function transferred(body: Record<string, unknown> = v3Intake()): Promise<string> {
  const created = await v.intake(body);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body, note: '属地管理' }, 'transferred');
  return id;
}

describe('registration and dispatch (Arts 19, 22)', () => {
  it('records a v3 case at the bureau with the dispatch clock, and names the units', async () => {
    const created = await v.intake(v3Intake({ flags: { group: { headCount: 12 }, skipLevel: true } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      machineVersion: 3,
      state: 'registered',
      closure: null,
      class: 'complaint',
      flags: { group: { headCount: 12 }, skipLevel: true },
      receivedBy: 'clerk',
      registeredAtBureau: true,
      assignee: null,
      supervision: null,
      relations: ['sender'],
      units: [{ unit: U.bureau, name: '扶沟县信访局', relation: 'registered' }],
    });
    expect(created.body.deadlines.map((d: { clock: string }) => d.clock)).toEqual(['dispatch']);
    expect(created.body.allowedEvents).toEqual(expect.arrayContaining(['TRANSFER', 'REFER', 'REJECT', 'REQUEST_INFO', 'WITHDRAW']));
    expect(created.body.allowedEvents).not.toContain('ASSIGN'); // a clerk transfers; 交办 is the supervisor's
  });

  it('lets a body registering its own matter accept it itself (Art 23 ¶1): the notice clock, then handling', async () => {
    const created = await v.intake(v3Intake({ unit: U.body }), 'clerk', U.body);
    expect(created.body).toMatchObject({ registeredAtBureau: false, relations: ['sender', 'body'], assignee: { unit: U.body } });
    expect(created.body.deadlines.map((d: { clock: string }) => d.clock)).toEqual(['notice']);
    const id = created.body.id as string;
    const accepted = await v.send(id, 'clerk', U.body, { type: 'ACCEPT', noticeMethod: 'post', expectedVersion: 1 }, 'accepted');
    expect(deadlineOf(accepted, 'handling')).toMatchObject({ status: 'pending' });
    await v.send(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'support', opinion: '依法支持' }, 'answered');
    await v.send(id, 'clerk', U.body, { type: 'DELIVER', method: 'in-person' }, 'delivered');
    const again = await v.attempt(id, 'clerk', U.body, { type: 'DELIVER', method: 'post' });
    expect(again.status).toBe(422);
    expect(again.body.error.details.allowedEvents).toContain('RATE_SATISFACTION');
  });

  it('refuses an intake without a class, or an accusation without its accused unit, with field paths', async () => {
    const noClass = await v.intake(v3Intake({ class: undefined }));
    expect(noClass.status).toBe(400);
    expect(noClass.body.error.details.issues.map((i: { path: unknown[] }) => i.path)).toContainEqual(['class']);
    const accusation = await v.intake(v3Intake({ class: 'accusation' }));
    expect(accusation.status).toBe(400);
    expect(accusation.body.error.details.issues.map((i: { path: unknown[] }) => i.path)).toContainEqual(['matter', 'accusedUnit']);
  });

  it('refuses a command with v3 field errors as 400 with the field path, and a v2 command as unknown', async () => {
    const id = (await v.intake()).body.id as string;
    const bad = await v.attempt(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: 'nowhere' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toEqual(['toUnit']);
    const v2 = await v.attempt(id, 'clerk', U.bureau, { type: 'VERIFY' });
    expect(v2.status).toBe(400);
    expect(v2.body.error.details.issues[0].path).toEqual(['type']);
  });
});

describe('the whole chain 复查 → 复核 → 终结, three bodies deciding (Arts 23, 32, 35, 36)', () => {
  it('runs from registration to a final answer, each decision at its own body', async () => {
    const created = await v.intake();
    const id = created.body.id as string;
    const registeredAt = created.body.createdAt as string;
    v.clock.advance(2 * DAY);
    const moved = await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
    expect(deadlineOf(moved, 'dispatch')).toMatchObject({ status: 'met' });
    expect(deadlineOf(moved, 'notice')).toMatchObject({ status: 'pending' });
    expect(deadlineOf(moved, 'objection')).toMatchObject({ status: 'pending' });
    expect(deadlineOf(moved, 'handling')).toBeUndefined();
    expect(moved.assignee).toEqual({ unit: U.body, name: '曹里乡人民政府' });

    // The handling clock starts at the body's acceptance, not at the bureau's registration (Art 34).
    v.clock.advance(3 * DAY);
    const accepted = await v.send(id, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    const handling = deadlineOf(accepted, 'handling');
    expect(handling).toMatchObject({ status: 'pending', startedAt: accepted.updatedAt });
    expect(handling?.startedAt).not.toBe(registeredAt);
    expect(new Date(handling?.startedAt as string).getTime() - new Date(registeredAt).getTime()).toBe(5 * DAY);
    expect(deadlineOf(accepted, 'notice')).toMatchObject({ status: 'met' });

    const first = await v.send(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'not-support', opinion: '不予支持' }, 'answered');
    expect(deadlineOf(first, 'handling')).toMatchObject({ status: 'met' });
    await v.send(id, 'clerk', U.body, { type: 'DELIVER', method: 'in-person' }, 'delivered');

    // Only a clerk of the next-higher body records the review request; the bureau's clerk is told what it may do.
    const wrong = await v.attempt(id, 'clerk', U.bureau, { type: 'REQUEST_REVIEW', reason: '不服' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error).toMatchObject({
      code: 'EVENT_NOT_ALLOWED',
      details: { allowedEvents: expect.not.arrayContaining(['REQUEST_REVIEW']) },
    });
    const reviewing = await v.send(id, 'clerk', U.city, { type: 'REQUEST_REVIEW', reason: '不服处理意见，申请复查' }, 'reviewing');
    expect(reviewing.review).toEqual({ unit: U.city, name: '周口市' });
    expect(deadlineOf(reviewing, 'reviewDecision')).toMatchObject({ status: 'pending' });
    // The first body no longer answers: the review is the city's.
    expect((await v.attempt(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'support', opinion: 'x' })).status).toBe(422);
    await v.send(id, 'handler', U.city, { type: 'RESOLVE', outcome: 'not-support', opinion: '复查维持原处理意见' }, 'answered');
    await v.send(id, 'handler', U.city, { type: 'DELIVER', method: 'post' }, 'delivered');

    await v.send(id, 'clerk', U.province, { type: 'REQUEST_REVIEW', reason: '申请复核' }, 'rereviewing');
    // Hearing time is excluded from the re-review decision (Art 36 ¶2): the policy allows that pause.
    await v.send(id, 'leader', U.province, { type: 'PAUSE_CLOCK', clock: 'reReviewDecision', reason: 'hearing' }, 'rereviewing');
    v.clock.advance(4 * DAY);
    const resumed = await v.send(id, 'leader', U.province, { type: 'RESUME_CLOCK', clock: 'reReviewDecision' }, 'rereviewing');
    expect(resumed.pauses).toEqual([expect.objectContaining({ clock: 'reReviewDecision', reason: 'hearing', endedAt: resumed.updatedAt })]);
    await v.send(id, 'leader', U.province, { type: 'RESOLVE', outcome: 'not-support', opinion: '复核维持' }, 'answered');
    const final = await v.send(id, 'clerk', U.province, { type: 'DELIVER', method: 'in-person' }, 'closed');

    expect(final).toMatchObject({ closure: 'final', reviewStage: 'reReview', allowedEvents: [] });
    expect(final.resolutions.map((r: { unit: string; stage: string }) => [r.stage, r.unit])).toEqual([
      ['first', U.body],
      ['review', U.city],
      ['reReview', U.province],
    ]);
    expect(final.units.map((u: { unit: string }) => u.unit)).toEqual([U.bureau, U.body, U.city, U.province]);

    const history = await v.call('auditor', U.province, 'GET', `/petitions/${id}/history`);
    const review = history.body.events.find((e: { type: string }) => e.type === 'REQUEST_REVIEW');
    expect(review.fields.relations).toEqual(['review', 'above']); // recorded with the trail entry, for replay
    const replay = await v.call('auditor', U.province, 'GET', `/petitions/${id}/replay`);
    expect(replay.body).toMatchObject({ matchesStored: true, state: 'closed', machineVersion: 3 });
    expect(await createAuditService(v.s.tdb.db).verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('objections (Art 23 ¶3)', () => {
  it('a denied objection returns the matter to the body, which must notice', async () => {
    const id = await transferred();
    await v.send(id, 'handler', U.body, { type: 'OBJECT', reason: '不属于本乡职责' }, 'objected');
    const denied = await v.send(id, 'supervisor', U.bureau, { type: 'DENY_OBJECTION', note: '属于该乡职责' }, 'transferred');
    expect(denied.assignee).toEqual({ unit: U.body, name: '曹里乡人民政府' });
    expect(denied.allowedEvents).toEqual(['SUPERVISE', 'REASSIGN', 'ASSIGN_LEADER', 'LINK_CONFERENCE']); // the bureau supervises
    const body = await v.call('handler', U.body, 'GET', `/petitions/${id}`);
    expect(body.body.allowedEvents).toContain('ACCEPT');
    expect(body.body.allowedEvents).not.toContain('OBJECT'); // the window does not reopen
  });

  it('an approved objection returns the matter to the bureau, whose dispatch clock starts afresh', async () => {
    const id = await transferred();
    await v.send(id, 'leader', U.body, { type: 'OBJECT', reason: '应由林业部门处理' }, 'objected');
    const approved = await v.send(id, 'supervisor', U.bureau, { type: 'APPROVE_OBJECTION', note: '核实同意' }, 'registered');
    expect(approved.assignee).toBeNull();
    expect(deadlineOf(approved, 'dispatch')).toMatchObject({ status: 'pending', generation: 2 });
    await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.otherBody }, 'transferred');
  });
});

describe('routing, suggestions, withdrawal (Arts 28-31)', () => {
  it.each(ROUTE_PROCEDURES)('routes a complaint into %s (Art 31(1)-(5)) and closes it', async (procedure) => {
    const id = await transferred();
    const routed = await v.send(id, 'handler', U.body, { type: 'ROUTE', procedure, reason: '诉访分离' }, 'closed');
    expect(routed).toMatchObject({ closure: 'routed', routing: { procedure } });
  });

  it('answers a suggestion as adopted, never with an opinion of a complaint', async () => {
    const id = await transferred(v3Intake({ class: 'suggestion', matter: { category: 'education', summary: '建议增设校车' } }));
    const accepted = await v.send(id, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'electronic' }, 'accepted');
    expect(deadlineOf(accepted, 'handling')).toMatchObject({ status: 'pending' });
    expect((await v.attempt(id, 'handler', U.body, { type: 'ROUTE', procedure: 'litigation', reason: 'x' })).status).toBe(422);
    expect((await v.attempt(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'support', opinion: 'x' })).status).toBe(422);
    const adopted = await v.send(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'adopted', opinion: '建议予以采纳' }, 'answered');
    expect(adopted.resolution).toMatchObject({ outcome: 'adopted', unit: U.body });
  });

  it('withdraws a case before its answer', async () => {
    const id = (await v.intake()).body.id as string;
    const withdrawn = await v.send(id, 'clerk', U.bureau, { type: 'WITHDRAW', reason: '信访人撤回' }, 'closed');
    expect(withdrawn).toMatchObject({ closure: 'withdrawn', allowedEvents: [] });
    expect(deadlineOf(withdrawn, 'dispatch')).toMatchObject({ status: 'cancelled' });
  });
});

describe('交办 with its closing report, supervised and struck off (Arts 22(3), 38-40)', () => {
  it('assigns with a report deadline, supervises, accepts the report and strikes the case off', async () => {
    const id = (await v.intake()).body.id as string;
    const assigned = await v.send(id, 'supervisor', U.bureau, { type: 'ASSIGN', toUnit: U.body, dueIn: 'P20D' }, 'transferred');
    expect(deadlineOf(assigned, 'report')).toMatchObject({ status: 'pending', generation: 1 });
    const supervised = await v.send(id, 'supervisor', U.bureau, { type: 'SUPERVISE', level: 'list', reason: '挂牌督办' }, 'transferred');
    expect(supervised).toMatchObject({ listed: true, supervision: { level: 'list', active: true, source: 'supervisor' } });
    // Supervision never takes the pen from the handler.
    await v.send(id, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    await v.send(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'support', opinion: '支持' }, 'answered');
    await v.send(id, 'clerk', U.body, { type: 'DELIVER', method: 'in-person' }, 'delivered');
    // Not struck off before the report is accepted.
    expect((await v.attempt(id, 'supervisor', U.bureau, { type: 'STRIKE_OFF', note: '销号' })).status).toBe(422);
    const reported = await v.send(id, 'handler', U.body, { type: 'SUBMIT_REPORT', text: '已办结' }, 'delivered');
    expect(deadlineOf(reported, 'report')).toMatchObject({ status: 'met' });
    await v.send(id, 'supervisor', U.bureau, { type: 'ACCEPT_REPORT', note: '同意' }, 'delivered');
    const struck = await v.send(id, 'supervisor', U.bureau, { type: 'STRIKE_OFF', note: '办结销号' }, 'delivered');
    expect(struck).toMatchObject({ listed: false, report: { status: 'accepted' }, supervision: { active: false } });
    const board = await v.call('supervisor', U.bureau, 'GET', '/supervision');
    expect(board.body.cases.map((c: { id: string }) => c.id)).not.toContain(id);
  });
});

describe('refusals', () => {
  it('never sends an accusation to its accused unit (Arts 30, 46): 422 saying why', async () => {
    const id = (
      await v.intake(
        v3Intake({ class: 'accusation', matter: { category: 'conduct', summary: '反映乡干部作风问题', accusedUnit: U.accused } }),
      )
    ).body.id as string;
    const refused = await v.attempt(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.accused });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('EVENT_NOT_ALLOWED');
    expect(refused.body.error.message).toContain('never sent to the unit it accuses');
    expect(refused.body.error.details).toMatchObject({ rule: 'accused-unit', path: ['toUnit'] });
    const ok = await v.send(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.body }, 'transferred');
    expect(ok.version).toBe(2);
    expect((await v.attempt(id, 'supervisor', U.bureau, { type: 'REASSIGN', toUnit: U.accused, reason: 'x' })).status).toBe(422);
  });

  it('refuses a pause for a reason the policy does not allow for that clock, and takes an allowed one', async () => {
    const id = (await v.intake()).body.id as string;
    const refused = await v.attempt(id, 'supervisor', U.bureau, { type: 'PAUSE_CLOCK', clock: 'dispatch', reason: 'hearing' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues).toEqual([
      { path: ['reason'], message: '"hearing": the dispatch clock pauses only for awaiting-materials' },
    ]);
    expect((await v.call('auditor', U.bureau, 'GET', `/petitions/${id}`)).body.version).toBe(1);
    const paused = await v.send(
      id,
      'supervisor',
      U.bureau,
      { type: 'PAUSE_CLOCK', clock: 'dispatch', reason: 'awaiting-materials' },
      'registered',
    );
    expect(deadlineOf(paused, 'dispatch')).toMatchObject({ status: 'paused' });
  });

  it('403 for a role that never sends the event; 422 with allowedEvents for the wrong relation or state', async () => {
    const id = await transferred();
    const auditor = await v.attempt(id, 'auditor', U.bureau, { type: 'ACCEPT', noticeMethod: 'post' });
    expect(auditor.status).toBe(403);
    // A handler of the bureau is no handler of the body: the relation is wrong.
    const bureauHandler = await v.attempt(id, 'handler', U.bureau, { type: 'ACCEPT', noticeMethod: 'post' });
    expect(bureauHandler.status).toBe(422);
    expect(bureauHandler.body.error.details).toMatchObject({ state: 'transferred', allowedEvents: expect.any(Array) });
    // The right relation in the wrong state.
    const early = await v.attempt(id, 'handler', U.body, { type: 'RESOLVE', outcome: 'support', opinion: 'x' });
    expect(early.status).toBe(422);
    expect(early.body.error.details.allowedEvents).toEqual(expect.arrayContaining(['ACCEPT', 'OBJECT', 'ROUTE']));
  });

  it('a TRANSFER outside the sender’s reach is 403, to a unit not in the tree 400', async () => {
    const id = (await v.intake()).body.id as string;
    expect((await v.attempt(id, 'clerk', U.bureau, { type: 'TRANSFER', toUnit: U.city })).status).toBe(403);
    const MERGE_TARGET = '00000000-0000-4000-8000-000000000000';
    const merge = await v.attempt(id, 'clerk', U.bureau, { type: 'MERGE', intoCaseId: MERGE_TARGET });
    expect(merge.status).toBe(400);
    expect(merge.body.error.details.issues[0].path).toEqual(['intoCaseId']);
  });
});

describe('the extension of the handling clock (Art 34)', () => {
  it('refuses 31 days; an approved 30-day extension by the body’s leader moves the last day by 30 days', async () => {
    const id = await transferred();
    const accepted = await v.send(id, 'handler', U.body, { type: 'ACCEPT', noticeMethod: 'post' }, 'accepted');
    const before = deadlineOf(accepted, 'handling');
    const tooLong = await v.attempt(id, 'handler', U.body, { type: 'REQUEST_EXTENSION', duration: 'P31D', reason: '案情复杂' });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details.issues[0]).toMatchObject({ path: ['duration'], message: 'at most P30D (Art 34)' });
    await v.send(id, 'handler', U.body, { type: 'REQUEST_EXTENSION', duration: 'P30D', reason: '案情复杂' }, 'accepted');
    // The bureau's supervisor does not approve it: the handling body's leader does.
    expect((await v.attempt(id, 'supervisor', U.bureau, { type: 'APPROVE_EXTENSION', note: '同意' })).status).toBe(403);
    const extended = await v.send(id, 'leader', U.body, { type: 'APPROVE_EXTENSION', note: '同意延期' }, 'accepted');
    const after = deadlineOf(extended, 'handling');
    expect(after).toMatchObject({ extendedBy: 'P30D', status: 'pending' });
    const days = (new Date(after?.lastDay as string).getTime() - new Date(before?.lastDay as string).getTime()) / DAY;
    expect(days).toBeGreaterThanOrEqual(30);
    expect(days).toBeLessThanOrEqual(33); // a last day on a rest day moves to the next working day
    expect(extended.extension).toMatchObject({ status: 'approved', duration: 'P30D' });
  });
});
