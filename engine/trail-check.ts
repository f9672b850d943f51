/**
 * The checks a stored trail must pass, pure so that whole-trail verification
 * and checkpoint verification judge a chain by the same rules.
 */
import type { CaseEventRecord, TrailOutcome } from '../db/case-event.repository';
import type { CaseRecord } from '../db/case.repository';
import type { PetitionContext, PetitionEvent } from '../machines/petition.machine';
import { isKnownVersion, startCase, stateName, step, toStored, type PetitionSnapshot } from '../machines/petition.registry';
import type { Intake } from '../machines/petition.schemas';
import { canonical, GENESIS_HASH, hashEvent, snapshotDigest } from './audit-hash';
import { INTAKE_EVENT } from './trail-entry';
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
  withOutcomes = false,
): { steps: ReplayStep[]; snapshot: PetitionSnapshot | undefined; outcomes: (TrailOutcome | undefined)[] } {
  const steps: ReplayStep[] = [];
  // The outcome after each entry, computed only for entries that record one (and only when asked: a digest per event).
  const outcomes: (TrailOutcome | undefined)[] = [];
  let snapshot: PetitionSnapshot | undefined;
  for (const e of events) {
    if (until !== undefined && new Date(e.at) > until) break;
    let accepted = true;
    if (e.seq === 1 && e.type === INTAKE_EVENT) {
      snapshot = startCase(e.machineVersion, { id: e.caseId, intake: e.fields as unknown as Intake, at: e.at });
    } else if (snapshot !== undefined) {
      const event = { type: e.type, ...e.fields, actor: e.actor, at: e.at } as unknown as PetitionEvent;
      accepted = snapshot.can(event);
      snapshot = step(e.machineVersion, snapshot, event);
    } else {
      accepted = false;
    }
    const state = snapshot ? stateName(snapshot) : 'unknown';
    // The trail records only roles of ROLES (the actor of every entry passed the API or was the engine).
    const actor: Actor = { ...e.actor, role: e.actor.role as Role };
    steps.push({ seq: e.seq, type: e.type, actor, at: e.at, state, accepted });
    outcomes.push(withOutcomes && e.after !== undefined && snapshot !== undefined ? { state, snapshot: snapshotDigest(toStored(snapshot)) } : undefined);
  }
  return { steps, snapshot, outcomes };
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

/** How far verification goes past the chain: the recorded outcome (fast), or a machine replay of every case. */
export type VerifyMode = 'fast' | 'replay';

/**
 * The columns every mode checks without the machine: the head (version, last
 * hash, machine version) and what the intake fixed (unit, channel). Returns
 * the first differing column.
 */
function checkHead(rec: CaseRecord, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  const head = events[events.length - 1];
  if (head === undefined) return { caseId: rec.id, seq: 0, reason: 'the case has no trail' };
  const at = (reason: string): TrailBreak => ({ caseId: rec.id, seq: head.seq, reason });
  if (head.seq !== rec.version) return at(`the trail has ${head.seq} entries but the case row is at version ${rec.version}`);
  if (head.hash !== rec.lastHash) return at('the trail head hash differs from the case row’s last hash');
  const first = events[0]?.fields ?? {};
  const fixed: Pick<CaseRecord, 'unit' | 'channel' | 'machineVersion'> = { unit: String(first.unit), channel: String(first.channel), machineVersion: head.machineVersion };
  return differing(rec, fixed, at);
}

function differing<K extends keyof CaseRecord>(rec: CaseRecord, expected: Pick<CaseRecord, K>, at: (reason: string) => TrailBreak): TrailBreak | undefined {
  for (const key of Object.keys(expected) as K[]) {
    if (expected[key] !== rec[key]) return at(`case row ${key} ${JSON.stringify(rec[key])} differs from the trail’s ${JSON.stringify(expected[key])}`);
  }
  return undefined;
}

/**
 * The fast check of a case row against a head that records its outcome: the
 * row's state is the one the head led to, its snapshot has the digest the
 * head recorded (so the snapshot is the one the engine wrote with that
 * entry), and its assignee unit and listing are the snapshot's. No machine
 * runs: the chain vouches for the head, the head for the row. Whether the
 * recorded outcomes follow the rules is the replay's question.
 */
function checkRecordedOutcome(rec: CaseRecord, head: CaseEventRecord & { after: TrailOutcome }): TrailBreak | undefined {
  const at = (reason: string): TrailBreak => ({ caseId: rec.id, seq: head.seq, reason });
  if (rec.state !== head.after.state) return at(`case row state ${JSON.stringify(rec.state)} differs from the trail’s ${JSON.stringify(head.after.state)}`);
  if (snapshotDigest(rec.snapshot) !== head.after.snapshot) return at('the stored snapshot differs from the one the trail head records');
  const ctx = (rec.snapshot as { context?: Partial<PetitionContext> } | null)?.context;
  return differing(rec, { assigneeUnit: ctx?.assignee?.unit ?? null, listed: ctx?.listed ?? false }, at);
}

/**
 * Compares a case row with its (already chain-checked) trail. Head, unit and
 * channel always; then, in `fast` mode, the outcome the head records (a trail
 * whose head predates recorded outcomes is replayed instead), and in `replay`
 * mode the case the machine rebuilds from the whole trail, each recorded
 * outcome included. A trail longer than the row (an appended entry, however
 * well hashed) or a row moved to another unit is reported at the trail's head.
 */
export function checkCaseRow(rec: CaseRecord, events: readonly CaseEventRecord[], mode: VerifyMode = 'replay'): TrailBreak | undefined {
  const broken = checkHead(rec, events);
  if (broken !== undefined) return broken;
  const head = events[events.length - 1];
  if (mode === 'fast' && head?.after !== undefined) return checkRecordedOutcome(rec, { ...head, after: head.after });
  return checkReplay(rec, events);
}

/** The machine replay: every event accepted, every recorded outcome the one the machine gives, the row the one it rebuilds. */
function checkReplay(rec: CaseRecord, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  const head = events[events.length - 1];
  if (head === undefined) return { caseId: rec.id, seq: 0, reason: 'the case has no trail' };
  const at = (reason: string): TrailBreak => ({ caseId: rec.id, seq: head.seq, reason });
  const { steps, snapshot, outcomes } = foldTrail(events, undefined, true);
  const refused = steps.find((s) => !s.accepted);
  if (refused !== undefined) return { caseId: rec.id, seq: refused.seq, reason: `machine version ${head.machineVersion} refuses ${refused.type} here` };
  if (snapshot === undefined) return at('the trail does not start with an intake');
  for (const [i, e] of events.entries()) {
    const rebuilt = outcomes[i];
    if (e.after === undefined || rebuilt === undefined) continue;
    if (e.after.state !== rebuilt.state || e.after.snapshot !== rebuilt.snapshot) {
      return { caseId: rec.id, seq: e.seq, reason: 'the outcome the entry records differs from the one the machine gives' };
    }
  }
  const ctx: PetitionContext = snapshot.context;
  const broken = differing(rec, { assigneeUnit: ctx.assignee?.unit ?? null, state: stateName(snapshot), listed: ctx.listed }, at);
  if (broken !== undefined) return broken;
  if (canonical(toStored(snapshot)) !== canonical(rec.snapshot)) return at('the stored snapshot differs from the one the trail rebuilds');
  return undefined;
}
