/**
 * Reachability with xstate/graph: under the current machine version, every leaf
 * state and every event type lies on a shortest path from a new case, taken with fully formed events sent by a
 * role the matrix permits. Each path is replayed step by step to prove it real.
 */
import { getShortestPaths, type StatePath } from 'xstate/graph';
import type { AnyStateNode } from 'xstate';
import type { PetitionEvent } from '../../machines/petition.machine';
import { isPermitted } from '../../machines/petition.permissions';
import { STATE_NAMES } from '../../machines/petition.vocabulary';
import { machineFor, stateName, type PetitionSnapshot } from '../../machines/petition.registry';
import { EVENT_TYPES } from '../../machines/petition.schemas';
import { AT, CASE_ID, INTAKE, PERMISSIONS, VERSION, eventsFor, run, start } from '../support/machine-fixtures';

const machine = machineFor(VERSION);

/** `received`, `handling.verified`, `resolved.delivered`, ...: a state value as a dotted leaf path. */
function leafOf(value: PetitionSnapshot['value']): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] as unknown as [string, PetitionSnapshot['value']];
  return `${key}.${leafOf(child)}`;
}

/** Every atomic or final state node of the machine definition, as dotted paths. */
function leafNodes(node: AnyStateNode): string[] {
  const children = Object.values(node.states) as AnyStateNode[];
  if (children.length === 0) return [node.path.join('.')];
  return children.flatMap(leafNodes);
}

/**
 * A vertex of the traversal: the leaf state, the review stage and the event that
 * led there, so every event the machine takes from a vertex ends some path, even
 * one that changes nothing else (a reminder, a leader named). The key is coarse
 * on purpose: merging snapshots can only hide paths, never invent them, and every
 * path below is replayed from startCase. (The exhaustive exploration is in
 * petition-machine.table.test.ts.)
 */
function pathKey(snapshot: PetitionSnapshot, event: PetitionEvent | undefined): string {
  const { reviewStage, reviewPending } = snapshot.context;
  return JSON.stringify([snapshot.value, reviewStage, reviewPending, event?.type ?? 'start']);
}

const paths: Array<StatePath<PetitionSnapshot, PetitionEvent>> = getShortestPaths(machine, {
  input: { id: CASE_ID, intake: INTAKE, at: AT },
  events: (snapshot) => eventsFor(snapshot, 'permitted'),
  filterEvents: (snapshot, event) => snapshot.can(event),
  serializeState: pathKey,
});

/** The events of a path, without XState's synthetic init step. */
const eventsOf = (path: StatePath<PetitionSnapshot, PetitionEvent>): PetitionEvent[] =>
  path.steps.map((s) => s.event).filter((e) => (e.type as string) !== 'xstate.init');

describe('reachability (xstate/graph shortest paths)', () => {
  test('the traversal finds paths', () => {
    expect(paths.length).toBeGreaterThan(STATE_NAMES.length);
  });

  test('the reached state names are exactly STATE_NAMES', () => {
    const reached = new Set(paths.map((p) => stateName(p.state)));
    expect([...reached].sort()).toEqual([...STATE_NAMES].sort());
  });

  test('every leaf state value of the machine is reached', () => {
    const leaves = leafNodes(machine.root);
    expect(leaves).toEqual(
      expect.arrayContaining(['received', 'handling.verified', 'resolved.awaitingDelivery', 'resolved.delivered', 'closed']),
    );
    const reached = new Set(paths.map((p) => leafOf(p.state.value)));
    expect([...reached].sort()).toEqual([...leaves].sort());
  });

  test('every event type appears on some path', () => {
    const seen = new Set(paths.flatMap((p) => eventsOf(p).map((e) => e.type)));
    expect(EVENT_TYPES.filter((type) => !seen.has(type))).toEqual([]);
  });

  test('every step is sent by a role the matrix permits in the state it leaves', () => {
    const offending = new Set<string>();
    for (const path of paths) {
      path.steps.forEach((s, i) => {
        const from = path.steps[i - 1]?.state;
        if (from !== undefined && !isPermitted(PERMISSIONS, s.event.type, stateName(from), s.event.actor.role)) {
          offending.add(`${s.event.type} by ${s.event.actor.role} in ${stateName(from)}`);
        }
      });
    }
    expect([...offending]).toEqual([]);
  });

  test('every path replays from startCase, each step accepted, to the state it claims', () => {
    for (const path of paths) {
      const replayed = run(start(), eventsOf(path)); // `run` fails on any refused step
      expect(replayed.value).toEqual(path.state.value);
      expect(replayed.context.reviewStage).toBe(path.state.context.reviewStage);
    }
  });

  test('the shortest routes to the final states', () => {
    const shortest = (predicate: (s: PetitionSnapshot) => boolean) =>
      eventsOf(paths.filter((p) => predicate(p.state)).sort((a, b) => a.weight - b.weight)[0]!).map((e) => e.type);
    expect(shortest((s) => stateName(s) === 'rejected')).toEqual(['REJECT']);
    expect(shortest((s) => s.context.closure === 'merged')).toEqual(['MERGE']);
    // A lapsed review window: decided, delivered, then the breach.
    expect(shortest((s) => s.context.closure === 'window-lapsed').slice(-3)).toEqual(['RESOLVE', 'DELIVER', 'DEADLINE_BREACHED']);
    // 终结 after 复核: nothing shorter than the whole review chain leads there.
    const final = shortest((s) => s.context.closure === 'final');
    expect(final.filter((type) => type === 'REQUEST_REVIEW' || type === 'DELIVER')).toEqual([
      'DELIVER',
      'REQUEST_REVIEW',
      'DELIVER',
      'REQUEST_REVIEW',
      'DELIVER',
    ]);
    expect(final.at(-1)).toBe('DELIVER');
  });
});
