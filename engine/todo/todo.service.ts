/**
 * 我的待办: the open cases waiting on the caller, by role and by their unit's
 * relation to each case. One query reads the candidates (the open cases in
 * the caller's scope, nearest due time first); the machine of each case then
 * says which commands the caller may send now, and the kinds of work those
 * commands do (todo-kinds.ts) put the case on the list. Most urgent first.
 */
import type { Kysely } from 'kysely';
import { listOpenCases } from '../../db/case.repository';
import { listDeadlinesOf } from '../../db/deadline.repository';
import type { Database } from '../../db/schema';
import type { Actor } from '../../machines/petition.roles';
import { allowedEventsFor, toPetitionView, type DeadlineView, type UrgencyInputs } from '../case-view';
import { loadDirectory, type UnitDirectorySource } from '../unit-directory';
import { TODO_KIND_DEFS, TODO_KINDS, todoKindsOf, type TodoKind } from './todo-kinds';

/** How many open cases one list looks through at most (a county's open cases; more is reported as truncated). */
export const TODO_CANDIDATE_LIMIT = 5000;

/** One case waiting on the caller. */
export interface TodoItem {
  readonly id: string;
  readonly number: string | null;
  readonly state: string;
  readonly summary: string;
  /** The petitioner's name as the caller's case view shows it. */
  readonly petitioner: string;
  /** The handling body now, named (or the registering unit until there is one). */
  readonly unit: { readonly unit: string; readonly name: string | null };
  readonly kinds: TodoKind[];
  /** The commands behind those kinds the caller may send now. */
  readonly events: string[];
  /** The most urgent live deadline of the case, if any. */
  readonly deadline: DeadlineView | null;
}

/** The caller's to-do list. */
export interface TodoList {
  readonly counts: Readonly<Record<TodoKind, number>>;
  /** The Chinese name of each kind (待受理 …), for screens. */
  readonly labels: Readonly<Record<TodoKind, string>>;
  readonly total: number;
  readonly items: TodoItem[];
  /** Whether the candidates hit {@link TODO_CANDIDATE_LIMIT}, so some cases may be missing. */
  readonly truncated: boolean;
}

const LEVEL_RANK: Readonly<Record<string, number>> = { red: 0, yellow: 1, green: 2 };
const LIVE = new Set(['pending', 'paused', 'breached']);

/** The most urgent of a case's live deadlines (lapsed windows aside): overdue or reddest first, then the nearest due time. */
function mostUrgent(deadlines: readonly DeadlineView[]): DeadlineView | null {
  const live = deadlines.filter((d) => LIVE.has(d.status) && d.level !== null);
  return live.sort(byUrgency)[0] ?? null;
}

function byUrgency(a: DeadlineView | null, b: DeadlineView | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const rank = (LEVEL_RANK[a.level ?? ''] ?? 3) - (LEVEL_RANK[b.level ?? ''] ?? 3);
  return rank !== 0 ? rank : a.dueAt.localeCompare(b.dueAt);
}

/** The to-do reads. */
export interface TodoService {
  forActor(actor: Actor): Promise<TodoList>;
}

/** Creates the to-do reads over the database, the unit tree and the engine's calendar and policy. */
export function createTodoService(deps: {
  db: Kysely<Database>;
  units: UnitDirectorySource;
  urgency: UrgencyInputs;
  now: () => Date;
}): TodoService {
  return {
    async forActor(actor) {
      const at = deps.now();
      const [candidates, { directory }] = await Promise.all([
        listOpenCases(deps.db, actor.unit, TODO_CANDIDATE_LIMIT),
        loadDirectory(deps.units),
      ]);
      const waiting = candidates
        .map((rec) => ({ rec, allowed: allowedEventsFor(rec, actor, at, directory) }))
        .map((c) => ({ ...c, kinds: todoKindsOf(c.allowed) }))
        .filter((c) => c.kinds.length > 0);
      const deadlines = await listDeadlinesOf(
        deps.db,
        waiting.map((c) => c.rec.id),
      );
      const items: TodoItem[] = waiting.map(({ rec, allowed, kinds }) => {
        const view = toPetitionView(rec, deadlines.get(rec.id) ?? [], actor, at, { units: directory, urgency: deps.urgency });
        const holder = view.assignee?.unit ?? view.unit;
        return {
          id: view.id,
          number: view.number,
          state: view.state,
          summary: view.matter.summary,
          petitioner: view.petitioner.name,
          unit: { unit: holder, name: directory.nameOf(holder) ?? null },
          kinds,
          events: allowed.filter((e) => kinds.some((k) => TODO_KIND_DEFS[k].events.includes(e))),
          deadline: mostUrgent(view.deadlines),
        };
      });
      items.sort((a, b) => byUrgency(a.deadline, b.deadline));
      const counts = Object.fromEntries(TODO_KINDS.map((k) => [k, items.filter((i) => i.kinds.includes(k)).length])) as Record<
        TodoKind,
        number
      >;
      const labels = Object.fromEntries(TODO_KINDS.map((k) => [k, TODO_KIND_DEFS[k].label])) as Record<TodoKind, string>;
      return { counts, labels, total: items.length, items, truncated: candidates.length >= TODO_CANDIDATE_LIMIT };
    },
  };
}
