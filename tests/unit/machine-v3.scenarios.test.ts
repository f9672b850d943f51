/**
 * Machine version 3, story by story: the review chain to finality with three
 * bodies deciding, objections approved and denied, routing, a suggestion, a
 * withdrawal, 交办 with its report, supervision set and raised by breaches,
 * pauses and extensions, and the verdicts the API gives (403 or 422).
 */
import { maySendV3, allowedEventsV3 } from '../../machines/versions/v3/v3.access';
import { isPauseAllowed } from '../../machines/versions/v3/v3.clocks';
import { latestResolution, reviewedUnit } from '../../machines/versions/v3/v3.context';
import { stateNameV3, stepV3, type V3Snapshot } from '../../machines/versions/v3/v3.machine';
import { DEFAULT_PAUSABLE_FOR, ROUTE_PROCEDURES } from '../../machines/versions/v3/v3.vocabulary';
import type { V3EventType } from '../../machines/versions/v3/v3.schemas';
import type { Role } from '../../machines/petition.vocabulary';
import {
  ABOVE,
  BODY,
  BUREAU,
  OTHER_BODY,
  REVIEW_BODY,
  RE_REVIEW_BODY,
  breach,
  by,
  evIn,
  reach,
  run,
  start,
  timer,
} from '../support/machine-v3-fixtures';

/** Whether the machine refuses the event (built as `evIn` builds it). */
function refused<T extends V3EventType>(snapshot: V3Snapshot, type: T, role: Role, opts: Parameters<typeof evIn<T>>[3] = {}): boolean {
  return !snapshot.can(evIn(snapshot, type, role, opts));
}

describe('复查 → 复核 → 终结', () => {
  const final = reach('final');

  test('three different bodies decide, each one level above the last', () => {
    expect(final.context.resolutions.map((r) => [r.stage, r.unit])).toEqual([
      ['first', BODY],
      ['review', REVIEW_BODY],
      ['reReview', RE_REVIEW_BODY],
    ]);
    expect(final.context.deliveries.map((d) => d.stage)).toEqual(['first', 'review', 'reReview']);
  });

  test('the case is closed as final, with every unit it passed through recorded', () => {
    expect(stateNameV3(final)).toBe('closed');
    expect(final.context.closure).toBe('final');
    expect(final.context.units.passed).toEqual([BUREAU, BODY, REVIEW_BODY, RE_REVIEW_BODY]);
    expect(final.context.units.review).toBe(RE_REVIEW_BODY);
    expect(Object.values(final.context.clocks).every((c) => c.status !== 'running' && c.status !== 'paused')).toBe(true);
  });

  test('the review request comes from the next-higher body, which the snapshot names for the engine', () => {
    expect(reviewedUnit(reach('delivered').context)).toBe(BODY);
    expect(reviewedUnit(reach('reviewDelivered').context)).toBe(REVIEW_BODY);
    expect(reviewedUnit(reach('reReviewAnswered').context)).toBeNull();
    const delivered = reach('delivered');
    expect(refused(delivered, 'REQUEST_REVIEW', 'clerk', { relations: ['body'] })).toBe(true);
    expect(refused(delivered, 'REQUEST_REVIEW', 'clerk', { relations: ['sender'] })).toBe(true);
  });

  test('only the review body answers a review; the original body cannot', () => {
    const reviewing = reach('reviewing');
    expect(refused(reviewing, 'RESOLVE', 'handler', { relations: ['body'] })).toBe(true);
    expect(refused(reviewing, 'RESOLVE', 'handler', { relations: ['review'] })).toBe(false);
  });

  test('a lapsed review window closes the case as 办结, the answer standing', () => {
    const lapsed = run(reach('delivered'), [breach('reviewRequest')]);
    expect(lapsed.context.closure).toBe('concluded');
    expect(lapsed.context.satisfaction).toBe('unrated');
    expect(latestResolution(lapsed.context)?.stage).toBe('first');
  });
});

