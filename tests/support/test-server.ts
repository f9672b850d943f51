import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { DEFAULT_API_LIMITS, type ApiLimits, type SessionSettings } from '../../config/load-config';
import type { Policy } from '../../config/policy.schema';
import { signToken } from '../../api/auth';
import type { IncidentRetrier } from '../../api/incident.routes';
import { buildServer } from '../../api/server';
import { createAuditCheckpointService } from '../../engine/audit-checkpoint.service';
import { createAuditService } from '../../engine/audit.service';
import { createPetitionEngine, type EngineDeps, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_SECRET = 'test-secret-with-at-least-32-characters!';

/** An API server over a private database, driven through `inject` (no sockets). */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly tdb: TestDatabase;
  /** The engine behind the routes, e.g. to fire timers as the deadline workers would. */
  readonly engine: PetitionEngine;
  /** The Ed25519 key the server signs audit checkpoints with. */
  readonly signingKey: KeyObject;
  token(role: HumanRole, unit?: string, user?: string): Promise<string>;
  close(): Promise<void>;
}

/** What {@link createTestServer} may wire in beyond its defaults. */
export interface TestServerOptions {
  /** The clock of both the engine and the API; the real one unless given. */
  readonly now?: () => Date;
  /** The engine's policy; DEFAULT_POLICY unless given. */
  readonly policy?: Policy;
  /** Behind POST /incidents/:id/retry (the worker runtime in `serve`); none unless given. */
  readonly incidents?: IncidentRetrier;
  /** Called by the engine after each committed change (the worker runtime's `onCommitted` in `serve`). */
  readonly onCommitted?: EngineDeps['onCommitted'];
  /** Token lifetime and rate limits; {@link TEST_LIMITS} unless given. */
  readonly limits?: ApiLimits;
  /** Session lifetime, idle timeout and lockout; the defaults unless given. */
  readonly sessions?: SessionSettings;
}

/**
 * The defaults with rate limits out of the way: the suites send thousands of
 * writes a minute from one address (tests/integration/http-hardening.http.test.ts
 * checks the limits themselves).
 */
export const TEST_LIMITS: ApiLimits = {
  ...DEFAULT_API_LIMITS,
  writesPerUser: 1_000_000,
  writesPerAddress: 1_000_000,
  auditVerifyPerUser: 1_000_000,
  signInPerAddress: 1_000_000,
  signInPerName: 1_000_000,
};

/**
 * Builds the real server (engine, audit, routes) over a fresh database.
 * The second argument is either the clock (`now`) or {@link TestServerOptions}.
 */
export async function createTestServer(label: string, nowOrOptions?: (() => Date) | TestServerOptions): Promise<TestServer> {
  const {
    now,
    policy = DEFAULT_POLICY,
    incidents,
    onCommitted,
    limits = TEST_LIMITS,
    sessions,
  }: TestServerOptions = typeof nowOrOptions === 'function' ? { now: nowOrOptions } : (nowOrOptions ?? {});
  const tdb = await createTestDatabase(label);
  const engine = createPetitionEngine({
    db: tdb.db,
    policy,
    calendar: createChinaCalendar(),
    ...(now && { now }),
    ...(onCommitted && { onCommitted }),
  });
  const audit = createAuditService(tdb.db);
  // The installation's checkpoint key, outside the database as in production.
  const { privateKey: signingKey } = generateKeyPairSync('ed25519');
  const app = await buildServer({
    engine,
    audit,
    checkpoints: createAuditCheckpointService({ db: tdb.db, audit, signingKey: () => signingKey, ...(now && { now }) }),
    db: tdb.db,
    authSecret: TEST_SECRET,
    logger: false,
    readiness: async () => ({ database: true }),
    limits,
    ...(sessions && { sessions }),
    ...(now && { now }),
    ...(incidents && { incidents }),
  });
  await app.ready();
  return {
    app,
    tdb,
    engine,
    signingKey,
    token: (role, unit = '411621', user = `${role}-1`) => signToken(TEST_SECRET, { sub: user, role, unit }),
    async close() {
      await app.close();
      await tdb.drop();
    },
  };
}

/** A checkpoint service over `db` signing with a fresh key, for tests that build a server by hand. */
export function testCheckpoints(db: TestDatabase['db']): ReturnType<typeof createAuditCheckpointService> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return createAuditCheckpointService({ db, audit: createAuditService(db), signingKey: () => privateKey });
}
