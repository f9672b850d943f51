import type { FastifyInstance } from 'fastify';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { signToken } from '../../api/auth';
import { buildServer } from '../../api/server';
import { createAuditService } from '../../engine/audit.service';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { HumanRole } from '../../machines/petition.roles';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_SECRET = 'test-secret-with-at-least-32-characters!';

/** An API server over a private database, driven through `inject` (no sockets). */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly tdb: TestDatabase;
  token(role: HumanRole, unit?: string, user?: string): Promise<string>;
  close(): Promise<void>;
}

/** Builds the real server (engine, audit, routes) over a fresh database. */
export async function createTestServer(label: string, now?: () => Date): Promise<TestServer> {
  const tdb = await createTestDatabase(label);
  const engine = createPetitionEngine({ db: tdb.db, policy: DEFAULT_POLICY, calendar: createChinaCalendar(), ...(now && { now }) });
  const app = await buildServer({
    engine,
    audit: createAuditService(tdb.db),
    db: tdb.db,
    authSecret: TEST_SECRET,
    logger: false,
    readiness: async () => ({ database: true }),
    ...(now && { now }),
  });
  await app.ready();
  return {
    app,
    tdb,
    token: (role, unit = '411621', user = `${role}-1`) => signToken(TEST_SECRET, { sub: user, role, unit }),
    async close() {
      await app.close();
      await tdb.drop();
    },
  };
}
