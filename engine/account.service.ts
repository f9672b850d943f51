/**
 * User accounts: who may sign in, as which role and in which unit. An
 * administrator (`users.admin`) manages the accounts of their own unit's
 * subtree; the CLI (`petitionflow users …`), run by whoever operates the
 * server, manages every account. Every other role may list the names and
 * roles of the users in its subtree, which is what the console's pickers
 * need (the handlers and leaders of a unit), and nothing else about them.
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import * as users from '../db/user.repository';
import { revokeAllSessions } from '../db/session.repository';
import type { Database } from '../db/schema';
import { divisionCodeSchema, type Actor } from '../machines/petition.roles';
import { HUMAN_ROLES, type HumanRole } from '../machines/petition.vocabulary';
import { inSubtree } from '../machines/unit-tree';
import { mayUse, requireCapability, requireUnitInScope } from './access';
import { NotFoundError, ValidationError } from './errors';
import { hashPassword } from './password-hash';

/** A sign-in name: lower-case letters, digits and `.` `_` `@` `-`, as scripts and the trail name actors. */
export const signInNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, '2 to 64 lower-case letters, digits and . _ @ -, starting with a letter or digit');

/** A password: long enough to resist guessing within the lockout, short enough to hash quickly. */
export const passwordSchema = z.string().min(10, 'at least 10 characters').max(256, 'at most 256 characters');

const displayNameSchema = z.string().trim().min(1).max(64);

/** What creating an account takes. */
export const newUserSchema = z.object({
  id: signInNameSchema,
  displayName: displayNameSchema,
  role: z.enum(HUMAN_ROLES),
  unit: divisionCodeSchema,
  password: passwordSchema,
});
export type NewUser = z.infer<typeof newUserSchema>;

/** What an administrator may change; `password` resets it (and ends the user's sessions). */
export const userPatchSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    role: z.enum(HUMAN_ROLES).optional(),
    unit: divisionCodeSchema.optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .strict();
export type UserPatch = z.infer<typeof userPatchSchema>;

