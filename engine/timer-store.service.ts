import type { Kysely } from 'kysely';
import { findDeadline, findDeadlineById, listDeadlinesOf, listFiringBefore, type DeadlineRecord } from '../db/deadline.repository';
import type { Database } from '../db/schema';

export type { DeadlineRecord };

/**
 * The deadline rows as the timer machinery reads them: the row, not Redis,
 * says what is due, so workers and the sweeper look here before they arm,
 * re-delay or re-arm a timer. Read-only; deadlines change only through the
 * engine's transitions.
 */
export interface TimerStore {
  /** One deadline by its row id (a timer's job id names it). */
  findById(id: string): Promise<DeadlineRecord | undefined>;
  /** One deadline by its identity (case, clock, generation), as an incident names it. */
  find(caseId: string, clock: string, generation: number): Promise<DeadlineRecord | undefined>;
  /** Pending deadlines whose timer fires at or before `horizon`, soonest first, a page after `after`. */
  listFiringBefore(horizon: Date, limit: number, after?: { nextFireAt: Date; id: string }): Promise<DeadlineRecord[]>;
  /** Pending deadlines of these cases whose timer fires at or before `horizon`, soonest first (ties by id). */
  listFiringBeforeOf(caseIds: readonly string[], horizon: Date): Promise<DeadlineRecord[]>;
}

/** Creates the timer store over the database. */
export function createTimerStore(db: Kysely<Database>): TimerStore {
  return {
    findById: (id) => findDeadlineById(db, id),
    find: (caseId, clock, generation) => findDeadline(db, caseId, clock, generation),
    listFiringBefore: (horizon, limit, after) => listFiringBefore(db, horizon, limit, after),
    async listFiringBeforeOf(caseIds, horizon) {
      const rows = [...(await listDeadlinesOf(db, caseIds)).values()].flat();
      const due = rows.filter((r) => r.status === 'pending' && r.nextFireAt !== null && r.nextFireAt <= horizon);
      return due.sort((a, b) => (a.nextFireAt?.getTime() ?? 0) - (b.nextFireAt?.getTime() ?? 0) || Number(BigInt(a.id) - BigInt(b.id)));
    },
  };
}
