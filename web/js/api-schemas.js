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

function bodySchema(doc, path, method) {
  const schema = doc.paths?.[path]?.[method]?.requestBody?.content?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`the API description has no body for ${method.toUpperCase()} ${path}`);
  return schema;
}

/** Whether a body variant belongs to a machine version (untagged variants belong to every version). */
const ofVersion = (v, version) => version === undefined || (v['x-machine-versions'] ?? [version]).includes(version);

/**
 * The fields an event takes on a case of `machineVersion`: its version's
 * variant of the command body, without `type` and `expectedVersion` (the
 * console sets those).
 */
export async function eventSchema(type, machineVersion) {
  const union = bodySchema(await loadDescription(), '/petitions/{id}/events', 'post');
  const variant = (union.oneOf ?? union.anyOf ?? []).find(
    (v) => ofVersion(v, machineVersion) && (v.properties?.type?.const === type || v.properties?.type?.enum?.includes(type)),
  );
  if (variant === undefined) throw new Error(`the API description has no event ${type}`);
  const { type: _type, expectedVersion: _expectedVersion, ...properties } = variant.properties;
  return { ...variant, properties, required: (variant.required ?? []).filter((name) => name in properties) };
}

/** The body of `POST /petitions` (登记): the intake of the version new cases start under, which the description lists first. */
export async function intakeSchema() {
  const schema = bodySchema(await loadDescription(), '/petitions', 'post');
  return (schema.anyOf ?? schema.oneOf)?.[0] ?? schema;
}

/** The values a query parameter takes (e.g. the `state` filter of `GET /petitions`), or an empty list. */
export async function queryValues(path, name) {
  const parameters = (await loadDescription()).paths?.[path]?.get?.parameters ?? [];
  return parameters.find((p) => p.in === 'query' && p.name === name)?.schema?.enum ?? [];
}
