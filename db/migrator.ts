import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import type { Kysely } from 'kysely';
import * as m0001 from './migrations/0001-initial.migration';
import * as m0002 from './migrations/0002-timers-incidents.migration';
import * as m0003 from './migrations/0003-supervision-idempotency.migration';
import * as m0004 from './migrations/0004-audit-checkpoints.migration';
import * as m0005 from './migrations/0005-idempotency-actor.migration';
import * as m0006 from './migrations/0006-unit-kinds-case-units.migration';
import * as m0008 from './migrations/0008-verify-runs.migration';
import * as m0009 from './migrations/0009-deadline-fire-cursor.migration';
import * as m0011 from './migrations/0011-case-facts.migration';
import * as m0012 from './migrations/0012-users-sessions.migration';
import * as m0013 from './migrations/0013-scale-indexes.migration';
import * as m0014 from './migrations/0014-people.migration';
import * as m0015 from './migrations/0015-attachments.migration';
import * as m0016 from './migrations/0016-compact-trail.migration';
import * as m0017 from './migrations/0017-case-overdue-from.migration';
import * as m0018 from './migrations/0018-case-scope-units.migration';

/**
 * Migrations are imported statically rather than read from a folder, so the
 * same list works from `tsx`, from jest and from the compiled `dist/`.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-timers-incidents': m0002,
  '0003-supervision-idempotency': m0003,
  '0004-audit-checkpoints': m0004,
  '0005-idempotency-actor': m0005,
  '0006-unit-kinds-case-units': m0006,
  '0008-verify-runs': m0008,
  '0009-deadline-fire-cursor': m0009,
  '0011-case-facts': m0011,
  '0012-users-sessions': m0012,
  '0013-scale-indexes': m0013,
  '0014-people': m0014,
  '0015-attachments': m0015,
  '0016-compact-trail': m0016,
  '0017-case-overdue-from': m0017,
  '0018-case-scope-units': m0018,
};

class StaticMigrationProvider implements MigrationProvider {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  }
}

/** A Kysely migrator over petitionflow's migrations. */
export function createMigrator(db: Kysely<unknown>): Migrator {
  return new Migrator({
    db,
    provider: new StaticMigrationProvider(),
    migrationTableName: 'petitionflow_migrations',
    migrationLockTableName: 'petitionflow_migrations_lock',
  });
}

/** Runs every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    const message = result.error instanceof Error ? result.error.message : JSON.stringify(result.error);
    // The least-privilege application role cannot change the schema: say who can.
    const hint =
      (result.error as { code?: unknown }).code === '42501'
        ? ' (the application role cannot migrate: run `petitionflow migrate --admin-url <owner URL>`)'
        : '';
    throw new Error(`migration ${failed} failed: ${message}${hint}`, { cause: result.error });
  }
  return result;
}
