/**
 * A database that cannot be reached makes a request 503 UNAVAILABLE, not a
 * 500: the server is pointed at a port where nothing listens, and at a
 * database that does not exist on the real server.
 */
import type { FastifyInstance } from 'fastify';
import { Pool } from 'pg';
import pino from 'pino';
import { signToken } from '../../api/auth';
import { buildServer } from '../../api/server';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { createKysely } from '../../db/database';
import { createAuditService } from '../../engine/audit.service';
import { createPetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import { intakeBody } from '../support/engine-fixtures';
import { assertNoMismatches, installResponseValidation } from '../support/response-validation';
import { TEST_PG_ADMIN_URL } from '../support/test-database';
import { testCheckpoints } from '../support/test-server';

const SECRET = 'test-secret-with-at-least-32-characters!';

/** The real server over a pool that cannot connect; what it logs goes to `logged`. */
async function serverOver(connectionString: string, logged: string[]): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const pool = new Pool({ connectionString, max: 2, connectionTimeoutMillis: 5000 });
  pool.on('error', () => undefined);
  const db = createKysely(pool);
  const logger = pino({ level: 'error' }, { write: (line: string) => void logged.push(line) });
  const app = await buildServer({
    engine: createPetitionEngine({ db, policy: DEFAULT_POLICY, calendar: createChinaCalendar() }),
    audit: createAuditService(db),
    checkpoints: testCheckpoints(db),
    db,
    authSecret: SECRET,
    logger,
    readiness: async () => ({ database: false }),
  });
  const { mismatches } = installResponseValidation(app);
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await db.destroy();
      assertNoMismatches(mismatches);
    },
  };
}

function unknownDatabaseUrl(): string {
  const u = new URL(TEST_PG_ADMIN_URL);
  u.pathname = '/pf_no_such_database_here';
  return u.toString();
}

describe.each([
  ['a stopped database (nothing listens on the port)', 'postgres://postgres@127.0.0.1:1/petitionflow'],
  ['a database that does not exist', unknownDatabaseUrl()],
])('%s', (_name, url) => {
  const logged: string[] = [];
  let server: Awaited<ReturnType<typeof serverOver>>;
  beforeAll(async () => {
    server = await serverOver(url, logged);
  });
  afterAll(() => server.close());

  const auth = async () => ({ authorization: `Bearer ${await signToken(SECRET, { sub: 'clerk-1', role: 'clerk', unit: '411621' })}` });

  it.each([
    ['GET', '/petitions'],
    ['GET', '/petitions/00000000-0000-4000-8000-000000000000'],
    ['POST', '/petitions'],
  ] as const)('answers %s %s with 503 UNAVAILABLE', async (method, path) => {
    const res = await server.app.inject({
      method,
      url: path,
      headers: await auth(),
      ...(method === 'POST' && { payload: intakeBody({ unit: '411621' }) }),
    });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: { code: 'UNAVAILABLE', message: 'a backing service is unavailable; try again later' } });
  });

  it('still logs what went wrong, for the operator', () => {
    expect(logged.some((line) => line.includes('request failed'))).toBe(true);
  });

  it('keeps refusing a bad token before it needs the database', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/petitions', headers: { authorization: 'Bearer nope' } });
    expect(res.statusCode).toBe(401);
  });
});
