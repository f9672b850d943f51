import { firstSnapshot, nextSnapshot } from './pure-transition';
import type { MachineAdapter } from './machine-adapter';
import type { PetitionEvent, PetitionInput } from './petition.machine';
import type { PermissionTable } from './petition.permissions';
import type { StateName } from './petition.vocabulary';
import { legacyAdapter, legacyStateName, sendsInAny, type LegacyMachine, type LegacySnapshot } from './versions/legacy.adapter';
import { MACHINE_VERSION_1, PERMISSIONS_V1, petitionMachineV1 } from './versions/v1';
import { MACHINE_VERSION_2, PERMISSIONS_V2, petitionMachineV2 } from './versions/v2';
import { v3Adapter } from './versions/v3/v3.adapter';
import { MACHINE_VERSION_3 } from './versions/v3/v3.machine';

export type { CaseSnapshot, MachineAdapter, StoredSnapshot } from './machine-adapter';

/** The newest machine version: new cases start under it unless the policy holds a bureau on an older one. */
export const LATEST_MACHINE_VERSION = MACHINE_VERSION_3;

/** The machine of versions 1 and 2 (they share their context and events). */
export type PetitionMachine = LegacyMachine;
/** A snapshot of a version 1 or 2 case. */
export type PetitionSnapshot = LegacySnapshot;

/** One legacy lifecycle (v1, v2): its machine and its permission table. */
interface LegacyVersion {
  readonly machine: PetitionMachine;
  readonly permissions: PermissionTable;
}

const LEGACY: Readonly<Record<number, LegacyVersion>> = {
  [MACHINE_VERSION_1]: { machine: petitionMachineV1, permissions: PERMISSIONS_V1 },
  [MACHINE_VERSION_2]: { machine: petitionMachineV2, permissions: PERMISSIONS_V2 },
};
const legacySends = sendsInAny(Object.values(LEGACY).map((v) => v.permissions));

/**
 * Every machine version ever released, one adapter each, so that a case
 * replays and continues under the rules it was recorded with. A new version
 * is one adapter in versions/ and one line here.
 */
const ADAPTERS: Readonly<Record<number, MachineAdapter>> = {
  [MACHINE_VERSION_1]: legacyAdapter(MACHINE_VERSION_1, petitionMachineV1, legacySends),
  [MACHINE_VERSION_2]: legacyAdapter(MACHINE_VERSION_2, petitionMachineV2, legacySends),
  [MACHINE_VERSION_3]: v3Adapter,
};

/** The numbers of every registered version, oldest first. */
export const MACHINE_VERSIONS: readonly number[] = Object.keys(ADAPTERS).map(Number);

/**
 * The newest registered version: the policy's default `machineVersion`, the
 * one new cases start under unless the policy holds them on an older one.
 */
export const CURRENT_MACHINE_VERSION: number = Math.max(...MACHINE_VERSIONS);

/** Whether a machine version is known to this build. */
export function isKnownVersion(version: number): boolean {
  return version in ADAPTERS;
}

/** The adapter of a recorded version; an unknown version is a bug or a newer build's case. */
export function adapterFor(version: number): MachineAdapter {
  const found = ADAPTERS[version];
  if (found === undefined) throw new RangeError(`unknown machine version ${version}`);
  return found;
}

function legacyOf(version: number): LegacyVersion {
  const found = LEGACY[version];
  if (found === undefined) throw new RangeError(`machine version ${version} is not a v1/v2 lifecycle`);
  return found;
}

/** The machine of a v1/v2 version (tests and tools that read the v1/v2 state tree). */
export function machineFor(version: number): PetitionMachine {
  return legacyOf(version).machine;
}

/** The permission table of a v1/v2 version (version 3 has its own, `V3_PERMISSIONS`). */
export function permissionsFor(version: number): PermissionTable {
  return legacyOf(version).permissions;
}

/** The v1/v2 versions, oldest first. */
export const LEGACY_VERSIONS: readonly number[] = Object.keys(LEGACY).map(Number);

/** The first snapshot of a v1/v2 case (pure). */
export function startCase(version: number, input: PetitionInput): PetitionSnapshot {
  return firstSnapshot(machineFor(version), input);
}

/** The snapshot of a v1/v2 case after one event (pure). */
export function step(version: number, snapshot: PetitionSnapshot, event: PetitionEvent): PetitionSnapshot {
  return nextSnapshot(machineFor(version), snapshot, event);
}

/** The user-facing state name of a v1/v2 snapshot. */
export function stateName(snapshot: PetitionSnapshot): StateName {
  return legacyStateName(snapshot);
}

/** A stored v1/v2 snapshot brought back to life. */
export function restore(version: number, stored: { value: unknown; context: unknown }): PetitionSnapshot {
  return adapterFor(version).restore({ ...stored, status: 'active' }) as unknown as PetitionSnapshot;
}

/** What is stored of a snapshot (any version). */
export function toStored(snapshot: { value: unknown; context: unknown; status: string }) {
  return { value: snapshot.value, context: snapshot.context, status: snapshot.status === 'done' ? ('done' as const) : ('active' as const) };
}
