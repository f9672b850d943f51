import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isUnavailable, PetitionError, RateLimitedError, UnavailableError, type ErrorCode } from '../engine/errors';
import { ERROR_CODES, type ApiErrorCode } from './error-codes';

/** The one mapping from the engine's error codes to HTTP statuses, read from the documented list. */
export const STATUS_OF: Readonly<Record<ErrorCode, number>> = Object.fromEntries(
  Object.entries(ERROR_CODES).map(([code, entry]) => [code, entry.status]),
) as Record<ErrorCode, number>;

/** The error body: `{ error: { code, message, details? } }`. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; details?: Record<string, unknown> };
}

/** The codes of Fastify's own client errors (malformed JSON, a wrong content type, a body too large). */
function transportCode(status: number): ApiErrorCode {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'VALIDATION';
}

/** `/matter/summary` → `['matter', 'summary']`: field paths in the same shape the engine reports. */
function pathOf(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .filter((p) => p !== '')
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function toBody(err: unknown): { status: number; body: ErrorBody } {
  // A database (or queue) that refused or dropped the connection: the request was fine, the service is not, for now.
  if (!(err instanceof PetitionError) && isUnavailable(err)) return toBody(new UnavailableError());
  if (err instanceof PetitionError) {
    return {
      status: STATUS_OF[err.code],
      body: { error: { code: err.code, message: err.message, ...(err.details !== undefined && { details: err.details }) } },
    };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const issues = err.validation.map((v) => ({
      path: [...(err.validationContext === 'body' ? [] : [err.validationContext ?? 'request']), ...pathOf(v.instancePath)],
      message: v.message ?? 'invalid',
    }));
    return { status: 400, body: { error: { code: 'VALIDATION', message: `invalid ${err.validationContext ?? 'request'}`, details: { issues } } } };
  }
  const fe = err as Partial<FastifyError>;
  // Fastify's own client errors: malformed JSON, wrong content type, body too large; @fastify/static's refusals.
  if (fe.statusCode === 403) return { status: 403, body: { error: { code: 'FORBIDDEN', message: 'forbidden' } } };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = transportCode(fe.statusCode);
    return {
      status: ERROR_CODES[code].status,
      body: {
        error: { code, message: fe.message ?? 'bad request', details: { issues: [{ path: [], message: fe.message ?? 'bad request' }] } },
      },
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'internal error' } } };
}

/** Fastify error handler: known errors with their code and status, anything else a logged 500 without details. */
export function handleError(err: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toBody(err);
  if (err instanceof RateLimitedError) void reply.header('retry-after', String(err.retryAfterSeconds));
  if (status >= 500) request.log.error({ err }, 'request failed');
  return reply.status(status).send(body);
}

/** The body of a 404 for an unknown route. */
export function notFoundBody(): ErrorBody {
  return { error: { code: 'NOT_FOUND', message: 'no such route' } };
}
