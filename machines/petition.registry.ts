import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { clockNameSchema, type Role, STATE_NAMES, type StateName } from './petition.vocabulary';
import {
  petitionMachineV1,
  petitionMachineV2,
  MACHINE_VERSION_1,
  MACHINE_VERSION_2,
  type PetitionContext,
  type PetitionEvent,
  type PetitionInput,
} from './petition.machine';
import type { Actor } from './petition.roles';
import { COMMAND_TYPES, type CommandType } from './petition.schemas';

/** The machine new cases start under. */
export const CURRENT_MACHINE_VERSION = MACHINE_VERSION_2;

/**
 * Every machine version ever released stays here, so that a case replays and
 * continues under the rules it was recorded with.
 */
const MACHINES = { [MACHINE_VERSION_1]: petitionMachineV1, [MACHINE_VERSION_2]: petitionMachineV2 } as const;
export type PetitionMachine = typeof petitionMachineV1;
export type PetitionSnapshot = SnapshotFrom<PetitionMachine>;

/** What is stored of a snapshot: the state value, the context and the status. */
export interface StoredSnapshot {
  readonly value: unknown;
  readonly context: PetitionContext;
  readonly status: 'active' | 'done';
}

/** The machine of a recorded version. */
export function machineFor(version: number): PetitionMachine {
  const machine = (MACHINES as Record<number, PetitionMachine | undefined>)[version];
  if (machine === undefined) throw new RangeError(`unknown machine version ${version}`);
  return machine;
}

/** Whether a machine version is known to this build. */
export function isKnownVersion(version: number): boolean {
  return version in MACHINES;
}

/** The first snapshot of a case, from its intake (pure). */
export function startCase(version: number, input: PetitionInput): PetitionSnapshot {
  return initialTransition(machineFor(version), input)[0];
}

/** The snapshot after one event (pure: actions are returned by XState, never run). */
export function step(version: number, snapshot: PetitionSnapshot, event: PetitionEvent): PetitionSnapshot {
  return transition(machineFor(version), snapshot, event)[0];
}

/** A stored snapshot brought back to life for `transition()`. */
export function restore(version: number, stored: StoredSnapshot): PetitionSnapshot {
  return machineFor(version).resolveState({ value: stored.value as never, context: stored.context });
}

/** The part of a snapshot that is stored and compared by replay. */
export function toStored(snapshot: PetitionSnapshot): StoredSnapshot {
  return { value: snapshot.value, context: snapshot.context, status: snapshot.status === 'done' ? 'done' : 'active' };
}

/** The user-facing state name of a snapshot (the leaf of DOMAIN.md's lifecycle). */
export function stateName(snapshot: PetitionSnapshot): StateName {
  const value = snapshot.value;
  const top = typeof value === 'string' ? value : Object.keys(value)[0];
  if (top === 'handling') {
    const leaf = (value as { handling: string }).handling;
    return leaf as StateName;
  }
  if ((STATE_NAMES as readonly string[]).includes(top ?? '')) return top as StateName;
  throw new RangeError(`unexpected state value ${JSON.stringify(value)}`);
}

/**
 * The commands `role` may send now: those the machine would take, guards
 * included. Probes carry no fields, so guards only read the role and context;
 * clock commands are probed per clock.
 */
export function allowedEvents(snapshot: PetitionSnapshot, role: Role, at: string): CommandType[] {
  if (snapshot.status !== 'active') return [];
  const actor: Actor = { id: 'probe', role, unit: snapshot.context.unit };
  return COMMAND_TYPES.filter((type) => {
    if (type === 'PAUSE_CLOCK' || type === 'RESUME_CLOCK') {
      return clockNameSchema.options.some((clock) => snapshot.can({ type, clock, actor, at }));
    }
    return snapshot.can({ type, actor, at } as PetitionEvent);
  });
}
