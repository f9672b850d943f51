import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { createJsonSchemaTransformObject, jsonSchemaTransform } from 'fastify-type-provider-zod';
import { LIFECYCLE_VERSIONS } from '../engine/lifecycle-versions';
import { API_ERROR_CODES, ERROR_CODES } from './error-codes';

/** The areas of the API, each a tag of the description. */
export const TAGS = {
  petitions: { name: 'petitions', description: '案件 Cases: intake (登记), reads, commands and the case list' },
  audit: { name: 'audit', description: '审计 Audit: the hash-chained trail, replay and verification' },
  supervision: { name: 'supervision', description: '督办 Supervision: the listed-supervision board' },
  statistics: {
    name: 'statistics',
    description: '统计 Statistics: counts and rates, 零访 and 四无 units, the weekly 研判 and the annual report',
  },
  incidents: { name: 'incidents', description: '故障任务 Incidents: background jobs that failed for good' },
  accounts: { name: 'accounts', description: '账号 Accounts: sign-in sessions (登录) and user administration (用户管理)' },
  people: { name: 'people', description: '一人一档 People: the person index, related matters and case numbers' },
  units: { name: 'units', description: '单位 Units: the tree of divisions, petition bureaus and departments' },
  vocabulary: { name: 'vocabulary', description: '用语 Vocabulary: the words of the regulation for the codes of the current lifecycle' },
  operations: { name: 'operations', description: '运维 Operations: liveness and readiness probes' },
} as const;

/** The lifecycle versions as a Markdown table, generated from the one list of versions. */
function lifecycleTable(): string {
  const rows = LIFECYCLE_VERSIONS.map((v) => `| ${v.version} | ${v.states.join(', ')} | ${v.events.join(', ')} |`);
  return ['| machine version | states | events |', '|---|---|---|', ...rows].join('\n');
}

function errorTable(): string {
  const rows = API_ERROR_CODES.map((code) => `| ${ERROR_CODES[code].status} | \`${code}\` | ${ERROR_CODES[code].meaning} |`);
  return ['| status | code | meaning |', '|---|---|---|', ...rows].join('\n');
}

const DESCRIPTION = `The lifecycle of 信访 (letters-and-visits) petition cases under the 信访工作条例 (2022): intake (登记),
acceptance (受理), assignment (交办), mediation (调解), resolution (办结), escalation (督办 / 复查 / 复核) and closing (终结).

Every request but the probes and sign-in carries \`Authorization: Bearer <token>\` naming a role and a unit, or the
console's session cookie \`pf_session\` from \`POST /sessions\` (its writes also send \`X-Petitionflow-Console: 1\`); you see the cases of
your unit and the units below it. Lists are paged alike: \`limit\` and \`cursor\`, answered with \`nextCursor\`
(null on the last page). Booleans in queries are \`true\`/\`false\` or \`1\`/\`0\`; durations are ISO 8601 (\`P15D\`).

Each case keeps the machine version it was recorded under; its states and events are:

${lifecycleTable()}

Errors are \`{"error": {"code", "message", "details"?}}\`:

${errorTable()}`;

type Doc = { components?: { schemas?: Record<string, unknown> } } & Record<string, unknown>;

/** The `$ref` targets (component names) found anywhere in a value. */
function refsIn(value: unknown, found: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === '$ref' && typeof child === 'string') found.add(child.replace('#/components/schemas/', ''));
      else if (key === 'mapping' && child !== null && typeof child === 'object') {
        Object.values(child as Record<string, unknown>).forEach(
          (ref) => typeof ref === 'string' && found.add(ref.replace('#/components/schemas/', '')),
        );
      } else refsIn(child, found);
    }
  }
}

/**
 * Keeps the components the operations use (zod-type-provider emits every registered schema twice, as
 * `X` for responses and `XInput` for requests), and names a request-only component `X` rather than `XInput`.
 */
export function tidyComponents(doc: Doc): Doc {
  const schemas = doc.components?.schemas ?? {};
  const used = new Set<string>();
  refsIn({ ...doc, components: { ...doc.components, schemas: {} } }, used);
  for (let frontier = [...used]; frontier.length > 0;) {
    const next = new Set<string>();
    frontier.forEach((name) => refsIn(schemas[name], next));
    frontier = [...next].filter((name) => !used.has(name));
    frontier.forEach((name) => used.add(name));
  }
  const kept = Object.keys(schemas).filter((name) => used.has(name));
  const rename = new Map(
    kept.filter((name) => name.endsWith('Input') && !used.has(name.slice(0, -'Input'.length))).map((name) => [name, name.slice(0, -5)]),
  );
  const tidy = {
    ...doc,
    components: { ...doc.components, schemas: Object.fromEntries(kept.sort().map((n) => [rename.get(n) ?? n, schemas[n]])) },
  };
  return JSON.parse(JSON.stringify(tidy), (_key, value: unknown) => {
    if (typeof value !== 'string' || !value.startsWith('#/components/schemas/')) return value;
    const name = value.slice('#/components/schemas/'.length);
    return `#/components/schemas/${rename.get(name) ?? name}`;
  }) as Doc;
}

const transformObject = createJsonSchemaTransformObject({});

/**
 * Registers the OpenAPI 3.1 description (served at `/openapi.json`, browsable at `/docs`), built from
 * the routes' zod schemas. Call before the routes are registered.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'petitionflow',
        version,
        description: DESCRIPTION,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [
        {
          url: '{scheme}://{host}',
          description: 'a petitionflow server (npm start serves http://localhost:3000)',
          variables: { scheme: { enum: ['http', 'https'], default: 'http' }, host: { default: 'localhost:3000' } },
        },
      ],
      tags: Object.values(TAGS),
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'pf_session',
            description: 'the console’s session (POST /sessions); writes also need X-Petitionflow-Console: 1',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (documentObject) => tidyComponents(transformObject(documentObject) as Doc) as ReturnType<typeof transformObject>,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // swagger-ui's own CSP (its scripts and styles only), not framed, and without upgrade-insecure-requests,
    // which would break the page on a plain-HTTP intranet address.
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace(/\s*upgrade-insecure-requests;?/, '')
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .trim(),
  });
}
