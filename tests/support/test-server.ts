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
import { createUnitDirectory, type UnitDirectory } from '../../engine/unit-directory.service';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { HumanRole } from '../../machines/petition.vocabulary';
import { assertNoMismatches, installResponseValidation, type ResponseMismatch } from './response-validation';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_SECRET = 'test-secret-with-at-least-32-characters!';

/** The statutory policy holding new cases on machine version 2: the suites of the v1/v2 lifecycle run under it. */
export const V2_POLICY: Policy = { ...DEFAULT_POLICY, machineVersion: 2 };
/** The person index key of test servers (in production: `PEOPLE_INDEX_KEY` or the one generated under DATA_DIR). */
export const TEST_PEOPLE_INDEX_KEY = Buffer.from('test-people-index-key-of-32-characters!!');

/** An API server over a private database, driven through `inject` (no sockets). */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly tdb: TestDatabase;
  /** The unit directory shared by the engine and the routes (import through `createUnitService(db, units)`). */
  readonly units: UnitDirectory;
  /** The engine behind the routes, e.g. to fire timers as the deadline workers would. */
  readonly engine: PetitionEngine;
  /** The Ed25519 key the server signs audit checkpoints with. */
  readonly signingKey: KeyObject;
  token(role: HumanRole, unit?: string, user?: string): Promise<string>;
  /** Responses that did not match the API description so far (each was also turned into a 500). */
  readonly mismatches: readonly ResponseMismatch[];
  /** Closes the server and drops its database; throws if any response did not match the API description. */
  close(): Promise<void>;
}

/** What {@link createTestServer} may wire in beyond its defaults. */
export interface TestServerOptions {
  /** The clock of both the engine and the API; the real one unless given. */
  readonly now?: () => Date;
  /**
   * The engine's policy; {@link V2_POLICY} unless given: the suites written
   * before version 3 exercise version 2's lifecycle, and the version 3 suites
   * pass the statutory DEFAULT_POLICY (new cases under the latest version).
   */
  readonly policy?: Policy;
  /** Behind POST /incidents/:id/retry (the worker runtime in `serve`); none unless given. */
  readonly incidents?: IncidentRetrier;
  /** Called by the engine after each committed change (the worker runtime's `onCommitted` in `serve`). */
  readonly onCommitted?: EngineDeps['onCommitted'];
  /** Token lifetime and rate limits; {@link TEST_LIMITS} unless given. */
  readonly limits?: ApiLimits;
  /** Session lifetime, idle timeout and lockout; the defaults unless given. */
  readonly sessions?: SessionSettings;
  /** Origins allowed by CORS (`CORS_ORIGINS`); none unless given. */
  readonly corsOrigins?: readonly string[];
  /**
   * Runs on the built app before the response check is installed (its hooks run first): tests of the
   * check itself use it to spoil a response.
   */
  readonly beforeResponseCheck?: (app: FastifyInstance) => void;
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
    policy = V2_POLICY,
    incidents,
    onCommitted,
    limits = TEST_LIMITS,
    sessions,
    corsOrigins,
    beforeResponseCheck,
  }: TestServerOptions = typeof nowOrOptions === 'function' ? { now: nowOrOptions } : (nowOrOptions ?? {});
  const tdb = await createTestDatabase(label);
  // One cached unit tree for the engine and the routes, as `serve` has.
  const units = createUnitDirectory(tdb.db);
  const engine = createPetitionEngine({
    db: tdb.db,
    units,
    policy,
    calendar: createChinaCalendar(),
    peopleIndexKey: TEST_PEOPLE_INDEX_KEY,
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
    units,
    authSecret: TEST_SECRET,
    peopleIndexKey: TEST_PEOPLE_INDEX_KEY,
    logger: false,
    readiness: async () => ({ database: true }),
    limits,
    ...(sessions && { sessions }),
    ...(now && { now }),
    ...(incidents && { incidents }),
    ...(corsOrigins && { corsOrigins }),
  });
  beforeResponseCheck?.(app);
  // Every response of every test is checked against the served API description.
  const { mismatches } = installResponseValidation(app);
  await app.ready();
  return {
    app,
    tdb,
    engine,
    units,
    signingKey,
    token: (role, unit = '411621', user = `${role}-1`) => signToken(TEST_SECRET, { sub: user, role, unit }),
    mismatches,
    async close() {
      await app.close();
      await tdb.drop();
      assertNoMismatches(mismatches);
    },
  };
}

/** A checkpoint service over `db` signing with a fresh key, for tests that build a server by hand. */
export function testCheckpoints(db: TestDatabase['db']): ReturnType<typeof createAuditCheckpointService> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return createAuditCheckpointService({ db, audit: createAuditService(db), signingKey: () => privateKey });
}
