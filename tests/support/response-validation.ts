import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One response that does not match the API description. */
export interface ResponseMismatch {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly problem: string;
}

type OpenApiDocument = {
  paths?: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
  components?: { schemas?: Record<string, unknown> };
};

const REF_PREFIX = '#/components/schemas/';

/** The schema with its component references made absolute (`#/components/schemas/X` → `X`), so ajv resolves them by id. */
function absoluteRefs(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith(REF_PREFIX) ? value.slice(REF_PREFIX.length) : value,
  );
}

/**
 * Checks responses against the served API description (`app.swagger()`, what `/openapi.json` says) with
 * ajv, the validator clients use: every documented operation's status must be declared, its content
 * type too, and a JSON body must match the declared schema. Error answers of routes that are not in the
 * description (an unknown path) must still be the shared envelope.
 */
export function createResponseChecker(
  doc: OpenApiDocument,
): (method: string, route: string | undefined, status: number, contentType: string, body: string) => string | undefined {
  // OpenAPI keywords that are not JSON Schema (`discriminator`, `example`) are ignored, not refused.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {}))
    ajv.addSchema({ ...(absoluteRefs(schema) as object), $id: name });
  const compiled = new Map<string, ValidateFunction>();
  const validatorOf = (key: string, schema: unknown): ValidateFunction => {
    let v = compiled.get(key);
    if (v === undefined) {
      v = ajv.compile(absoluteRefs(schema) as object);
      compiled.set(key, v);
    }
    return v;
  };

  return (method, route, status, contentType, body) => {
    const path = route?.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation = path === undefined ? undefined : doc.paths?.[path]?.[method.toLowerCase()];
    if (operation === undefined) {
      if (status < 400 || !contentType.startsWith('application/json')) return undefined;
      const envelope = doc.components?.schemas?.[`Error${status}`];
      if (envelope === undefined) return `status ${status} has no error code in the description`;
      const v = validatorOf(`Error${status}`, { $ref: `${REF_PREFIX}Error${status}` });
      return v(JSON.parse(body)) ? undefined : ajv.errorsText(v.errors);
    }
    const declared = operation.responses?.[String(status)] ?? operation.responses?.default;
    if (declared === undefined) return `status ${status} is not declared (declared: ${Object.keys(operation.responses ?? {}).join(', ')})`;
    const media = declared.content?.[contentType];
    if (media === undefined) return `content type ${contentType || '(none)'} is not declared for status ${status}`;
    if (contentType !== 'application/json') return undefined;
    const v = validatorOf(`${method} ${path} ${status}`, media.schema);
    return v(JSON.parse(body)) ? undefined : ajv.errorsText(v.errors, { dataVar: 'body' });
  };
}

/**
 * Adds an `onSend` hook that checks every response of `app` against its API description. A mismatch is
 * recorded and the response is replaced by a 500 naming it, so the test that made the request fails
 * where it looks; whoever closes the server asserts the recorded list is empty. Call before `ready()`.
 */
export function installResponseValidation(app: FastifyInstance): { mismatches: ResponseMismatch[] } {
  const mismatches: ResponseMismatch[] = [];
  let check: ReturnType<typeof createResponseChecker> | undefined;
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.method === 'OPTIONS' || request.routeOptions.schema?.hide === true) return payload;
    check ??= createResponseChecker(app.swagger() as OpenApiDocument);
    const contentType =
      String(reply.getHeader('content-type') ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    // Streams are the console's static files (hidden routes); nothing else answers with one.
    if (body === undefined) return payload;
    const problem = check(request.method, request.routeOptions.url, reply.statusCode, contentType, body);
    if (problem === undefined) return payload;
    const mismatch = { method: request.method, url: request.url, status: reply.statusCode, problem };
    mismatches.push(mismatch);
    void reply.code(500).header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify({
      error: { code: 'INTERNAL', message: `response does not match the API description: ${JSON.stringify(mismatch)}` },
    });
  });
  return { mismatches };
}

/** Throws when any response did not match the description (called when a test server closes). */
export function assertNoMismatches(mismatches: readonly ResponseMismatch[]): void {
  if (mismatches.length === 0) return;
  const lines = mismatches.map((m) => `${m.method} ${m.url} → ${m.status}: ${m.problem}`);
  throw new Error(`${mismatches.length} response(s) did not match the API description:\n${lines.join('\n')}`);
}
