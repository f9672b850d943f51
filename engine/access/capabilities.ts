import { CASE_ROLES, HUMAN_ROLES, type Role } from '../../machines/petition.vocabulary';
import { AccessError } from '../errors';

/** A capability: one entry of {@link CAPABILITIES}, with the roles that hold it and what it lets them do. */
export interface CapabilityRule {
  /** The roles that hold the capability. */
  readonly roles: readonly Role[];
  /** What it lets them do, as the end of "a clerk may not …". */
  readonly action: string;
}

/**
 * The one table of what a role may do besides sending events to cases (those
 * are the machine's permission matrix): capability → roles. Routes, services
 * and the CLI ask {@link requireCapability}; none writes a role list of its own.
 * Statistics join here as rows when they arrive. `admin` holds no case
 * capability: every row that reveals a case lists {@link CASE_ROLES} or fewer.
 */
export const CAPABILITIES = {
  /** Read cases at all (lists, one case, trails, boards): every role that works on cases, never an administrator. */
  'cases.read': { roles: CASE_ROLES, action: 'see cases' },
  /** Record a petition (登记, Art 19): clerks, and supervisors receiving visitors themselves (领导接访). */
  'petitions.intake': { roles: ['clerk', 'supervisor'], action: 'record petitions' },
  /** See the background jobs that failed for good, in one's own units. */
  'incidents.list': { roles: ['supervisor', 'auditor'], action: 'see incidents' },
  /** Retry the job behind an incident: an act on the case's deadlines, so supervisors only. */
  'incidents.retry': { roles: ['supervisor'], action: 'retry incidents' },
  /** The listed-supervision board (挂牌督办 until 挂牌销号). */
  'supervision.board': { roles: ['supervisor', 'leader', 'auditor'], action: 'see the supervision board' },
  /** Walk every hash chain in one's units and name the first broken entry. */
  'audit.verify': { roles: ['auditor', 'supervisor'], action: 'verify the audit trail' },
  /** List the signed checkpoints of the trail. */
  'audit.checkpoints.list': { roles: ['auditor'], action: 'list audit checkpoints' },
  /** Take a signed checkpoint now, or check the newest one against the trail. */
  'audit.checkpoints.take': { roles: ['auditor', 'supervisor'], action: 'take or verify audit checkpoints' },
  /** Rebuild a visible case from its trail alone: anyone who may read the case. */
  'audit.replay': { roles: CASE_ROLES, action: 'replay a case' },
  /** Download a visible case's trail as CSV: anyone who may read the case. */
  'audit.history-csv': { roles: CASE_ROLES, action: 'download a trail as CSV' },
  /** Counts, rates, 零访 / 四无 lists and the weekly and annual reports of one's units (Arts 39, 41). */
  'statistics.read': { roles: ['supervisor', 'leader', 'auditor'], action: 'read statistics' },
  /** Create accounts, change their role, unit or password, disable them: administrators, in their own unit's subtree. */
  'users.admin': { roles: ['admin'], action: 'administer user accounts' },
  /** See the names and roles of the users in units within one's reach (the pickers for handlers and leaders). */
  'users.directory': { roles: HUMAN_ROLES, action: 'list users' },
  /** Read the unit tree (names, kinds, review bodies): no personal data, so every person, for any subtree. */
  'units.read': { roles: HUMAN_ROLES, action: 'read the unit tree' },
  /** Search people (一人一档) and see a case's related matters in one's own units; identifiers masked per role. */
  'people.search': { roles: CASE_ROLES, action: 'search people' },
  /** Confirm that a case's petitioner is a person already on file (a weak name-and-address match): the clerk who registers. */
  'people.link': { roles: ['clerk'], action: 'link a case to a person' },
  /** Read the log of unmasked reads of personal data in one's units. */
  'audit.access-log': { roles: ['auditor'], action: 'read the access log' },
} as const satisfies Record<string, CapabilityRule>;

/** A non-event capability (a key of {@link CAPABILITIES}). */
export type Capability = keyof typeof CAPABILITIES;

/** Every capability, in table order (for tests and documentation). */
export const CAPABILITY_NAMES = Object.keys(CAPABILITIES) as Capability[];

/** Whether `role` holds `capability`. */
export function mayUse(role: Role, capability: Capability): boolean {
  return (CAPABILITIES[capability].roles as readonly Role[]).includes(role);
}

/** "a clerk", "an auditor". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/** "supervisors", "supervisors and auditors", "supervisors, leaders and auditors". */
function listOf(roles: readonly Role[]): string {
  const plural = roles.map((r) => `${r}s`);
  return plural.length <= 1 ? (plural[0] ?? 'nobody') : `${plural.slice(0, -1).join(', ')} and ${plural[plural.length - 1] ?? ''}`;
}

/** The refusal message: "an auditor may not retry incidents (supervisors only)". */
export function refusalOf(role: Role, capability: Capability): string {
  const rule: CapabilityRule = CAPABILITIES[capability];
  return `${withArticle(role)} may not ${rule.action} (${listOf(rule.roles)} only)`;
}

/** Throws FORBIDDEN unless the actor's role holds `capability`. */
export function requireCapability(actor: { readonly role: Role }, capability: Capability): void {
  if (!mayUse(actor.role, capability)) throw new AccessError('FORBIDDEN', refusalOf(actor.role, capability));
}
