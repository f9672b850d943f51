/**
 * How each version 3 event changes what the case records (clocks aside: the
 * machine's transitions start and stop those, so the table tests can read
 * them). Pure functions of the context and the event; the machine's `record`
 * action applies the one of the event's type.
 */
import { closePause, isLive, openPause } from './v3.clocks';
import type { Act, V3Context, V3Event, V3EventOf, V3Supervision, V3Units } from './v3.context';
import type { V3EventType } from './v3.schemas';
import { SUPERVISION_LEVELS, type SupervisionLevel, type V3ClockName } from './v3.vocabulary';

type Update = Partial<V3Context>;
type Recorder<T extends V3EventType> = (c: V3Context, e: V3EventOf<T>) => Update;

/** Who sent an event and when, as the views show it. */
export function actOf(e: V3Event): Act {
  return { by: e.actor.id, unit: e.actor.unit, at: e.at };
}

const addUnique = (list: readonly string[], ...units: string[]): readonly string[] => [...new Set([...list, ...units])];

/** The case moves to a body: the actor's unit becomes a sender, the target the handling body. */
function moveTo(units: V3Units, e: V3Event, toUnit: string): V3Units {
  return {
    ...units,
    senders: addUnique(units.senders, e.actor.unit),
    body: toUnit,
    passed: addUnique(units.passed, e.actor.unit, toUnit),
  };
}

/** The more severe of two supervision levels. */
function higher(a: SupervisionLevel, b: SupervisionLevel): SupervisionLevel {
  return SUPERVISION_LEVELS.indexOf(a) >= SUPERVISION_LEVELS.indexOf(b) ? a : b;
}

/** The level after `level` (通报 is the last). */
export function nextLevel(level: SupervisionLevel): SupervisionLevel {
  return SUPERVISION_LEVELS[Math.min(SUPERVISION_LEVELS.indexOf(level) + 1, SUPERVISION_LEVELS.length - 1)] ?? level;
}

/** Art 22: TRANSFER and ASSIGN hand the matter to a body; ASSIGN also expects a closing report. */
function dispatchTo(c: V3Context, e: V3EventOf<'TRANSFER'> | V3EventOf<'ASSIGN'>): Update {
  const kind = e.type === 'ASSIGN' ? 'assign' : 'transfer';
  const dueIn = e.type === 'ASSIGN' ? e.dueIn : null;
  return {
    units: moveTo(c.units, e, e.toUnit),
    moves: [...c.moves, { ...actOf(e), kind, toUnit: e.toUnit, note: e.note ?? null }],
    assignment: { ...actOf(e), kind, dueIn },
    report: kind === 'assign' ? { status: 'pending', text: null, submitted: null, decided: null } : null,
  };
}

/** Art 23 ¶3: the bureau's ruling on the last objection. */
function ruleOnObjection(c: V3Context, e: V3EventOf<'APPROVE_OBJECTION'> | V3EventOf<'DENY_OBJECTION'>): Update {
  const ruling = { ...actOf(e), approved: e.type === 'APPROVE_OBJECTION', note: e.note };
  const objections = c.objections.map((o, i) => (i === c.objections.length - 1 ? { ...o, ruling } : o));
  if (e.type === 'DENY_OBJECTION') return { objections };
  // Approved: the matter is back with the unit that registered it; a bureau transfers it anew.
  const body = c.registeredAtBureau ? null : c.units.registeredBy;
  return { objections, units: { ...c.units, body }, assignment: null, report: null };
}

/** Art 32 / Art 33: an answer at the current stage. */
function answer(c: V3Context, e: V3EventOf<'RESOLVE'> | V3EventOf<'MEDIATION_AGREED'>): Update {
  const [outcome, opinion] = e.type === 'RESOLVE' ? [e.outcome, e.opinion] : (['mediation-agreement', e.agreement] as const);
  const mediation = e.type === 'MEDIATION_AGREED' && c.mediation ? { ...c.mediation, outcome: 'agreed' as const } : c.mediation;
  return { resolutions: [...c.resolutions, { ...actOf(e), outcome, opinion, stage: c.reviewStage }], mediation };
}

/** Arts 38-40: a supervisor sets supervision, or raises its level (never lowers it: that is 销号). */
function supervise(c: V3Context, e: V3EventOf<'SUPERVISE'>): Update {
  const current = c.supervision !== null && c.supervision.struckOff === null ? c.supervision : null;
  const base: V3Supervision = current ?? {
    ...actOf(e),
    level: e.level,
    reason: e.reason,
    source: 'supervisor',
    dueIn: null,
    breaches: [],
    struckOff: null,
  };
  return { supervision: { ...base, level: higher(base.level, e.level), reason: e.reason, dueIn: e.dueIn ?? base.dueIn } };
}

