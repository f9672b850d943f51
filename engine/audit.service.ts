import type { Kysely } from 'kysely';
import * as cases from '../db/case.repository';
import { listEvents, listEventsOfCases, type CaseEventRecord } from '../db/case-event.repository';
import type { Database } from '../db/schema';
import { stateName, toStored } from '../machines/petition.registry';
import { canonical } from './audit-hash';
import { NotFoundError } from './errors';
import { checkCaseRow, checkChain, foldTrail, type ReplayStep, type TrailBreak } from './trail-check';

export { foldTrail, type ReplayStep };

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

/**
 * The whole-trail check: every chain in scope, and every case row against
 * the case its trail rebuilds (head, scope and state columns, snapshot).
 */
export interface AuditVerification {
  readonly ok: boolean;
  readonly checked: number;
  readonly cases: number;
  readonly firstBroken?: { readonly caseId: string; readonly seq: number; readonly reason: string };
}

/** Cases verified per round trip: their rows and whole trails are held in memory at once. */
const CASES_PER_PAGE = 200;

function groupByCase(events: readonly CaseEventRecord[]): Map<string, CaseEventRecord[]> {
  const byCase = new Map<string, CaseEventRecord[]>();
  for (const e of events) {
    const list = byCase.get(e.caseId);
    if (list === undefined) byCase.set(e.caseId, [e]);
    else list.push(e);
  }
  return byCase;
}

/** One case: its chain first (a broken link is the most precise finding), then its row against the trail. */
function verifyCase(rec: cases.CaseRecord, events: readonly CaseEventRecord[]): TrailBreak | undefined {
  return checkChain(rec.id, events) ?? checkCaseRow(rec, events);
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
      let afterId: string | undefined;
      for (;;) {
        const page = await cases.listCasesPage(db, afterId, CASES_PER_PAGE, scopeUnit);
        if (page.length === 0) break;
        const trails = groupByCase(
          await listEventsOfCases(
            db,
            page.map((c) => c.id),
          ),
        );
        for (const rec of page) {
          const events = trails.get(rec.id) ?? [];
          caseCount += 1;
          checked += events.length;
          const broken = verifyCase(rec, events);
          if (broken !== undefined) return { ok: false, checked, cases: caseCount, firstBroken: broken };
        }
        afterId = page[page.length - 1]?.id;
        if (page.length < CASES_PER_PAGE) break;
      }
      return { ok: true, checked, cases: caseCount };
    },
  };
}
