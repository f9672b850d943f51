/**
 * XState's pure `transition()` and `initialTransition()` without their cost
 * per call: each call builds a fresh actor only to lend its scope to the
 * machine, and building an actor computes the machine's initial snapshot
 * (its whole initial context) every time. Here each machine gets that inert
 * scope once and keeps it. Nothing is started, sent or run: the scope's
 * action executor drops the actions (the engine's machines only assign), as
 * the returned actions of `transition()` were dropped before. The machines
 * invoke and spawn nothing, so no child registers in the scope's system.
 */
import { createActor, type AnyStateMachine, type EventFromLogic, type InputFrom, type SnapshotFrom } from 'xstate';

/** The scope a machine's own `transition` takes. */
type MachineScope = Parameters<AnyStateMachine['transition']>[2];

const scopes = new WeakMap<AnyStateMachine, MachineScope>();

/** The machine's inert scope, built on first use. */
function scopeOf(machine: AnyStateMachine): MachineScope {
  const known = scopes.get(machine);
  if (known !== undefined) return known;
  const self = createActor(machine);
  const scope: MachineScope = {
    self,
    id: '',
    sessionId: '',
    logger: () => undefined,
    defer: () => undefined,
    emit: () => undefined,
    stopChild: () => undefined,
    system: self.system,
    actionExecutor: () => undefined,
  };
  scopes.set(machine, scope);
  return scope;
}

/** The snapshot after `event` (pure; as `transition(machine, snapshot, event)[0]`). */
export function nextSnapshot<M extends AnyStateMachine>(machine: M, snapshot: SnapshotFrom<M>, event: EventFromLogic<M>): SnapshotFrom<M> {
  return machine.transition(snapshot, event, scopeOf(machine)) as SnapshotFrom<M>;
}

/** The first snapshot from `input` (pure; as `initialTransition(machine, input)[0]`). */
export function firstSnapshot<M extends AnyStateMachine>(machine: M, input: InputFrom<M>): SnapshotFrom<M> {
  return machine.getInitialSnapshot(scopeOf(machine), input) as SnapshotFrom<M>;
}
