/**
 * Reachability of machine version 3 with xstate/graph: every state, every
 * closure and every event type lies on a shortest path from a new case, taken
 * with fully formed events whose role and relation the permission table
 * permits. Each path is replayed step by step to prove it real.
 */
import type { StatePath } from 'xstate/graph';
import type { V3Event } from '../../machines/versions/v3/v3.context';
import { stateNameV3, type V3Snapshot } from '../../machines/versions/v3/v3.machine';
import { isPermittedV3 } from '../../machines/versions/v3/v3.permissions';
import { V3_EVENT_TYPES } from '../../machines/versions/v3/v3.schemas';
import { V3_CLOSURES, V3_STATES } from '../../machines/versions/v3/v3.vocabulary';
import { send, shortestPaths, start } from '../support/machine-v3-fixtures';

const paths = shortestPaths('complaint');

/** The events of a path, without XState's synthetic init step. */
const eventsOf = (path: StatePath<V3Snapshot, V3Event>): V3Event[] =>
  path.steps.map((s) => s.event).filter((e) => (e.type as string) !== 'xstate.init');

const shortest = (predicate: (s: V3Snapshot) => boolean): string[] => {
  const found = paths.filter((p) => predicate(p.state)).sort((a, b) => a.weight - b.weight)[0];
  if (found === undefined) throw new Error('no path');
  return eventsOf(found).map((e) => e.type);
};

describe('machine v3 reachability (xstate/graph shortest paths)', () => {
  test('every state is reached', () => {
    const reached = new Set(paths.map((p) => stateNameV3(p.state)));
    expect([...reached].sort()).toEqual([...V3_STATES].sort());
  });

  test('every closure is reached', () => {
    const closures = new Set(paths.map((p) => p.state.context.closure).filter((c) => c !== null));
    expect([...closures].sort()).toEqual([...V3_CLOSURES].sort());
  });

  test('every event type appears on some path', () => {
    const seen = new Set(paths.flatMap((p) => eventsOf(p).map((e) => e.type)));
    expect(V3_EVENT_TYPES.filter((type) => !seen.has(type))).toEqual([]);
  });

  test('every step is sent by a role and relation the table permits in the state it leaves', () => {
    const offending = new Set<string>();
    for (const path of paths) {
      path.steps.forEach((s, i) => {
        const from = path.steps[i - 1]?.state;
        if (from !== undefined && !isPermittedV3(s.event.type, stateNameV3(from), s.event.actor.role, s.event.relations)) {
          offending.add(`${s.event.type} by ${s.event.actor.role} in ${stateNameV3(from)}`);
        }
      });
    }
    expect([...offending]).toEqual([]);
  });

  test('every path replays from the start, each step accepted, to the state it claims', () => {
    for (const path of paths) {
      const replayed = eventsOf(path).reduce(send, start());
      expect(replayed.value).toEqual(path.state.value);
      expect(replayed.context.closure).toBe(path.state.context.closure);
    }
  });

  test('the shortest routes to each closure', () => {
    expect(shortest((s) => s.context.closure === 'rejected')).toEqual(['REJECT']);
    expect(shortest((s) => s.context.closure === 'referred')).toEqual(['REFER']);
    expect(shortest((s) => s.context.closure === 'merged')).toEqual(['MERGE']);
    expect(shortest((s) => s.context.closure === 'withdrawn')).toEqual(['WITHDRAW']);
    expect(shortest((s) => s.context.closure === 'routed')).toEqual(['TRANSFER', 'ROUTE']);
    expect(shortest((s) => s.context.closure === 'concluded')).toEqual(['TRANSFER', 'ACCEPT', 'RESOLVE', 'DELIVER', 'DEADLINE_BREACHED']);
    expect(shortest((s) => s.context.closure === 'final')).toEqual([
      'TRANSFER',
      'ACCEPT',
      'RESOLVE',
      'DELIVER',
      'REQUEST_REVIEW',
      'RESOLVE',
      'DELIVER',
      'REQUEST_REVIEW',
      'RESOLVE',
      'DELIVER',
    ]);
  });

  test('a suggestion reaches its answer with an adoption outcome, and is never routed', () => {
    const suggestionPaths = shortestPaths('suggestion');
    const answered = suggestionPaths.filter((p) => stateNameV3(p.state) === 'answered');
    expect(answered.length).toBeGreaterThan(0);
    for (const p of answered)
      expect(['adopted', 'partly-adopted', 'not-adopted', 'mediation-agreement']).toContain(p.state.context.resolutions.at(-1)?.outcome);
    expect(suggestionPaths.some((p) => p.state.context.closure === 'routed')).toBe(false);
  });
});
