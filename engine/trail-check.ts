/**
 * The checks a stored trail must pass, pure so that whole-trail verification
 * and checkpoint verification judge a chain by the same rules.
 */
import type { CaseEventRecord, TrailOutcome } from '../db/case-event.repository';
import type { CaseRecord } from '../db/case.repository';
import type { CaseEvent, CaseSnapshot } from '../machines/machine-adapter';
import { adapterFor, isKnownVersion, type MachineAdapter, type StoredSnapshot } from '../machines/petition.registry';
import { GENESIS_HASH, hashEvent, snapshotDigest } from './audit-hash';
import { matchesStored, storedFormOf } from './case-snapshot';
import { INTAKE_EVENT, REGISTRATION_FIELD, startOfIntakeEntry } from './trail-entry';
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
 * recorded with; pure, so it can run anywhere (server, CLI, CI). A v3 entry
 * carries the relations its sender had when it was recorded: replay reuses
 * them, whatever the unit tree says now. `until` stops at the last event at
 * or before that time.
 */
export function foldTrail(
  events: readonly CaseEventRecord[],
  until?: Date,
  withOutcomes = false,
): { steps: ReplayStep[]; snapshot: CaseSnapshot | undefined; outcomes: (TrailOutcome | undefined)[] } {
  const steps: ReplayStep[] = [];
  // The outcome after each entry, computed only for entries that record one (and only when asked: a digest per event).
  const outcomes: (TrailOutcome | undefined)[] = [];
  let snapshot: CaseSnapshot | undefined;
  for (const e of events) {
    if (until !== undefined && new Date(e.at) > until) break;
    let accepted = true;
    const adapter = isKnownVersion(e.machineVersion) ? adapterFor(e.machineVersion) : undefined;
    if (adapter === undefined) {
      accepted = false;
    } else if (e.seq === 1 && e.type === INTAKE_EVENT) {
      snapshot = adapter.start(startOfIntakeEntry(adapter, e));
    } else if (snapshot !== undefined) {
      const event: CaseEvent = { type: e.type, ...e.fields, actor: e.actor as CaseEvent['actor'], at: e.at };
      accepted = adapter.accepts(snapshot, event);
      snapshot = adapter.step(snapshot, event);
    } else {
      accepted = false;
    }
    // The trail records only roles of ROLES (the actor of every entry passed the API or was the engine).
    const actor: Actor = { ...e.actor, role: e.actor.role as Role };
    const state = snapshot !== undefined && adapter !== undefined ? adapter.stateName(snapshot) : 'unknown';
    steps.push({ seq: e.seq, type: e.type, actor, at: e.at, state, accepted });
    outcomes.push(
      withOutcomes && e.after !== undefined && snapshot !== undefined && adapter !== undefined
        ? { state, snapshot: outcomeDigest(adapter, snapshot, e.after.snapshot) }
        : undefined,
    );
  }
  return { steps, snapshot, outcomes };
}

/**
 * The digest of the stored form the machine gives, as the entry records it: an entry written before the stored form
 * left the start out records the digest of the machine's whole stored form.
 */
function outcomeDigest(adapter: MachineAdapter, snapshot: CaseSnapshot, recorded: string): string {
  const digest = snapshotDigest(storedFormOf(adapter, snapshot));
  return digest === recorded ? digest : snapshotDigest(adapter.toStored(snapshot));
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
 * hash, machine version) and what the intake fixed (unit, channel, number). Returns
 * the first differing column.
 */
function checkHead(rec: CaseRecord, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  const head = events[events.length - 1];
  if (head === undefined) return { caseId: rec.id, seq: 0, reason: 'the case has no trail' };
  const at = (reason: string): TrailBreak => ({ caseId: rec.id, seq: head.seq, reason });
  if (head.seq !== rec.version) return at(`the trail has ${head.seq} entries but the case row is at version ${rec.version}`);
  if (head.hash !== rec.lastHash) return at('the trail head hash differs from the case row’s last hash');
  const first = events[0]?.fields ?? {};
  const fixed: Pick<CaseRecord, 'unit' | 'channel' | 'machineVersion'> = {
    unit: String(first.unit),
    channel: String(first.channel),
    machineVersion: head.machineVersion,
  };
  // The readable number registration gave is recorded in the intake entry (a case recorded before numbering has
  // none); a row showing another number is caught, a row showing none misleads no one and is not a claim.
  const number = recordedNumber(first);
  return differing(rec, fixed, at) ?? (number === undefined || rec.number === null ? undefined : differing(rec, { number }, at));
}

