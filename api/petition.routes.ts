import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { canonical } from '../engine/audit-hash';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditService } from '../engine/audit.service';
import type { CaseQueryService, HistoryEvent } from '../engine/case-query.service';
import { stringify } from 'csv-stringify/sync';
import { requireCapability } from '../engine/access';
import { PetitionError } from '../engine/errors';
import type { IdempotencyOptions, PetitionEngine } from '../engine/petition.engine';
import { STATE_NAMES } from '../machines/petition.vocabulary';
import { divisionCodeSchema } from '../machines/petition.roles';
import { COMMAND_TYPES, commandFieldSchemas, intakeSchema } from '../machines/petition.schemas';
import { MACHINE_VERSION_1 } from '../machines/versions/v1';
import { MACHINE_VERSION_2 } from '../machines/versions/v2';
import { MACHINE_VERSION_3 } from '../machines/versions/v3/v3.machine';
import { V3_COMMAND_TYPES, v3CommandFieldSchemas, v3IntakeSchema } from '../machines/versions/v3/v3.schemas';
import type { ApiMetrics } from './metrics';

const idParams = z.object({ id: z.uuid() });

const expectedVersion = z.number().int().positive().optional().describe('optimistic concurrency: the case version you last read');

/** Tags a schema with the machine versions it belongs to (`x-machine-versions` in the description). */
const forVersions = <T extends z.ZodType>(schema: T, versions: readonly number[]): T => schema.meta({ 'x-machine-versions': [...versions] });

/** The command body of each version 3 event: its fields plus the optional `expectedVersion`. */
export const v3EventBodySchemas = V3_COMMAND_TYPES.map((type) =>
  forVersions(v3CommandFieldSchemas[type].extend({ type: z.literal(type), expectedVersion }), [MACHINE_VERSION_3]),
);

/** The command body of each version 1 and 2 event, for cases recorded before the upgrade. */
export const olderEventBodySchemas = COMMAND_TYPES.map((type) =>
  forVersions(commandFieldSchemas[type].extend({ type: z.literal(type), expectedVersion }), [MACHINE_VERSION_1, MACHINE_VERSION_2]),
);

/**
 * What `POST /petitions/{id}/events` takes, as the API describes it: a command
 * of the case's own machine version, each variant tagged with its versions
 * (version 3 first: new cases start under it). The route checks only that the
 * body is an object with a `type`; the engine validates the fields under the
 * case's version, so the answer names the bad field (400 with field paths).
 */
export const eventBodySchema = z.union([...v3EventBodySchemas, ...olderEventBodySchemas] as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);

/** The intake of each version, tagged; the version new cases start under comes first. */
function intakeBodySchema(newCaseVersion: number) {
  const v3 = forVersions(v3IntakeSchema, [MACHINE_VERSION_3]);
  const older = forVersions(intakeSchema, [MACHINE_VERSION_1, MACHINE_VERSION_2]);
  return z.union(newCaseVersion === MACHINE_VERSION_3 ? [v3, older] : [older, v3]);
}

/**
 * The route-level check of a body the engine validates under a machine
 * version: a JSON object (with a string `type` for a command); params and
 * headers are checked with their own schemas as everywhere. Field errors come
 * from the engine, with their paths.
 */
function envelopeValidator<S>(needsType: boolean): FastifySchemaCompiler<S> {
  const envelope = needsType ? z.looseObject({ type: z.string().min(1).max(64), expectedVersion }) : z.looseObject({});
  type Route = Parameters<typeof validatorCompiler>[0];
  return (route) => validatorCompiler((route.httpPart === 'body' ? { ...route, schema: envelope } : route) as unknown as Route);
}

const listQuery = z.object({
  state: z.enum(STATE_NAMES).optional(),
  unit: divisionCodeSchema.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

/** Every command type of any version: metric labels take only these (a made-up type is counted as `unknown`). */
const KNOWN_TYPES: ReadonlySet<string> = new Set<string>([...COMMAND_TYPES, ...V3_COMMAND_TYPES]);

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._~-]{8,128}$/, '8 to 128 characters: letters, digits, . _ ~ -')
    .optional(),
});