describe('objections (Art 23 ¶3)', () => {
  test('approved: back to the bureau, a fresh dispatch clock, and a new transfer to another body', () => {
    const approved = run(reach('objected'), [by('APPROVE_OBJECTION', 'supervisor')]);
    expect(stateNameV3(approved)).toBe('registered');
    expect(approved.context.units.body).toBeNull();
    expect(approved.context.clocks.dispatch).toEqual({ status: 'running', generation: 2 });
    expect(approved.context.objections[0]?.ruling?.approved).toBe(true);
    const again = run(approved, [by('TRANSFER', 'clerk', { fields: { toUnit: OTHER_BODY } })]);
    expect(again.context.units.body).toBe(OTHER_BODY);
    expect(again.context.clocks.objection?.status).toBe('running');
  });

  test('approved for an assigned case: the report is no longer owed', () => {
    const approved = run(reach('assigned'), [by('OBJECT', 'handler'), by('APPROVE_OBJECTION', 'supervisor')]);
    expect(approved.context.report).toBeNull();
    expect(approved.context.clocks.report?.status).toBe('cancelled');
  });

  test('denied: the body keeps the matter, must notice anew, and cannot object twice', () => {
    const denied = run(reach('objected'), [by('DENY_OBJECTION', 'supervisor')]);
    expect(stateNameV3(denied)).toBe('transferred');
    expect(denied.context.units.body).toBe(BODY);
    expect(denied.context.clocks.notice).toEqual({ status: 'running', generation: 2 });
    expect(refused(denied, 'OBJECT', 'handler')).toBe(true);
    expect(refused(denied, 'ACCEPT', 'handler')).toBe(false);
  });

  test('the bureau rules, not the objecting body', () => {
    expect(refused(reach('objected'), 'APPROVE_OBJECTION', 'supervisor', { relations: ['body'] })).toBe(true);
  });

  test('after 5 working days the door to object is shut', () => {
    const lapsed = run(reach('transferred'), [breach('objection')]);
    expect(lapsed.context.clocks.objection?.status).toBe('breached');
    expect(refused(lapsed, 'OBJECT', 'handler')).toBe(true);
    expect(lapsed.context.supervision).toBeNull();
  });
});

describe('ROUTE (Art 31(1)-(5))', () => {
  test.each(ROUTE_PROCEDURES)('a complaint routed into %s closes as routed', (procedure) => {
    const routed = run(reach('accepted'), [by('ROUTE', 'handler', { fields: { procedure } })]);
    expect(routed.context.closure).toBe('routed');
    expect(routed.context.routing?.procedure).toBe(procedure);
    expect(routed.context.clocks.handling?.status).toBe('cancelled');
  });

  test('a suggestion or an accusation is never routed', () => {
    expect(refused(reach('accepted', { class: 'suggestion' }), 'ROUTE', 'handler')).toBe(true);
    expect(refused(reach('transferred', { class: 'accusation' }), 'ROUTE', 'handler')).toBe(true);
  });
});

describe('item classes (Arts 29-31)', () => {
  test('a suggestion is adopted, with the handling clock from acceptance; an opinion outcome is refused', () => {
    const accepted = reach('accepted', { class: 'suggestion' });
    expect(accepted.context.clocks.handling?.status).toBe('running');
    expect(refused(accepted, 'RESOLVE', 'handler', { fields: { outcome: 'support' } })).toBe(true);
    const adopted = run(accepted, [by('RESOLVE', 'leader', { fields: { outcome: 'adopted' } })]);
    expect(latestResolution(adopted.context)?.outcome).toBe('adopted');
  });

  test('a complaint cannot be answered with a suggestion outcome', () => {
    expect(refused(reach('accepted'), 'RESOLVE', 'handler', { fields: { outcome: 'adopted' } })).toBe(true);
  });

  test('an accusation runs no handling clock', () => {
    expect(reach('accepted', { class: 'accusation' }).context.clocks.handling).toBeUndefined();
  });
});