/** The case number an intake entry's registration recorded, if any. */
function recordedNumber(fields: Record<string, unknown>): string | undefined {
  const registration = fields[REGISTRATION_FIELD];
  const number = typeof registration === 'object' && registration !== null ? (registration as { number?: unknown }).number : undefined;
  return typeof number === 'string' ? number : undefined;
}

function differing<K extends keyof CaseRecord>(
  rec: CaseRecord,
  expected: Pick<CaseRecord, K>,
  at: (reason: string) => TrailBreak,
): TrailBreak | undefined {
  for (const key of Object.keys(expected) as K[]) {
    if (expected[key] !== rec[key])
      return at(`case row ${key} ${JSON.stringify(rec[key])} differs from the trail’s ${JSON.stringify(expected[key])}`);
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
  if (rec.state !== head.after.state)
    return at(`case row state ${JSON.stringify(rec.state)} differs from the trail’s ${JSON.stringify(head.after.state)}`);
  if (snapshotDigest(rec.snapshot) !== head.after.snapshot) return at('the stored snapshot differs from the one the trail head records');
  if (!isKnownVersion(rec.machineVersion)) return at(`machine version ${rec.machineVersion} is not known to this build`);
  const adapter = adapterFor(rec.machineVersion);
  return differing(rec, adapter.caseRow(rec.snapshot as StoredSnapshot), at);
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

/** The case row's columns the trail alone determines. */
type DerivedColumns = Pick<
  CaseRecord,
  'unit' | 'assigneeUnit' | 'state' | 'channel' | 'listed' | 'version' | 'machineVersion' | 'lastHash'
>;

/** The machine replay: every event accepted, every recorded outcome the one the machine gives, the row the one it rebuilds. */
function checkReplay(rec: CaseRecord, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  const head = events[events.length - 1];
  if (head === undefined) return { caseId: rec.id, seq: 0, reason: 'the case has no trail' };
  const at = (reason: string): TrailBreak => ({ caseId: rec.id, seq: head.seq, reason });
  const { steps, snapshot, outcomes } = foldTrail(events, undefined, true);
  const refused = steps.find((s) => !s.accepted);
  if (refused !== undefined)
    return { caseId: rec.id, seq: refused.seq, reason: `machine version ${head.machineVersion} refuses ${refused.type} here` };
  if (snapshot === undefined) return at('the trail does not start with an intake');
  for (const [i, e] of events.entries()) {
    const outcome = outcomes[i];
    if (e.after === undefined || outcome === undefined) continue;
    if (e.after.state !== outcome.state || e.after.snapshot !== outcome.snapshot) {
      return { caseId: rec.id, seq: e.seq, reason: 'the outcome the entry records differs from the one the machine gives' };
    }
  }
  const adapter = adapterFor(head.machineVersion);
  const first = events[0]?.fields ?? {};
  const rebuilt: DerivedColumns = {
    unit: String(first.unit),
    ...adapter.caseRow(snapshot),
    state: adapter.stateName(snapshot),
    channel: String(first.channel),
    version: head.seq,
    machineVersion: head.machineVersion,
    lastHash: head.hash,
  };
  for (const key of Object.keys(rebuilt) as (keyof DerivedColumns)[]) {
    if (rebuilt[key] !== rec[key])
      return at(`case row ${key} ${JSON.stringify(rec[key])} differs from the trail’s ${JSON.stringify(rebuilt[key])}`);
  }
  if (!matchesStored(adapter, snapshot, rec.snapshot)) return at('the stored snapshot differs from the one the trail rebuilds');
  return undefined;
}