/** A duty clock breached (policy `escalate`): supervision is set, or the breach is added to it. */
export function superviseOnBreach(c: V3Context, e: V3EventOf<'DEADLINE_BREACHED'>): Update {
  const current = c.supervision !== null && c.supervision.struckOff === null ? c.supervision : null;
  if (current !== null) return { supervision: { ...current, breaches: [...current.breaches, e.clock] } };
  const reason = `the ${e.clock} clock ran out`;
  return { supervision: { ...actOf(e), level: 'supervise', reason, source: 'breach', dueIn: null, breaches: [e.clock], struckOff: null } };
}

/** The supervision deadline breached: one level up (督办 → 挂牌督办 → 约谈 → 通报). */
export function raiseSupervision(c: V3Context, e: V3EventOf<'DEADLINE_BREACHED'>): Update {
  if (c.supervision === null) return {};
  return { supervision: { ...c.supervision, level: nextLevel(c.supervision.level), breaches: [...c.supervision.breaches, e.clock] } };
}

/** The report's new status after the bureau looked at it. */
function decideReport(c: V3Context, e: V3EventOf<'ACCEPT_REPORT'> | V3EventOf<'RETURN_REPORT'>): Update {
  if (c.report === null) return {};
  const status = e.type === 'ACCEPT_REPORT' ? 'accepted' : 'returned';
  return { report: { ...c.report, status, decided: { ...actOf(e), note: e.note } } };
}

/** The extension after its leader decided (Art 34). */
function decideExtension(c: V3Context, e: V3EventOf<'APPROVE_EXTENSION'> | V3EventOf<'DENY_EXTENSION'>): Update {
  if (c.extension === null) return {};
  const status = e.type === 'APPROVE_EXTENSION' ? 'approved' : 'denied';
  return { extension: { ...c.extension, status, decided: { ...actOf(e), note: e.note } } };
}

