import { initialTransition, transition, type SnapshotFrom } from 'xstate';
import { lifecycleCaseUnits } from './case-units';
import type { PetitionContext, PetitionEvent, PetitionInput } from './petition.machine';
import type { PermissionTable } from './petition.permissions';
import { STATE_NAMES, type StateName } from './petition.vocabulary';
import { MACHINE_VERSION_1, PERMISSIONS_V1, petitionMachineV1 } from './versions/v1';
import { MACHINE_VERSION_2, PERMISSIONS_V2, petitionMachineV2 } from './versions/v2';

export type PetitionMachine = typeof petitionMachineV1;
export type PetitionSnapshot = SnapshotFrom<PetitionMachine>;

/** One released lifecycle: its machine, its permission table and the units its cases pass through. */
export interface MachineVersion {
  readonly machine: PetitionMachine;
  readonly permissions: PermissionTable;
  /** The units a case is passing through in this snapshot (pure; the engine records them in `case_units`). */
  readonly caseUnits: (snapshot: PetitionSnapshot) => string[];
}

/**
 * Every machine version ever released stays here, so that a case replays and
 * continues under the rules it was recorded with. A new version is one file
 * in versions/ and one line here.
 */
const VERSIONS: Readonly<Record<number, MachineVersion>> = {
  [MACHINE_VERSION_1]: { machine: petitionMachineV1, permissions: PERMISSIONS_V1, caseUnits: (s) => lifecycleCaseUnits(s.context) },
  [MACHINE_VERSION_2]: { machine: petitionMachineV2, permissions: PERMISSIONS_V2, caseUnits: (s) => lifecycleCaseUnits(s.context) },
};

/** The numbers of every registered version, oldest first. */
export const MACHINE_VERSIONS: readonly number[] = Object.keys(VERSIONS).map(Number);

/**
 * The newest registered version: the policy's default `machineVersion`, the
 * one new cases start under unless the policy holds them on an older one.
 */
export const CURRENT_MACHINE_VERSION: number = Math.max(...MACHINE_VERSIONS);

function versionOf(version: number): MachineVersion {
  const found = VERSIONS[version];
  if (found === undefined) throw new RangeError(`unknown machine version ${version}`);
  return found;
}

/** What is stored of a snapshot: the state value, the context and the status. */
export interface StoredSnapshot {
  readonly value: unknown;
  readonly context: PetitionContext;
  readonly status: 'active' | 'done';
}

/** The machine of a recorded version. */
export function machineFor(version: number): PetitionMachine {
  return versionOf(version).machine;
}

/** The permission table of a recorded version. */
export function permissionsFor(version: number): PermissionTable {
  return versionOf(version).permissions;
}

/**
 * The units a case passes through in `snapshot`, by the rules of its version
 * (see {@link MachineVersion.caseUnits}): a case is visible in the subtree of
 * every unit it has passed through.
 */
export function caseUnitsOf(version: number, snapshot: PetitionSnapshot): string[] {
  return versionOf(version).caseUnits(snapshot);
}

/** Whether a machine version is known to this build. */
export function isKnownVersion(version: number): boolean {
  return version in VERSIONS;
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

/** The user-facing state name of a snapshot (the leaf of the lifecycle's state tree). */
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
