/**
 * What the API takes, read from its own description (`/openapi.json`, which
 * the server generates from the zod schemas of machines/petition.schemas.ts):
 * the fields of each event, the intake body and the list filters.
 */
import { apiDescription } from './api-client.js';

let description;

/** The API description, fetched once per page load (and again if that failed). */
function loadDescription() {
  description ??= apiDescription().catch((err) => {
    description = undefined;
    throw err;
  });
  return description;
}

const COMPONENT = '#/components/schemas/';

/**
 * The schema with every reference to a component (`{"$ref": "#/components/schemas/VerifyCommand"}`)
 * replaced by the component itself, so forms read plain schemas. The description has no cycles.
 */
function inline(doc, schema) {
  if (Array.isArray(schema)) return schema.map((s) => inline(doc, s));
  if (schema === null || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string' && schema.$ref.startsWith(COMPONENT)) {
    const target = doc.components?.schemas?.[schema.$ref.slice(COMPONENT.length)];
    if (target === undefined) throw new Error(`the API description has no component ${schema.$ref}`);
    const { $ref: _ref, ...rest } = schema;
    return inline(doc, { ...target, ...rest });
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, key === 'discriminator' ? value : inline(doc, value)]));
}

function bodySchema(doc, path, method) {
  const schema = doc.paths?.[path]?.[method]?.requestBody?.content?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`the API description has no body for ${method.toUpperCase()} ${path}`);
  return inline(doc, schema);
}

/** The fields an event takes: its variant of the command body, without `type` and `expectedVersion` (the console sets those). */
export async function eventSchema(type) {
  const union = bodySchema(await loadDescription(), '/petitions/{id}/events', 'post');
  const variant = (union.oneOf ?? union.anyOf ?? []).find(
    (v) => v.properties?.type?.const === type || v.properties?.type?.enum?.includes(type),
  );
  if (variant === undefined) throw new Error(`the API description has no event ${type}`);
  const { type: _type, expectedVersion: _expectedVersion, ...properties } = variant.properties;
  return { ...variant, properties, required: (variant.required ?? []).filter((name) => name in properties) };
}

/** The body of `POST /petitions` (登记). */
export async function intakeSchema() {
  return bodySchema(await loadDescription(), '/petitions', 'post');
}

/** The values a query parameter takes (e.g. the `state` filter of `GET /petitions`), or an empty list. */
export async function queryValues(path, name) {
  const parameters = (await loadDescription()).paths?.[path]?.get?.parameters ?? [];
  return parameters.find((p) => p.in === 'query' && p.name === name)?.schema?.enum ?? [];
}
