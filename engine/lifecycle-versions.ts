import { STATE_NAMES } from '../machines/petition.vocabulary';
import { MACHINE_VERSION_1 } from '../machines/versions/v1';
import { MACHINE_VERSION_2 } from '../machines/versions/v2';
import { machineFor } from '../machines/petition.registry';
import { COMMAND_TYPES, EVENT_TYPES, type CommandType, type EventType } from '../machines/petition.schemas';

/** What one machine version knows: the states a case can be in and the events it takes. */
export interface LifecycleVersion {
  readonly version: number;
  readonly states: readonly [string, ...string[]];
  /** Every event the version takes: the commands people send and the deadline workers' events. */
  readonly events: readonly [EventType, ...EventType[]];
  /** The events people send (the request body of `POST /petitions/{id}/events`, and `allowedEvents`). */
  readonly commands: readonly [CommandType, ...CommandType[]];
}

/** The events a released machine takes, read from the machine itself, so the list cannot drift from its rules. */
function eventsOf(version: number): [EventType, ...EventType[]] {
  const handled = new Set<string>(machineFor(version).events);
  return EVENT_TYPES.filter((type) => handled.has(type)) as [EventType, ...EventType[]];
}

function lifecycle(version: number, states: readonly [string, ...string[]]): LifecycleVersion {
  const events = eventsOf(version);
  const commands = COMMAND_TYPES.filter((type) => events.includes(type)) as [CommandType, ...CommandType[]];
  return { version, states, events, commands };
}

/**
 * Every machine version a case may have been recorded under, as the API describes them (its state and
 * event enums per version). Adding a machine version is one entry here.
 */
export const LIFECYCLE_VERSIONS: readonly [LifecycleVersion, ...LifecycleVersion[]] = [
  lifecycle(MACHINE_VERSION_1, STATE_NAMES),
  lifecycle(MACHINE_VERSION_2, STATE_NAMES),
];

function unique<T extends string>(lists: readonly (readonly T[])[]): [T, ...T[]] {
  return [...new Set(lists.flat())] as [T, ...T[]];
}

/** The states of all versions together: what `state` may hold on any case. */
export const ALL_STATES = unique(LIFECYCLE_VERSIONS.map((v) => v.states));
/** The commands of all versions together: what `allowedEvents` may hold on any case. */
export const ALL_COMMANDS = unique(LIFECYCLE_VERSIONS.map((v) => v.commands));
/** The events of all versions together: what a trail entry's `type` may hold (besides the intake). */
export const ALL_EVENTS = unique(LIFECYCLE_VERSIONS.map((v) => v.events));
