import type { Kysely, Selectable } from 'kysely';
import { unitSubtreePrefix } from '../machines/unit-tree';
import type { Database, UsersTable } from './schema';

/** An account as stored (the password hash included: only the account services read it). */
export interface UserRecord {
  readonly id: string;
  readonly displayName: string;
  readonly role: string;
  readonly unit: string;
  readonly passwordHash: string;
  readonly disabled: boolean;
  readonly failedAttempts: number;
  readonly lockedUntil: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The columns an update may set. */
export interface UserChanges {
  readonly displayName?: string;
  readonly role?: string;
  readonly unit?: string;
  readonly passwordHash?: string;
  readonly disabled?: boolean;
  readonly failedAttempts?: number;
  readonly lockedUntil?: Date | null;
}

function toRecord(r: Selectable<UsersTable>): UserRecord {
  return {
    id: r.id,
    displayName: r.display_name,
    role: r.role,
    unit: r.unit,
    passwordHash: r.password_hash,
    disabled: r.disabled,
    failedAttempts: r.failed_attempts,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** One account by sign-in name. */
export async function findUser(db: Kysely<Database>, id: string): Promise<UserRecord | undefined> {
  const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** Inserts an account; false when the name is taken. */
export async function insertUser(
  db: Kysely<Database>,
  u: Omit<UserRecord, 'disabled' | 'failedAttempts' | 'lockedUntil'>,
): Promise<boolean> {
  const result = await db
    .insertInto('users')
    .values({
      id: u.id,
      display_name: u.displayName,
      role: u.role,
      unit: u.unit,
      password_hash: u.passwordHash,
      created_at: u.createdAt,
      updated_at: u.updatedAt,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return result !== undefined;
}

/** Sets the given columns (and `updated_at`) of an account. */
export async function updateUser(db: Kysely<Database>, id: string, changes: UserChanges, at: Date): Promise<void> {
  await db
    .updateTable('users')
    .set({
      ...(changes.displayName !== undefined && { display_name: changes.displayName }),
      ...(changes.role !== undefined && { role: changes.role }),
      ...(changes.unit !== undefined && { unit: changes.unit }),
      ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
      ...(changes.disabled !== undefined && { disabled: changes.disabled }),
      ...(changes.failedAttempts !== undefined && { failed_attempts: changes.failedAttempts }),
      ...(changes.lockedUntil !== undefined && { locked_until: changes.lockedUntil }),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
}

/**
 * Counts one failed sign-in in one statement (so concurrent failures all
 * count) and locks the account once `maxFailures` is reached, starting the
 * count again. Resolves to the lock's end when this failure locked it.
 */
export async function recordFailedSignIn(
  db: Kysely<Database>,
  id: string,
  maxFailures: number,
  lockUntil: Date,
  at: Date,
): Promise<Date | null> {
  const row = await db
    .updateTable('users')
    .set((eb) => ({
      failed_attempts: eb
        .case()
        .when('failed_attempts', '>=', maxFailures - 1)
        .then(0)
        .else(eb('failed_attempts', '+', 1))
        .end(),
      locked_until: eb
        .case()
        .when('failed_attempts', '>=', maxFailures - 1)
        .then(lockUntil)
        .else(eb.ref('locked_until'))
        .end(),
      updated_at: at,
    }))
    .where('id', '=', id)
    .returning(['locked_until', 'failed_attempts'])
    .executeTakeFirst();
  return row !== undefined && row.failed_attempts === 0 ? row.locked_until : null;
}

/** Filters of {@link listUsers}. */
export interface UserFilter {
  /** Only users whose unit lies in this unit's subtree. */
  readonly scopeUnit: string;
  /** Only users of exactly this unit. */
  readonly unit?: string | undefined;
  readonly role?: string | undefined;
  readonly includeDisabled: boolean;
}

/** Accounts in a subtree, by unit then name. */
export async function listUsers(db: Kysely<Database>, f: UserFilter): Promise<UserRecord[]> {
  let q = db
    .selectFrom('users')
    .selectAll()
    .where('unit', 'like', `${unitSubtreePrefix(f.scopeUnit)}%`);
  if (f.unit !== undefined) q = q.where('unit', '=', f.unit);
  if (f.role !== undefined) q = q.where('role', '=', f.role);
  if (!f.includeDisabled) q = q.where('disabled', '=', false);
  const rows = await q.orderBy('unit').orderBy('id').limit(5000).execute();
  return rows.map(toRecord);
}

/** The name of a unit, when the unit tree holds it. */
export async function unitNameOf(db: Kysely<Database>, code: string): Promise<string | null> {
  const row = await db.selectFrom('units').select('name').where('code', '=', code).executeTakeFirst();
  return row?.name ?? null;
}

/** The display names of the given accounts that exist, by sign-in name (disabled ones too: they still signed acts). */
export async function displayNamesOf(db: Kysely<Database>, ids: readonly string[]): Promise<Record<string, string>> {
  if (ids.length === 0) return {};
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...ids])
    .execute();
  return Object.fromEntries(rows.map((r) => [r.id, r.display_name]));
}