/** An account as administrators see it (never the hash). */
export interface UserProfile {
  readonly id: string;
  readonly displayName: string;
  readonly role: HumanRole;
  readonly unit: string;
  readonly disabled: boolean;
  /** When a lockout after failed sign-ins ends, if one is running. */
  readonly lockedUntil: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** What every role sees of a colleague: enough to pick them as handler or leader. */
export interface DirectoryEntry {
  readonly id: string;
  readonly displayName: string;
  readonly role: HumanRole;
  readonly unit: string;
}

/** Filters of a user list. */
export interface UserQuery {
  readonly unit?: string | undefined;
  readonly role?: HumanRole | undefined;
}

/** Who manages accounts: an actor (an administrator, scoped to their subtree) or the operator at the CLI (unscoped). */
export type AccountManager = Actor | 'operator';

/** The account operations of the API and the CLI. */
export interface AccountService {
  create(input: NewUser, by: AccountManager): Promise<UserProfile>;
  update(id: string, patch: UserPatch, by: AccountManager): Promise<UserProfile>;
  /** Administrators and the operator: full profiles. */
  list(q: UserQuery & { readonly includeDisabled?: boolean }, by: AccountManager): Promise<UserProfile[]>;
  /** Any role: names and roles of the enabled users in its own subtree. */
  directory(q: UserQuery, viewer: Actor): Promise<DirectoryEntry[]>;
  /** Whether the account `id` exists and is disabled (a bearer token naming it is then refused). */
  isDisabled(id: string): Promise<boolean>;
  /** The profile of a signed-in actor, with their unit's name when the tree holds it. */
  whoIs(actor: Actor): Promise<DirectoryEntry & { readonly unitName: string | null }>;
}

function profileOf(u: users.UserRecord, now: Date): UserProfile {
  return {
    id: u.id,
    displayName: u.displayName,
    role: u.role as HumanRole,
    unit: u.unit,
    disabled: u.disabled,
    lockedUntil: u.lockedUntil !== null && u.lockedUntil > now ? u.lockedUntil.toISOString() : null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

/** The subtree `by` manages (undefined: all of them); throws FORBIDDEN for a role that manages none. */
function managedScope(by: AccountManager): string | undefined {
  if (by === 'operator') return undefined;
  requireCapability(by, 'users.admin');
  return by.unit;
}

function requireManageable(unit: string, scope: string | undefined): void {
  if (scope !== undefined) requireUnitInScope(unit, { unit: scope });
}

/** Creates the account service over the database. */
export function createAccountService(db: Kysely<Database>, now: () => Date = () => new Date()): AccountService {
  /** An account `by` manages, or NOT_FOUND (one outside the subtree is not told apart from none). */
  async function managed(id: string, scope: string | undefined): Promise<users.UserRecord> {
    const u = await users.findUser(db, id);
    if (u === undefined || (scope !== undefined && !inSubtree(u.unit, scope))) throw new NotFoundError('user');
    return u;
  }

  return {
    async create(input, by) {
      const scope = managedScope(by);
      requireManageable(input.unit, scope);
      const at = now();
      const inserted = await users.insertUser(db, {
        id: input.id,
        displayName: input.displayName,
        role: input.role,
        unit: input.unit,
        passwordHash: await hashPassword(input.password),
        createdAt: at,
        updatedAt: at,
      });
      if (!inserted)
        throw new ValidationError('sign-in name taken', [{ path: ['id'], message: 'an account with this sign-in name exists' }]);
      return profileOf((await users.findUser(db, input.id)) as users.UserRecord, at);
    },

    async update(id, patch, by) {
      const scope = managedScope(by);
      const current = await managed(id, scope);
      if (patch.unit !== undefined) requireManageable(patch.unit, scope);
      if (by !== 'operator' && by.id === id && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'))) {
        // An administrator locking themselves out would leave the subtree with nobody to undo it.
        throw new ValidationError('cannot disable or demote yourself', [
          { path: [patch.disabled === true ? 'disabled' : 'role'], message: 'ask another administrator' },
        ]);
      }
      const at = now();
      const { password, ...rest } = patch;
      const reset = password === undefined ? {} : { passwordHash: await hashPassword(password), failedAttempts: 0, lockedUntil: null };
      // Enabling an account also lifts a running lockout: the administrator has spoken to the user.
      const unlock = patch.disabled === false ? { failedAttempts: 0, lockedUntil: null } : {};
      await users.updateUser(db, current.id, { ...rest, ...unlock, ...reset }, at);
      if (password !== undefined || patch.disabled === true) await revokeAllSessions(db, current.id, at);
      return profileOf((await users.findUser(db, current.id)) as users.UserRecord, at);
    },

    async list(q, by) {
      const scope = managedScope(by) ?? '';
      const rows = await users.listUsers(db, { scopeUnit: scope, unit: q.unit, role: q.role, includeDisabled: q.includeDisabled ?? true });
      const at = now();
      return rows.map((u) => profileOf(u, at));
    },

    async directory(q, viewer) {
      requireCapability(viewer, 'users.directory');
      const rows = await users.listUsers(db, { scopeUnit: viewer.unit, unit: q.unit, role: q.role, includeDisabled: false });
      return rows.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role as HumanRole, unit: u.unit }));
    },

    async isDisabled(id) {
      return (await users.findUser(db, id))?.disabled === true;
    },

    async whoIs(actor) {
      const u = await users.findUser(db, actor.id);
      const displayName = u !== undefined && u.role === actor.role && u.unit === actor.unit ? u.displayName : actor.id;
      return {
        id: actor.id,
        displayName,
        role: actor.role as HumanRole,
        unit: actor.unit,
        unitName: await users.unitNameOf(db, actor.unit),
      };
    },
  };
}

/** Whether an actor administers accounts (the API answers them full profiles rather than the directory). */
export function administersAccounts(actor: Actor): boolean {
  return mayUse(actor.role, 'users.admin');
}