describe('withdrawal', () => {
  test.each(['registered', 'transferred', 'objected', 'accepted', 'mediating'] as const)('from %s, closed as withdrawn', (milestone) => {
    const withdrawn = run(reach(milestone), [by('WITHDRAW', 'clerk')]);
    expect(withdrawn.context.closure).toBe('withdrawn');
    expect(withdrawn.context.withdrawal?.reason).toBeDefined();
    expect(Object.values(withdrawn.context.clocks).some((c) => c.status === 'running')).toBe(false);
  });

  test('not after an answer', () => {
    for (const milestone of ['answered', 'delivered', 'reviewing'] as const)
      expect(refused(reach(milestone), 'WITHDRAW', 'clerk')).toBe(true);
  });
});

describe('交办 with its closing report, then 销号', () => {
  const assigned = reach('assigned');

  test('ASSIGN starts the report clock at the bureau’s deadline', () => {
    expect(assigned.context.clocks.report).toEqual({ status: 'running', generation: 1, duration: 'P20D' });
    expect(assigned.context.assignment).toMatchObject({ kind: 'assign', dueIn: 'P20D', unit: BUREAU });
  });

  test('answered, reported, returned, reported again, accepted, struck off', () => {
    let s = run(assigned, [
      by('ACCEPT', 'handler'),
      by('SUPERVISE', 'supervisor', { fields: { level: 'list' } }),
      by('RESOLVE', 'handler'),
    ]);
    expect(refused(s, 'STRIKE_OFF', 'supervisor')).toBe(true); // the report is not in yet
    s = run(s, [by('DELIVER', 'clerk'), by('SUBMIT_REPORT', 'handler')]);
    expect(s.context.clocks.report?.status).toBe('met');
    s = run(s, [by('RETURN_REPORT', 'supervisor')]);
    expect(s.context.report?.status).toBe('returned');
    expect(refused(s, 'STRIKE_OFF', 'supervisor')).toBe(true);
    s = run(s, [
      by('SUBMIT_REPORT', 'leader'),
      by('ACCEPT_REPORT', 'supervisor'),
      by('STRIKE_OFF', 'supervisor', { relations: ['above'] }),
    ]);
    expect(s.context.report?.status).toBe('accepted');
    expect(s.context.supervision?.struckOff?.unit).toBe(ABOVE);
    expect(stateNameV3(s)).toBe('delivered');
  });

  test('the sending bureau checks the report, not the body', () => {
    const submitted = run(assigned, [by('ACCEPT', 'handler'), by('RESOLVE', 'handler'), by('SUBMIT_REPORT', 'handler')]);
    expect(refused(submitted, 'ACCEPT_REPORT', 'supervisor', { relations: ['body'] })).toBe(true);
    expect(refused(submitted, 'ACCEPT_REPORT', 'supervisor', { relations: ['sender'] })).toBe(false);
  });
});

describe('supervision beside the lifecycle (Arts 38-40)', () => {
  test('a dispatch breach supervises the case; it stays registered and the bureau still transfers it', () => {
    const breached = run(start(), [breach('dispatch')]);
    expect(stateNameV3(breached)).toBe('registered');
    expect(breached.context.supervision).toMatchObject({ level: 'supervise', source: 'breach', breaches: ['dispatch'], struckOff: null });
    expect(stateNameV3(run(breached, [by('TRANSFER', 'clerk')]))).toBe('transferred');
  });

  test('a handling breach supervises; the handler keeps the pen', () => {
    const breached = run(reach('accepted'), [breach('handling')]);
    expect(breached.context.supervision?.breaches).toEqual(['handling']);
    expect(stateNameV3(run(breached, [by('RESOLVE', 'handler')]))).toBe('answered');
  });

  test('each breach of the supervision deadline raises the level, up to 通报', () => {
    let s = run(reach('accepted'), [by('SUPERVISE', 'supervisor')]);
    const levels: string[] = [s.context.supervision?.level ?? ''];
    for (let i = 0; i < 4; i++) {
      s = run(s, [breach('supervision'), by('SUPERVISE', 'supervisor', { fields: { level: 'supervise', dueIn: 'P5D' } })]);
      levels.push(s.context.supervision?.level ?? '');
    }
    expect(levels).toEqual(['supervise', 'list', 'interview', 'circulate', 'circulate']);
  });

  test('SUPERVISE never lowers the level; a notify breach only records the clock', () => {
    const listed = run(reach('accepted'), [
      by('SUPERVISE', 'supervisor', { fields: { level: 'interview' } }),
      by('SUPERVISE', 'supervisor'),
    ]);
    expect(listed.context.supervision?.level).toBe('interview');
    const noted = run(reach('accepted'), [breach('handling', 'notify')]);
    expect(noted.context.supervision).toBeNull();
    expect(noted.context.clocks.handling?.status).toBe('breached');
  });

  test('a stale timer of an earlier run is refused', () => {
    const restarted = run(reach('objected'), [by('DENY_OBJECTION', 'supervisor')]);
    expect(restarted.can(timer(restarted, 'DEADLINE_BREACHED', 'notice', { generation: 1 }))).toBe(false);
    expect(restarted.can(timer(restarted, 'DEADLINE_BREACHED', 'notice'))).toBe(true);
  });
});

