/**
 * The checks a stored trail must pass, pure so that whole-trail verification
 * and checkpoint verification judge a chain by the same rules.
 */
import type { CaseEventRecord } from '../db/case-event.repository';
import type { CaseRecord } from '../db/case.repository';
import type { PetitionContext, PetitionEvent } from '../machines/petition.machine';
import { isKnownVersion, startCase, stateName, step, toStored, type PetitionSnapshot } from '../machines/petition.registry';
import type { Intake } from '../machines/petition.schemas';
import { canonical, GENESIS_HASH, hashEvent } from './audit-hash';
import { INTAKE_EVENT, intakeFieldsOf } from './trail-entry';
import type { Actor } from '../machines/petition.roles';
import type { Role } from '../machines/petition.vocabulary';

/** One step of a replay: the event and the state it led to. */
export interface ReplayStep {
  readonly seq: number;
  readonly type: string;
  readonly actor: Actor;
  readonly at: string;
  readonly state: string;
  /** False when the recorded machine version refused the recorded event: the trail does not fit the rules. */
  readonly accepted: boolean;
}

/**
 * Folds a trail through `transition()` under the machine version it was
 * recorded with; pure, so it can run anywhere (server, CLI, CI).
 * `until` stops at the last event at or before that time.
 */
export function foldTrail(
  events: readonly CaseEventRecord[],
  until?: Date,
): { steps: ReplayStep[]; snapshot: PetitionSnapshot | undefined } {
  const steps: ReplayStep[] = [];
  let snapshot: PetitionSnapshot | undefined;
  for (const e of events) {
    if (until !== undefined && new Date(e.at) > until) break;
    let accepted = true;
    if (e.seq === 1 && e.type === INTAKE_EVENT) {
      snapshot = startCase(e.machineVersion, { id: e.caseId, intake: intakeFieldsOf(e.fields) as unknown as Intake, at: e.at });
    } else if (snapshot !== undefined) {
      const event = { type: e.type, ...e.fields, actor: e.actor, at: e.at } as unknown as PetitionEvent;
      accepted = snapshot.can(event);
      snapshot = step(e.machineVersion, snapshot, event);
    } else {
      accepted = false;
    }
    // The trail records only roles of ROLES (the actor of every entry passed the API or was the engine).
    const actor: Actor = { ...e.actor, role: e.actor.role as Role };
    steps.push({ seq: e.seq, type: e.type, actor, at: e.at, state: snapshot ? stateName(snapshot) : 'unknown', accepted });
  }
  return { steps, snapshot };
}

/** Where and why a trail (or the case row beside it) stops being trustworthy. */
export interface TrailBreak {
  readonly caseId: string;
  readonly seq: number;
  readonly reason: string;
}

/**
 * Walks one case's chain in seq order: consecutive seqs from 1, each entry
 * linked to the one before, each hash recomputed. Returns the first bad entry.
 */
export function checkChain(caseId: string, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  let prevHash = GENESIS_HASH;
  const version = events[0]?.machineVersion;
  for (const [i, e] of events.entries()) {
    const expectedSeq = i + 1;
    const reason =
      e.seq !== expectedSeq
        ? `sequence ${e.seq} where ${expectedSeq} was expected`
        : e.prevHash !== prevHash
          ? 'previous hash does not match the entry before it'
          : !isKnownVersion(e.machineVersion)
            ? `unknown machine version ${e.machineVersion}`
            : e.machineVersion !== version
              ? `machine version ${e.machineVersion} where the case runs version ${String(version)}`
              : hashEvent(e) !== e.hash
                ? 'hash does not match the entry'
                : undefined;
    if (reason !== undefined) return { caseId, seq: e.seq, reason };
    prevHash = e.hash;
  }
  return undefined;
}

/** The columns of a case row that follow from its trail; reads and scope are decided on them. */
type DerivedColumns = Pick<
  CaseRecord,
  'unit' | 'assigneeUnit' | 'state' | 'channel' | 'listed' | 'version' | 'machineVersion' | 'lastHash'
>;

/**
 * Compares a case row with the case its (already chain-checked) trail
 * rebuilds: head (version, last hash), the scope and state columns, and the
 * snapshot. A trail longer than the row (an appended entry, however well
 * hashed) or a row moved to another unit is reported at the trail's head.
 */
export function checkCaseRow(rec: CaseRecord, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  const head = events[events.length - 1];
  if (head === undefined) return { caseId: rec.id, seq: 0, reason: 'the case has no trail' };
  const at = (reason: string): TrailBreak => ({ caseId: rec.id, seq: head.seq, reason });
  if (head.seq !== rec.version) return at(`the trail has ${head.seq} entries but the case row is at version ${rec.version}`);
  if (head.hash !== rec.lastHash) return at('the trail head hash differs from the case row’s last hash');
  const { steps, snapshot } = foldTrail(events);
  const refused = steps.find((s) => !s.accepted);
  if (refused !== undefined)
    return { caseId: rec.id, seq: refused.seq, reason: `machine version ${head.machineVersion} refuses ${refused.type} here` };
  if (snapshot === undefined) return at('the trail does not start with an intake');
  const ctx: PetitionContext = snapshot.context;
  const first = events[0]?.fields ?? {};
  const rebuilt: DerivedColumns = {
    unit: String(first.unit),
    assigneeUnit: ctx.assignee?.unit ?? null,
    state: stateName(snapshot),
    channel: String(first.channel),
    listed: ctx.listed,
    version: head.seq,
    machineVersion: head.machineVersion,
    lastHash: head.hash,
  };
  for (const key of Object.keys(rebuilt) as (keyof DerivedColumns)[]) {
    if (rebuilt[key] !== rec[key])
      return at(`case row ${key} ${JSON.stringify(rec[key])} differs from the trail’s ${JSON.stringify(rebuilt[key])}`);
  }
  if (canonical(toStored(snapshot)) !== canonical(rec.snapshot)) return at('the stored snapshot differs from the one the trail rebuilds');
  return undefined;
}
