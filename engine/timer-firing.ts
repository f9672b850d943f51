import type { Transaction } from 'kysely';
import type { CaseRecord } from '../db/case.repository';
import { listDeadlinesOf, type DeadlineRecord } from '../db/deadline.repository';
import type { Database } from '../db/schema';
import { lockCasesOfDeadlines, writeTransitions } from '../db/transition.repository';
import { adapterFor } from '../machines/petition.registry';
import { restoreCase } from './case-snapshot';
import type { Actor } from '../machines/petition.roles';
import { afterCommit, type CommittedChange, type EngineDeps } from './engine.types';
import { planStep, touchedBy, type PlannedStep } from './step-planner';
import { decideTimer, type TimerOutcome } from './timer-decision';

/** The actor of every timer event: the engine's own deadline workers. */
const SYSTEM_ACTOR: Actor = { id: 'deadline-worker', role: 'system', unit: '000000' };

/** The largest PostgreSQL bigint: a larger deadline id names no row (and would fail the whole query). */
const MAX_BIGINT = 9223372036854775807n;

/** One timer planned in a round. */
interface TimerStep {
  readonly id: string;
  readonly planned: PlannedStep;
  readonly outcome: TimerOutcome;
  readonly notify: boolean;
}

/** The cases and deadline rows of one round, as read under the case locks. */
interface RoundRows {
  readonly recs: ReadonlyMap<string, CaseRecord>;
  readonly rowsByCase: ReadonlyMap<string, DeadlineRecord[]>;
  readonly rowById: ReadonlyMap<string, DeadlineRecord>;
}

/** Locks the cases of the timers (one statement) and reads their deadline rows (one statement). */
async function lockRound(trx: Transaction<Database>, deadlineIds: readonly string[]): Promise<RoundRows> {
  const locked = await lockCasesOfDeadlines(trx, deadlineIds);
  const rowsByCase = await listDeadlinesOf(
    trx,
    locked.map((r) => r.id),
  );
  const rowById = new Map([...rowsByCase.values()].flat().map((r) => [r.id, r]));
  return { recs: new Map(locked.map((r) => [r.id, r])), rowsByCase, rowById };
}

/**
 * Decides and plans each timer of a round. A second timer of a case already
 * stepped is deferred to the next round, so each step starts from the case as
 * the previous one left it; a timer the case no longer takes is a no-op.
 */
function planRound(deps: EngineDeps, round: RoundRows, deadlineIds: readonly string[], at: Date, outcomes: Map<string, TimerOutcome>) {
  const stepped = new Set<string>();
  const deferred: string[] = [];
  const steps: TimerStep[] = [];
  for (const id of deadlineIds) {
    const row = round.rowById.get(id);
    const rec = row === undefined ? undefined : round.recs.get(row.caseId);
    if (row === undefined || rec === undefined) {
      outcomes.set(id, 'stale');
    } else if (stepped.has(rec.id)) {
      deferred.push(id);
    } else {
      const adapter = adapterFor(rec.machineVersion);
      const snapshot = restoreCase(adapter, rec);
      const decided = decideTimer(row, adapter, snapshot, at, SYSTEM_ACTOR);
      // A timer event the machine does not take in this state (the case moved on) is a no-op, not a refusal.
      if (typeof decided === 'string' || !adapter.accepts(snapshot, decided.event)) {
        outcomes.set(id, typeof decided === 'string' ? decided : 'stale');
        continue;
      }
      stepped.add(rec.id);
      const planned = planStep(deps, adapter, rec, snapshot, round.rowsByCase.get(rec.id) ?? [], decided.event, at, decided.remindersSent);
      const notify = adapter.notifies(planned.next, decided.event.type);
      steps.push({ id, outcome: decided.outcome, planned, notify });
    }
  }
  return { steps, deferred };
}

/**
 * One transaction over many timers: lock, decide and plan each, and write
 * every event in one statement. Returns the committed changes and the timers
 * deferred to the next round.
 */
async function fireRound(deps: EngineDeps, now: () => Date, deadlineIds: readonly string[], outcomes: Map<string, TimerOutcome>) {
  return deps.db.transaction().execute(async (trx) => {
    const round = await lockRound(trx, deadlineIds);
    const { steps, deferred } = planRound(deps, round, deadlineIds, now(), outcomes);
    const storedByCase = new Map<string, DeadlineRecord[]>();
    for (const row of await writeTransitions(
      trx,
      steps.map((s) => s.planned.write),
    )) {
      storedByCase.set(row.caseId, [...(storedByCase.get(row.caseId) ?? []), row]);
    }
    const changes: CommittedChange[] = steps.map(({ id, planned, outcome, notify }) => {
      outcomes.set(id, outcome);
      const { case: updated, event } = planned.write;
      // Nobody reads the view of a timer's change: the worker only needs to know it committed.
      return { caseId: updated.id, event, state: updated.state, deadlines: touchedBy(planned, storedByCase.get(updated.id) ?? []), notify };
    });
    return { changes, deferred };
  });
}

/**
 * Fires many deadline timers (by deadline row id) in as few transactions as
 * possible: one round, plus one more for each further timer of a case already
 * stepped. Each id gets its outcome; ids that name no row are `stale`.
 */
export async function fireTimers(deps: EngineDeps, now: () => Date, deadlineIds: readonly string[]): Promise<Map<string, TimerOutcome>> {
  const outcomes = new Map<string, TimerOutcome>();
  // Deadline ids are bigint keys; anything else names no deadline.
  let pending = [...new Set(deadlineIds)].filter((id) => {
    if (/^[1-9][0-9]{0,18}$/.test(id) && BigInt(id) <= MAX_BIGINT) return true;
    outcomes.set(id, 'stale');
    return false;
  });
  while (pending.length > 0) {
    const { changes, deferred } = await fireRound(deps, now, pending, outcomes);
    // The cases are distinct, so their after-commit work (timers, notifications) may overlap.
    await Promise.all(changes.map((change) => afterCommit(deps, change)));
    pending = deferred;
  }
  return outcomes;
}