describe('pauses and extensions', () => {
  test('the statutory pausableFor: hearings for the re-review decision, materials for dispatch and notice, nothing else', () => {
    expect(isPauseAllowed(DEFAULT_PAUSABLE_FOR, 'reReviewDecision', 'hearing')).toBe(true);
    expect(isPauseAllowed(DEFAULT_PAUSABLE_FOR, 'dispatch', 'awaiting-materials')).toBe(true);
    expect(isPauseAllowed(DEFAULT_PAUSABLE_FOR, 'handling', 'hearing')).toBe(false);
    expect(isPauseAllowed(DEFAULT_PAUSABLE_FOR, 'reviewDecision', 'hearing')).toBe(false);
    expect(isPauseAllowed(DEFAULT_PAUSABLE_FOR, 'reReviewDecision', 'awaiting-materials')).toBe(false);
  });

  test('a hearing pause in 复核 is recorded with its start and end', () => {
    const paused = run(reach('rereviewing'), [
      by('PAUSE_CLOCK', 'leader', {
        relations: ['review'],
        fields: { clock: 'reReviewDecision', reason: 'hearing' },
        at: '2026-03-05T01:00:00.000Z',
      }),
    ]);
    expect(paused.context.clocks.reReviewDecision?.status).toBe('paused');
    const resumed = run(paused, [
      by('RESUME_CLOCK', 'leader', { relations: ['review'], fields: { clock: 'reReviewDecision' }, at: '2026-03-09T01:00:00.000Z' }),
    ]);
    expect(resumed.context.pauses).toEqual([
      expect.objectContaining({
        clock: 'reReviewDecision',
        reason: 'hearing',
        startedAt: '2026-03-05T01:00:00.000Z',
        endedAt: '2026-03-09T01:00:00.000Z',
      }),
    ]);
  });

  test('a hearing left unrecorded at the first stage does not block the review’s', () => {
    const reviewing = run(reach('accepted'), [
      by('SCHEDULE_HEARING', 'handler'),
      by('RESOLVE', 'handler'),
      by('DELIVER', 'clerk'),
      by('REQUEST_REVIEW', 'clerk'),
    ]);
    expect(refused(reviewing, 'RECORD_HEARING', 'handler', { relations: ['review'] })).toBe(true);
    const scheduled = run(reviewing, [by('SCHEDULE_HEARING', 'handler', { relations: ['review'] })]);
    expect(scheduled.context.hearings.map((h) => h.stage)).toEqual(['first', 'review']);
  });

  test('a clock that is not running cannot be paused', () => {
    expect(refused(reach('accepted'), 'PAUSE_CLOCK', 'leader', { fields: { clock: 'dispatch' } })).toBe(true);
  });

  test('one extension, approved by the body’s leader, moves the handling clock once', () => {
    const approved = run(reach('accepted'), [by('REQUEST_EXTENSION', 'handler'), by('APPROVE_EXTENSION', 'leader')]);
    expect(approved.context.clocks.handling?.extendedBy).toBe('P30D');
    expect(refused(approved, 'REQUEST_EXTENSION', 'handler')).toBe(true);
  });

  test('a denied request may be followed by another; approval needs a request and the body’s leader', () => {
    const accepted = reach('accepted');
    expect(refused(accepted, 'APPROVE_EXTENSION', 'leader')).toBe(true);
    const denied = run(accepted, [by('REQUEST_EXTENSION', 'handler'), by('DENY_EXTENSION', 'leader')]);
    expect(denied.context.clocks.handling?.extendedBy).toBeUndefined();
    const again = run(denied, [by('REQUEST_EXTENSION', 'handler')]);
    expect(refused(again, 'APPROVE_EXTENSION', 'leader', { relations: ['sender'] })).toBe(true);
    expect(refused(again, 'APPROVE_EXTENSION', 'leader', { relations: ['body'] })).toBe(false);
  });
});

