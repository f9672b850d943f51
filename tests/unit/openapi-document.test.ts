/**
 * The served API description, built without a database: what clients and generators rely on. The
 * integration suite checks every response against it; this checks the document itself.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { API_ERROR_CODES, ERROR_CODES } from '../../api/error-codes';
import { buildOpenApiDocument } from '../../app/openapi-document';
import { LIFECYCLE_VERSIONS } from '../../engine/lifecycle-versions';

type Schema = Record<string, unknown>;
type Operation = {
  operationId?: string;
  tags?: string[];
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>;
};
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> }; servers?: unknown[] };

let doc: Doc;
beforeAll(async () => {
  doc = (await buildOpenApiDocument()) as unknown as Doc;
});

const operations = (): [string, Operation][] =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => [`${method.toUpperCase()} ${path}`, op] as [string, Operation]),
  );

/** An ajv that knows every component, references made absolute (`#/components/schemas/X` → `X`). */
function validatorFor(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false });
  addFormats(ajv);
  const absolute = (s: unknown): Schema =>
    JSON.parse(JSON.stringify(s), (_k, v: unknown) =>
      typeof v === 'string' && v.startsWith('#/components/schemas/') ? v.slice(21) : v,
    ) as Schema;
  for (const [name, schema] of Object.entries(doc.components.schemas)) ajv.addSchema({ ...absolute(schema), $id: name });
  return ajv;
}

it('names servers and gives every operation an operationId, a tag, a described success response with a schema, and its 4xx', () => {
  expect(doc.servers?.length).toBeGreaterThan(0);
  const ids = new Set<string>();
  for (const [name, op] of operations()) {
    expect({ name, operationId: typeof op.operationId }).toEqual({ name, operationId: 'string' });
    ids.add(op.operationId ?? '');
    expect(op.tags?.length).toBeGreaterThan(0);
    const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
    expect(success.length).toBeGreaterThan(0);
    for (const [, response] of success) expect(Object.values(response.content ?? {}).every((m) => m.schema !== undefined)).toBe(true);
    // The probes and the vocabulary take no input and no token: nothing of theirs can be a 4xx.
    if (!['GET /healthz', 'GET /readyz', 'GET /vocabulary'].includes(name))
      expect(Object.keys(op.responses).some((s) => s.startsWith('4'))).toBe(true);
  }
  expect(ids.size).toBe(operations().length);
});

it('declares the status codes routes really send: 201 for intake, text/csv for the trail, every 4xx with the shared envelope', () => {
  const intake = doc.paths['/petitions']?.post;
  expect(Object.keys(intake?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '401', '403', '413', '415', '422']));
  expect(Object.keys(doc.paths['/petitions/{id}/history']?.get?.responses['200']?.content ?? {})).toEqual([
    'application/json',
    'text/csv',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ]);
  // The readiness probe answers 503 with its own body (which check failed); every other error is the envelope.
  for (const [, op] of operations().filter(([name]) => name !== 'GET /readyz')) {
    for (const [status, response] of Object.entries(op.responses)) {
      if (Number(status) >= 400)
        expect(response.content?.['application/json']?.schema).toEqual({ $ref: `#/components/schemas/Error${status}` });
    }
  }
});

it('documents every error code, each under the status the mapping sends it with', () => {
  for (const code of API_ERROR_CODES) {
    const envelope = doc.components.schemas[`Error${ERROR_CODES[code].status}`] as {
      properties: { error: { properties: { code: { enum: string[] } } } };
    };
    expect(envelope.properties.error.properties.code.enum).toContain(code);
  }
});

it('describes commands as a union discriminated by type, one component per command', () => {
  const command = doc.components.schemas.Command as {
    oneOf: { $ref: string }[];
    discriminator: { propertyName: string; mapping: Record<string, string> };
  };
  expect(command.discriminator.propertyName).toBe('type');
  expect(Object.values(command.discriminator.mapping).sort()).toEqual(command.oneOf.map((o) => o.$ref).sort());
  for (const ref of Object.values(command.discriminator.mapping)) expect(doc.components.schemas[ref.slice(21)]).toBeDefined();
});

it('names the states and events of each machine version in an enum of its own', () => {
  for (const v of LIFECYCLE_VERSIONS) {
    expect(doc.components.schemas[`StatesV${v.version}`]).toMatchObject({ enum: [...v.states] });
    expect(doc.components.schemas[`EventsV${v.version}`]).toMatchObject({ enum: [...v.events] });
  }
  expect(doc.components.schemas.EventsV1?.enum).not.toContain('LINK_CONFERENCE');
  expect(doc.components.schemas.EventsV2?.enum).toContain('LINK_CONFERENCE');
});

it('gives examples that match their own schemas', () => {
  const ajv = validatorFor();
  let checked = 0;
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    for (const example of (schema.examples as unknown[] | undefined) ?? []) {
      const v = ajv.getSchema(name);
      expect({ name, valid: v?.(example), errors: v?.errors ?? null }).toEqual({ name, valid: true, errors: null });
      checked += 1;
    }
  }
  for (const [name, op] of operations()) {
    const media = op.requestBody?.content['application/json'];
    if (media?.example === undefined) continue;
    const v = ajv.compile(JSON.parse(JSON.stringify(media.schema).replaceAll('#/components/schemas/', '')) as Schema);
    expect({ name, valid: v(media.example), errors: v.errors ?? null }).toEqual({ name, valid: true, errors: null });
    checked += 1;
  }
  expect(checked).toBeGreaterThan(5);
});
