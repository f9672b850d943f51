import type { Kysely } from 'kysely';
import * as cases from '../db/case.repository';
import { listEvents, listEventsPage, type CaseEventRecord } from '../db/case-event.repository';
import type { Database } from '../db/schema';
import type { PetitionEvent } from '../machines/petition.machine';
import type { Actor, Role } from '../machines/petition.roles';
import { isKnownVersion, startCase, stateName, step, toStored, type PetitionSnapshot } from '../machines/petition.registry';
import type { Intake } from '../machines/petition.schemas';
import { canonical, GENESIS_HASH, hashEvent } from './audit-hash';
import { NotFoundError } from './errors';
import { INTAKE_EVENT } from './petition.engine';

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

/** A case rebuilt from its trail alone. */
export interface ReplayResult {
  /** The case id (named `id` as in the petition view). */
  readonly id: string;
  readonly machineVersion: number;
  readonly steps: ReplayStep[];
  readonly state: string;
  /** Whether the rebuilt snapshot equals the stored one. */
  readonly matchesStored: boolean;
}

/** The whole-trail check. */
export interface AuditVerification {
  readonly ok: boolean;
  readonly checked: number;
  readonly cases: number;
  readonly firstBroken?: { readonly caseId: string; readonly seq: number; readonly reason: string };
}

/**
 * Folds a trail through `transition()` under the machine version it was
 * recorded with; pure, so it can run anywhere (server, CLI, CI).
 * `until` stops at the last event at or before that time.
 */
export function foldTrail(events: readonly CaseEventRecord[], until?: Date): { steps: ReplayStep[]; snapshot: PetitionSnapshot | undefined } {
  const steps: ReplayStep[] = [];
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
    // The trail only records roles of ROLES.
    const actor: Actor = { ...e.actor, role: e.actor.role as Role };
    steps.push({ seq: e.seq, type: e.type, actor, at: e.at, state: snapshot ? stateName(snapshot) : 'unknown', accepted });
  }
  return { steps, snapshot };
}

/** Replay and verification over the stored trail. */
export interface AuditService {
  replay(caseId: string, scopeUnit?: string, until?: Date): Promise<ReplayResult>;
  verifyAudit(scopeUnit?: string): Promise<AuditVerification>;
}

/** Creates the audit service. */
export function createAuditService(db: Kysely<Database>): AuditService {
  return {
    async replay(caseId, scopeUnit, until) {
      const rec = await cases.findCase(db, caseId, scopeUnit);
      if (rec === undefined) throw new NotFoundError();
      const events = await listEvents(db, caseId);
      const { steps, snapshot } = foldTrail(events, until);
      const rebuilt = snapshot === undefined ? undefined : toStored(snapshot);
      const complete = until === undefined || steps.length === events.length;
      return {
        id: caseId,
        machineVersion: rec.machineVersion,
        steps,
        state: snapshot === undefined ? 'unknown' : stateName(snapshot),
        matchesStored:
          complete && rebuilt !== undefined && steps.every((s) => s.accepted) && canonical(rebuilt) === canonical(rec.snapshot),
      };
    },

    async verifyAudit(scopeUnit) {
      let checked = 0;
      let caseCount = 0;
      let after: { caseId: string; seq: number } | undefined;
      let prev: { caseId: string; seq: number; hash: string } | undefined;
      for (;;) {
        const page = await listEventsPage(db, after, 2000, scopeUnit);
        if (page.length === 0) break;
        for (const e of page) {
          const sameCase = prev?.caseId === e.caseId;
          if (!sameCase) caseCount += 1;
          const expectedSeq = sameCase ? (prev?.seq ?? 0) + 1 : 1;
          const expectedPrev = sameCase ? (prev?.hash ?? GENESIS_HASH) : GENESIS_HASH;
          const broken =
            e.seq !== expectedSeq
              ? `sequence ${e.seq} where ${expectedSeq} was expected`
              : e.prevHash !== expectedPrev
                ? 'previous hash does not match the entry before it'
                : !isKnownVersion(e.machineVersion)
                  ? `unknown machine version ${e.machineVersion}`
                  : hashEvent(e) !== e.hash
                    ? 'hash does not match the entry'
                    : undefined;
          checked += 1;
          if (broken !== undefined) return { ok: false, checked, cases: caseCount, firstBroken: { caseId: e.caseId, seq: e.seq, reason: broken } };
          prev = { caseId: e.caseId, seq: e.seq, hash: e.hash };
        }
        const last = page[page.length - 1];
        if (last === undefined) break;
        after = { caseId: last.caseId, seq: last.seq };
      }
      return { ok: true, checked, cases: caseCount };
    },
  };
}
