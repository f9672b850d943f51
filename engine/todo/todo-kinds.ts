/**
 * What "waiting on me" means: the kinds of work a case can wait for, each
 * named by the commands that do it. Whether a case waits on a user is not
 * decided here: it is whether the machine's permission tables let that user
 * send one of these commands now (the adapter's `allowedEvents`, by role and
 * by the unit's relation to the case). Commands anyone may send at any time
 * (督办, 批示, 撤回 …) are no work waiting, and are in no kind.
 */
export const TODO_KINDS = [
  'dispatch',
  'accept',
  'ruleObjection',
  'approveExtension',
  'mediate',
  'answer',
  'deliver',
  'submitReport',
  'checkReport',
  'strikeOff',
] as const;
export type TodoKind = (typeof TODO_KINDS)[number];

/** Each kind: its name on the console and the commands (of any machine version) that do it. */
export const TODO_KIND_DEFS: Readonly<Record<TodoKind, { readonly label: string; readonly events: readonly string[] }>> = {
  // Art 22: the bureau transfers or assigns within 15 days.
  dispatch: { label: '待转送交办', events: ['TRANSFER', 'ASSIGN'] },
  // Art 23: the body tells the petitioner whether it accepts, or objects (versions 1 and 2: VERIFY).
  accept: { label: '待受理', events: ['ACCEPT', 'VERIFY'] },
  // Art 23 ¶3: the sending bureau rules on an objection.
  ruleObjection: { label: '待裁定异议', events: ['APPROVE_OBJECTION', 'DENY_OBJECTION'] },
  // Art 34: the body's leader approves an extension.
  approveExtension: { label: '待审批延期', events: ['APPROVE_EXTENSION', 'DENY_EXTENSION'] },
  // Art 33: a mediation under way.
  mediate: { label: '待调解', events: ['MEDIATION_AGREED', 'MEDIATION_FAILED'] },
  // Arts 32, 35, 36: the written opinion, review or re-review decision.
  answer: { label: '待答复', events: ['RESOLVE'] },
  // 送达: the answer to the petitioner.
  deliver: { label: '待送达', events: ['DELIVER'] },
  // Art 22(3): the closing report of an assigned case.
  submitReport: { label: '待报送办结报告', events: ['SUBMIT_REPORT'] },
  checkReport: { label: '待审核办结报告', events: ['ACCEPT_REPORT', 'RETURN_REPORT'] },
  // Art 40: 销号 once the supervised matter is answered.
  strikeOff: { label: '待销号', events: ['STRIKE_OFF'] },
};

/** The kinds of work a set of allowed commands means, in the order of {@link TODO_KINDS}. */
export function todoKindsOf(allowedEvents: readonly string[]): TodoKind[] {
  const allowed = new Set(allowedEvents);
  return TODO_KINDS.filter((kind) => TODO_KIND_DEFS[kind].events.some((e) => allowed.has(e)));
}