describe('units and relations recorded for the engine', () => {
  test('REASSIGN by a unit above makes it a sender and the new body the handling body', () => {
    const reassigned = run(reach('accepted'), [by('REASSIGN', 'supervisor', { relations: ['above'] })]);
    expect(reassigned.context.units).toMatchObject({ senders: [BUREAU, ABOVE], body: OTHER_BODY });
    expect(reassigned.context.moves.map((m) => m.kind)).toEqual(['transfer', 'reassign']);
    expect(reassigned.context.notice).toBeNull();
  });

  test('a body registering its own matter is its sender and its body, and accepts it', () => {
    const own = start({ atBody: true });
    expect(own.context.units).toMatchObject({ senders: [BODY], body: BODY });
    expect(own.context.clocks).toEqual({ notice: { status: 'running', generation: 1 } });
    expect(stateNameV3(run(own, [by('ACCEPT', 'clerk')]))).toBe('accepted');
  });

  test('intake flags and class are kept for the statistics', () => {
    expect(start({ class: 'suggestion' }).context).toMatchObject({ class: 'suggestion', flags: {}, registeredAtBureau: true });
  });
});

describe('the API verdicts', () => {
  const transferred = reach('transferred');
  const at = '2026-03-02T01:00:00.000Z';

  test('403 for a role that never sends the event, 422 for one that may but not now', () => {
    const auditor = { actor: { id: 'a', role: 'auditor' as const, unit: BODY }, relations: ['body' as const] };
    expect(maySendV3(transferred, auditor, { type: 'ACCEPT', noticeMethod: 'post' }, at)).toBe('FORBIDDEN');
    const mediator = { actor: { id: 'm', role: 'mediator' as const, unit: BODY }, relations: [] };
    expect(maySendV3(transferred, mediator, { type: 'MEDIATION_AGREED', agreement: 'x' }, at)).toBe('EVENT_NOT_ALLOWED');
    const clerkOfSender = { actor: { id: 'c', role: 'clerk' as const, unit: BUREAU }, relations: ['sender' as const] };
    expect(maySendV3(transferred, clerkOfSender, { type: 'ACCEPT', noticeMethod: 'post' }, at)).toBe('EVENT_NOT_ALLOWED');
    const clerkOfBody = { actor: { id: 'c', role: 'clerk' as const, unit: BODY }, relations: ['body' as const] };
    expect(maySendV3(transferred, clerkOfBody, { type: 'ACCEPT', noticeMethod: 'post' }, at)).toBe('ok');
  });

  test('allowedEventsV3 differs by relation: the review body’s clerk may ask for review, the body’s may not', () => {
    const delivered = reach('delivered');
    const clerk = { id: 'c', role: 'clerk' as const, unit: REVIEW_BODY };
    expect(allowedEventsV3(delivered, clerk, ['review'], at)).toContain('REQUEST_REVIEW');
    expect(allowedEventsV3(delivered, { ...clerk, unit: BODY }, ['body'], at)).not.toContain('REQUEST_REVIEW');
  });

  test('a final case still takes a leader’s instruction, and nothing else from a leader', () => {
    const final = reach('final');
    const instructed = stepV3(final, evIn(final, 'LEADER_INSTRUCTION', 'leader'));
    expect(instructed.context.instructions).toHaveLength(1);
    expect(allowedEventsV3(instructed, { id: 'l', role: 'leader', unit: ABOVE }, ['above'], at)).toEqual(['LEADER_INSTRUCTION']);
  });
});