/** The engine's idempotency options for a request: the key, and a hash of what was asked. */
function idempotencyOf(request: FastifyRequest, body: unknown): IdempotencyOptions | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return undefined;
  const requestHash = createHash('sha256')
    .update(canonical({ method: request.method, path: request.url.split('?')[0], body }))
    .digest('hex');
  return { key, requestHash };
}

/** A trail as CSV: one row per entry, the event's own fields as canonical JSON so the hash can be re-checked. */
function trailCsv(events: readonly HistoryEvent[]): string {
  return stringify(
    events.map((e) => [e.seq, e.type, e.actor.id, e.actor.role, e.at, e.machineVersion, canonical(e.fields), e.prevHash, e.hash]),
    { header: true, columns: ['seq', 'type', 'actor_id', 'actor_role', 'at', 'machine_version', 'fields', 'prev_hash', 'hash'] },
  );
}

/** The petition routes: intake, read, commands, list, history, replay. */
export function registerPetitionRoutes(
  app: FastifyInstance,
  deps: { engine: PetitionEngine; audit: AuditService; queries: CaseQueryService; metrics: ApiMetrics },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const intakeBody = intakeBodySchema(deps.engine.newCaseVersion);
  r.post(
    '/petitions',
    {
      schema: { summary: 'Record a petition (登记, Art 19) under the version new cases start under', body: intakeBody, headers: idempotencyHeaders },
      validatorCompiler: envelopeValidator(false),
    },
    async (request, reply) => {
    const { actor } = request;
    requireCapability(actor, 'petitions.intake');
    // The unit is checked against the actor's own once the engine has validated the body.
    const view = await deps.engine.intake(request.body, actor, { idempotency: idempotencyOf(request, request.body) });
    return reply.status(201).send(view);
    },
  );

  r.get('/petitions/:id', { schema: { summary: 'One case', params: idParams } }, async (request) =>
    deps.queries.get(request.params.id, request.actor),
  );

  r.post(
    '/petitions/:id/events',
    {
      schema: { summary: "Send a command to a case (a command of the case's machine version)", params: idParams, body: eventBodySchema, headers: idempotencyHeaders },
      validatorCompiler: envelopeValidator(true),
    },
    async (request) => {
      const { actor } = request;
      const body = request.body as { type: string; expectedVersion?: number };
      const type = KNOWN_TYPES.has(body.type) ? body.type : 'unknown';
      try {
        const view = await deps.engine.dispatch(request.params.id, body, actor, {
          expectedVersion: body.expectedVersion,
          idempotency: idempotencyOf(request, body),
        });
        deps.metrics.events.inc({ type, outcome: 'ok' });
        return view;
      } catch (err) {
        deps.metrics.events.inc({ type, outcome: err instanceof PetitionError ? err.code : 'INTERNAL' });
        throw err;
      }
    },
  );

  r.get('/petitions', { schema: { summary: 'Cases in your units, newest first', querystring: listQuery } }, async (request) => {
    const q = request.query;
    return deps.queries.list({ state: q.state, unit: q.unit, overdue: q.overdue === 'true', limit: q.limit, cursor: q.cursor }, request.actor);
  });

  r.get(
    '/petitions/:id/history',
    {
      schema: {
        summary: 'The audit trail of a case (JSON, or CSV for auditors with format=csv)',
        params: idParams,
        querystring: z.object({ format: z.enum(['json', 'csv']).default('json') }),
      },
    },
    async (request, reply) => {
      if (request.query.format === 'csv') requireCapability(request.actor, 'audit.history-csv');
      const events = await deps.queries.history(request.params.id, request.actor);
      if (request.query.format === 'json') return { events };
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="petition-${request.params.id}-trail.csv"`)
        .send(trailCsv(events));
    },
  );

  r.get(
    '/petitions/:id/replay',
    {
      schema: {
        summary: 'The case rebuilt from its trail alone (optionally as of a time)',
        params: idParams,
        querystring: z.object({ at: z.iso.datetime({ offset: true }).optional() }),
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.replay');
      const until = request.query.at === undefined ? undefined : new Date(request.query.at);
      return deps.audit.replay(request.params.id, request.actor.unit, until);
    },
  );
}