const RECORDERS: { readonly [T in V3EventType]?: Recorder<T> } = {
  TRANSFER: dispatchTo,
  ASSIGN: dispatchTo,
  REFER: (_, e) => ({ referral: { ...actOf(e), to: e.to, reason: e.reason } }),
  REJECT: (_, e) => ({ rejection: { ...actOf(e), ground: e.ground, reason: e.reason, relatedCaseId: e.relatedCaseId ?? null } }),
  MERGE: (_, e) => ({ mergedInto: e.intoCaseId }),
  ACCEPT: (_, e) => ({ notice: { ...actOf(e), method: e.noticeMethod, note: e.note ?? null } }),
  OBJECT: (c, e) => ({ objections: [...c.objections, { ...actOf(e), reason: e.reason, ruling: null }] }),
  APPROVE_OBJECTION: ruleOnObjection,
  DENY_OBJECTION: ruleOnObjection,
  ROUTE: (_, e) => ({ routing: { ...actOf(e), procedure: e.procedure, reason: e.reason } }),
  REQUEST_INFO: (c, e) => ({ infoRequests: [...c.infoRequests, { ...actOf(e), note: e.note, answer: null, answeredAt: null }] }),
  PROVIDE_INFO: (c, e) => ({
    infoRequests: c.infoRequests.map((r) => (r.answeredAt === null ? { ...r, answer: e.note, answeredAt: e.at } : r)),
  }),
  START_MEDIATION: (_, e) => ({ mediation: { ...actOf(e), level: e.level, mediator: e.mediator ?? null, sessions: 0, outcome: null } }),
  RECORD_MEDIATION_SESSION: (c) => ({ mediation: c.mediation && { ...c.mediation, sessions: c.mediation.sessions + 1 } }),
  MEDIATION_AGREED: answer,
  MEDIATION_FAILED: (c) => ({ mediation: c.mediation && { ...c.mediation, outcome: 'failed' } }),
  SCHEDULE_HEARING: (c, e) => ({
    hearings: [...c.hearings, { ...actOf(e), hearingAt: e.hearingAt, stage: c.reviewStage, summary: null, recordedAt: null }],
  }),
  RECORD_HEARING: (c, e) => ({
    hearings: c.hearings.map((h) => (isPendingHearing(h, c) ? { ...h, summary: e.summary, recordedAt: e.at } : h)),
  }),
  REQUEST_EXTENSION: (_, e) => ({ extension: { ...actOf(e), status: 'requested', duration: e.duration, reason: e.reason, decided: null } }),
  APPROVE_EXTENSION: decideExtension,
  DENY_EXTENSION: decideExtension,
  RESOLVE: answer,
  DELIVER: (c, e) => ({ deliveries: [...c.deliveries, { ...actOf(e), method: e.method, proof: e.proof ?? null, stage: c.reviewStage }] }),
  RATE_SATISFACTION: (_, e) => ({ satisfaction: { ...actOf(e), body: e.body, bureau: e.bureau } }),
  REQUEST_REVIEW: (c, e) => ({
    reviewStage: c.reviewStage === 'first' ? 'review' : 'reReview',
    units: { ...c.units, review: e.actor.unit, passed: addUnique(c.units.passed, e.actor.unit) },
  }),
  SUBMIT_REPORT: (c, e) => ({ report: c.report && { ...c.report, status: 'submitted', text: e.text, submitted: actOf(e), decided: null } }),
  ACCEPT_REPORT: decideReport,
  RETURN_REPORT: decideReport,
  WITHDRAW: (_, e) => ({ withdrawal: { ...actOf(e), reason: e.reason } }),
  SUPERVISE: supervise,
  STRIKE_OFF: (c, e) => ({ supervision: c.supervision && { ...c.supervision, struckOff: { ...actOf(e), note: e.note } } }),
  REASSIGN: (c, e) => ({
    units: moveTo(c.units, e, e.toUnit),
    moves: [...c.moves, { ...actOf(e), kind: 'reassign', toUnit: e.toUnit, note: e.reason }],
    assignment: c.assignment && { ...c.assignment, ...actOf(e) },
    notice: null,
    extension: null,
  }),
  ASSIGN_LEADER: (_, e) => ({ leader: { ...actOf(e), leader: e.leader } }),
  LEADER_INSTRUCTION: (c, e) => ({ instructions: [...c.instructions, { ...actOf(e), text: e.text }] }),
  LINK_CONFERENCE: (_, e) => ({ conference: { ...actOf(e), name: e.conference, departments: e.departments } }),
  PAUSE_CLOCK: (c, e) => ({
    pauses: openPause(c.pauses, { clock: e.clock, reason: e.reason, note: e.note ?? null, by: e.actor.id, startedAt: e.at }),
  }),
  RESUME_CLOCK: (c, e) => ({ pauses: closePause(c.pauses, e.clock, e.at) }),
};

/** The context changes an event records (clocks aside); an event type without a recorder changes nothing. */
export function recordEvent(c: V3Context, e: V3Event): Update {
  const recorder = RECORDERS[e.type] as ((c: V3Context, e: V3Event) => Update) | undefined;
  return recorder === undefined ? {} : recorder(c, e);
}

/** A closing case: its closure, and what becomes moot (an unrated satisfaction window, a report not due any more). */
export function closeWith(c: V3Context, closure: NonNullable<V3Context['closure']>, at: string): Update {
  const reportMoot = reportOwed(c) && !REPORT_SURVIVES.includes(closure);
  return {
    closure,
    closedAt: at,
    report: reportMoot && c.report ? { ...c.report, status: 'cancelled' } : c.report,
    satisfaction: c.satisfaction ?? (isLive(c.clocks.satisfaction) ? 'unrated' : null),
  };
}

/** Closures after which the body still owes the bureau its closing report: it dealt with the matter. */
export const REPORT_SURVIVES: readonly NonNullable<V3Context['closure']>[] = ['concluded', 'final', 'routed'];

/** Clocks a closing case stops: all, except the report clock when the report is still owed. */
export function clocksClosedBy(c: V3Context, closure: NonNullable<V3Context['closure']>): V3ClockName[] {
  const keepReport = REPORT_SURVIVES.includes(closure) && reportOwed(c);
  return (Object.keys(c.clocks) as V3ClockName[]).filter((name) => !(keepReport && name === 'report'));
}

/** Whether an assigned case still owes its closing report (never submitted, or returned). */
export function reportOwed(c: Pick<V3Context, 'report'>): boolean {
  return c.report?.status === 'pending' || c.report?.status === 'returned';
}

/** Whether a hearing was scheduled at the current decision stage and is not recorded yet. */
export function isPendingHearing(hearing: V3Context['hearings'][number], c: Pick<V3Context, 'reviewStage'>): boolean {
  return hearing.summary === null && hearing.stage === c.reviewStage;
}
