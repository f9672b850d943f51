/**
 * The one error mapping: a database that refused or dropped the connection is
 * 503 UNAVAILABLE (the request was fine, the service is not, for now), while
 * every other unexpected error stays a 500 without details.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { DatabaseError } from 'pg';
import { ERROR_CODES } from '../../api/error-codes';
import { handleError, STATUS_OF } from '../../api/error-mapping';
import { isUnavailable, UnavailableError } from '../../engine/errors';

/** A pg server error as node-postgres builds it from the wire. */
function pgError(code: string, message: string): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

/** A socket error as Node reports it. */
function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, syscall: 'connect' });
}

const UNAVAILABLE: [string, () => unknown][] = [
  ['connection refused', () => socketError('ECONNREFUSED')],
  ['connection reset mid-query', () => socketError('ECONNRESET')],
  ['every address refused (AggregateError)', () => Object.assign(new AggregateError([socketError('ECONNREFUSED')], ''), { code: 'ECONNREFUSED' })],
  ['terminated by the administrator (57P01)', () => pgError('57P01', 'terminating connection due to administrator command')],
  ['the server is starting up (57P03)', () => pgError('57P03', 'the database system is starting up')],
  ['connection failure (08006)', () => pgError('08006', 'connection failure')],
  ['cannot connect now (08001)', () => pgError('08001', 'could not connect')],
  ['too many connections (53300)', () => pgError('53300', 'sorry, too many clients already')],
  ['the database is gone (3D000)', () => pgError('3D000', 'database "pf" does not exist')],
  ['a connection dropped by the server', () => new Error('Connection terminated unexpectedly')],
  ['a pool that cannot connect in time', () => new Error('timeout exceeded when trying to connect')],
  ['wrapped as the cause of another error', () => new Error('query failed', { cause: socketError('ECONNREFUSED') })],
];

const NOT_UNAVAILABLE: [string, () => unknown][] = [
  ['a unique violation (23505)', () => pgError('23505', 'duplicate key value violates unique constraint')],
  ['a syntax error (42601)', () => pgError('42601', 'syntax error at or near "selec"')],
  ['a plain bug', () => new TypeError("Cannot read properties of undefined (reading 'id')")],
  ['a thrown string', () => 'boom'],
];

let app: FastifyInstance;
let thrown: unknown;
beforeAll(async () => {
  app = Fastify({ logger: false });
  app.setErrorHandler(handleError);
  app.get('/boom', async () => {
    throw thrown;
  });
  await app.ready();
});
afterAll(() => app.close());

describe('the error mapping', () => {
  it('maps UNAVAILABLE to 503', () => {
    expect(STATUS_OF.UNAVAILABLE).toBe(503);
    expect(new UnavailableError().code).toBe('UNAVAILABLE');
  });

  it.each(UNAVAILABLE)('answers %s with 503 UNAVAILABLE', async (_name, make) => {
    thrown = make();
    expect(isUnavailable(thrown)).toBe(true);
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(503);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('UNAVAILABLE');
    // The driver's message (host, port, database name) stays in the log.
    expect(body.error.message).toBe('a backing service is unavailable; try again later');
  });

  it.each(NOT_UNAVAILABLE)('answers %s with 500 INTERNAL', async (_name, make) => {
    thrown = make();
    expect(isUnavailable(thrown)).toBe(false);
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  it.each([
    [413, 'PAYLOAD_TOO_LARGE'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
    [400, 'VALIDATION'],
  ])("answers Fastify's own %i with its own code %s, at the status the list of codes gives it", async (status, code) => {
    thrown = Object.assign(new Error('refused by Fastify'), { statusCode: status });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect({ status: res.statusCode, code: res.json<{ error: { code: string } }>().error.code }).toEqual({ status, code });
    expect(ERROR_CODES[code as keyof typeof ERROR_CODES].status).toBe(status);
  });
});
