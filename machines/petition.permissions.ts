import type { EventType } from './petition.schemas';
import { ACTIVE_STATES, type Role, type StateName } from './petition.vocabulary';

/** A state of the lifecycle, or `*` for every active state. */
export type StateKey = StateName | '*';

/** One event's row of a permission table: state → the roles that may send it there. */
export type PermissionRow = Readonly<Partial<Record<StateKey, readonly Role[]>>>;

/**
 * A machine version's permission table: event × state → roles. Each version
 * has its own (versions/vN.ts); its machine's `permitted` guard reads it. An
 * event or a pair missing here is refused, whatever the role.
 */
export type PermissionTable = Readonly<Partial<Record<EventType, PermissionRow>>>;

/** Whether `role` may send `type` while the case is in `state` under `table` (before any state-specific rule). */
export function isPermitted(table: PermissionTable, type: EventType, state: StateKey, role: Role): boolean {
  const row = table[type];
  if (row === undefined) return false;
  const roles = state === '*' ? row['*'] : (row[state] ?? ((ACTIVE_STATES as readonly string[]).includes(state) ? row['*'] : undefined));
  return roles?.includes(role) ?? false;
}

/** Whether `table` lets `role` send `type` in some state. */
export function roleSendsIn(table: PermissionTable, type: EventType, role: Role): boolean {
  return Object.values(table[type] ?? {}).some((roles) => roles?.includes(role));
}
