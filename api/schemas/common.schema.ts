import { z } from 'zod';
import { codesOfStatus, ERROR_CODES } from '../error-codes';

/**
 * Schemas every route shares: the error envelope per status, query booleans, paging. Schemas given an
 * `id` here become components of the API description (`#/components/schemas/<id>`).
 */

/** `{ error: { code, message, details? } }` with the codes one status carries, as a component `Error<status>`. */
function errorBody(status: number) {
  const codes = codesOfStatus(status);
  const [first, ...rest] = codes;
  if (first === undefined) throw new RangeError(`no error code is sent with status ${status}`);
  return z
    .object({
      error: z.object({
        code: z.enum([first, ...rest]),
        message: z.string().describe('English, naming the rule broken; never quotes personal data'),
        details: z.record(z.string(), z.unknown()).optional().describe('e.g. `issues` (400), `allowedEvents` (422)'),
      }),
    })
    .meta({
      id: `Error${status}`,
      description: codes.map((code) => `\`${code}\`: ${ERROR_CODES[code].meaning}`).join('; '),
      examples: [{ error: { code: first, message: EXAMPLE_MESSAGES[first] ?? 'see the code', ...EXAMPLE_DETAILS[first] } }],
    });
}

const EXAMPLE_MESSAGES: Partial<Record<string, string>> = {
  VALIDATION: 'invalid body',
  UNAUTHORIZED: 'a bearer token is required',
  FORBIDDEN: 'an auditor never sends VERIFY',
  NOT_FOUND: 'petition not found',
  VERSION_CONFLICT: 'expected version 3, the case is at version 4',
  PAYLOAD_TOO_LARGE: 'Request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported Media Type',
  EVENT_NOT_ALLOWED: 'DELIVER is not allowed in state closed for this role',
  INTERNAL: 'internal error',
  UNAVAILABLE: 'a backing service is unavailable; try again later',
};
const EXAMPLE_DETAILS: Partial<Record<string, { details: Record<string, unknown> }>> = {
  VALIDATION: { details: { issues: [{ path: ['matter', 'summary'], message: 'Too small: expected string to have >=1 characters' }] } },
  VERSION_CONFLICT: { details: { expectedVersion: 3, actualVersion: 4 } },
  EVENT_NOT_ALLOWED: { details: { state: 'closed', allowedEvents: [] } },
};

const ERROR_STATUSES = [...new Set(Object.values(ERROR_CODES).map((e) => e.status))];
const ERROR_BODIES = new Map(ERROR_STATUSES.map((status) => [status, errorBody(status)]));

/** A response entry of the description: its description and the JSON schema of its body. */
function json<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** The success response of a route, described in words (the body's own schema says the rest). */
export function ok<T extends z.ZodType>(description: string, schema: T) {
  return json(description, schema);
}

/** Error responses for the given statuses, each with the envelope and the codes that status carries. */
export function errors<S extends number>(...statuses: S[]): Record<S, ReturnType<typeof json<ReturnType<typeof errorBody>>>> {
  const entries = statuses.map((status) => {
    const body = ERROR_BODIES.get(status);
    if (body === undefined) throw new RangeError(`no error code is sent with status ${status}`);
    const words = codesOfStatus(status).join(' or ');
    return [status, json(words, body)] as const;
  });
  return Object.fromEntries(entries) as Record<S, ReturnType<typeof json<ReturnType<typeof errorBody>>>>;
}

/**
 * What every route with a token may answer besides its own outcomes. 403 among them: the authentication gate
 * refuses a cookie-authenticated write without the console's header, and any case route to an administrator.
 */
export const COMMON_ERRORS = [400, 401, 403, 500, 503] as const;

/** A boolean in a query string: `true`/`false` or `1`/`0`. */
export const queryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .describe('true/false or 1/0');

/** The size of a page: how many items at most. */
export function limitQuery(max: number, fallback: number) {
  return z.coerce.number().int().min(1).max(max).default(fallback).describe(`items per page, 1 to ${max}`);
}

/** Where a page starts: the `nextCursor` of the page before it. */
export const cursorQuery = z.string().min(1).max(200).optional().describe('the nextCursor of the previous page; absent for the first page');

/** The cursor of the next page, null on the last page. */
export const nextCursorSchema = z.string().nullable().describe('pass as `cursor` to get the next page; null on the last page');

/** A case id in the path. */
export const caseIdParams = z.object({ id: z.uuid().describe('the case id') });
