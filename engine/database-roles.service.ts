/**
 * Sets up a PostgreSQL database for two roles (see db/database-roles.ts):
 * migrations run through the owner's URL, then the application role named by
 * the application's own `DATABASE_URL` (or given explicitly) is created if
 * missing and granted exactly what the application needs.
 */
import type { Kysely } from 'kysely';
import { createKysely } from '../db/database';
import { createDatabasePool } from '../db/driver/database-pool';
import { ROLE_NAME, setUpAppRole } from '../db/database-roles';
import { migrateToLatest } from '../db/migrator';
import { ValidationError } from './errors';

/** Inputs of {@link migrateAsOwner}. */
export interface OwnerMigration {
  /** PostgreSQL URL of the owner (or a superuser), which runs the migrations. */
  readonly adminUrl: string;
  /** The application's URL (`DATABASE_URL`): its user and password become the application role's. */
  readonly appUrl?: string | undefined;
  /** The application role's name, overriding the user of `appUrl`. */
  readonly appRole?: string | undefined;
}

function appRoleOf(m: OwnerMigration): { role: string; password: string | undefined } {
  const url = m.appUrl === undefined ? undefined : new URL(m.appUrl);
  const role = m.appRole ?? (url === undefined || url.username === '' ? undefined : decodeURIComponent(url.username));
  if (role === undefined)
    throw new ValidationError('no application role', [
      { path: ['appRole'], message: 'give --app-role or a DATABASE_URL with a user name' },
    ]);
  if (!ROLE_NAME.test(role))
    throw new ValidationError('bad application role', [{ path: ['appRole'], message: 'lower-case letters, digits and _ only' }]);
  const owner = decodeURIComponent(new URL(m.adminUrl).username || 'postgres');
  if (role === owner)
    throw new ValidationError('application role is the owner', [
      { path: ['appRole'], message: 'the application must not connect as the owner' },
    ]);
  const password =
    url !== undefined && decodeURIComponent(url.username) === role && url.password !== '' ? decodeURIComponent(url.password) : undefined;
  return { role, password };
}

/** Migrates through the owner's URL and (re)grants the application role; returns the migrations applied and the role. */
export async function migrateAsOwner(m: OwnerMigration): Promise<{ applied: string[]; appRole: string }> {
  const app = appRoleOf(m);
  const db = createKysely(await createDatabasePool({ databaseUrl: m.adminUrl, dataDir: '.' }));
  try {
    const result = await migrateToLatest(db as Kysely<unknown>);
    await setUpAppRole(db as Kysely<unknown>, app);
    return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), appRole: app.role };
  } finally {
    await db.destroy();
  }
}
