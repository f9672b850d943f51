import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { canonical } from '../engine/audit-hash';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditService } from '../engine/audit.service';
import type { CaseQueryService, HistoryEvent } from '../engine/case-query.service';
import { stringify } from 'csv-stringify/sync';
import { requireCapability, requireUnitInScope } from '../engine/access';
import { PetitionError } from '../engine/errors';
import type { IdempotencyOptions, PetitionEngine } from '../engine/petition.engine';
import { STATE_NAMES } from '../machines/petition.vocabulary';
import { divisionCodeSchema } from '../machines/petition.roles';
import { COMMAND_TYPES, commandFieldSchemas, intakeSchema, type CommandType } from '../machines/petition.schemas';
import type { ApiMetrics } from './metrics';

const idParams = z.object({ id: z.uuid() });

/** A command body: the event's own fields plus the optional `expectedVersion` (optimistic concurrency). */
const eventBodySchema = z.discriminatedUnion(
  'type',
  COMMAND_TYPES.map((type) =>
    commandFieldSchemas[type].extend({ type: z.literal(type), expectedVersion: z.number().int().positive().optional() }),
  ) as unknown as [z.ZodObject, ...z.ZodObject[]],
);

const listQuery = z.object({
  state: z.enum(STATE_NAMES).optional(),
  unit: divisionCodeSchema.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

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

  r.post('/petitions', { schema: { summary: 'Record a petition (登记, Art 19)', body: intakeSchema, headers: idempotencyHeaders } }, async (request, reply) => {
    const { actor } = request;
    requireCapability(actor, 'petitions.intake');
    requireUnitInScope(request.body.unit, actor);
    const view = await deps.engine.intake(request.body, actor, { idempotency: idempotencyOf(request, request.body) });
    return reply.status(201).send(view);
  });

  r.get('/petitions/:id', { schema: { summary: 'One case', params: idParams } }, async (request) =>
    deps.queries.get(request.params.id, request.actor),
  );

  r.post(
    '/petitions/:id/events',
    { schema: { summary: 'Send a command to a case', params: idParams, body: eventBodySchema, headers: idempotencyHeaders } },
    async (request) => {
      const { actor } = request;
      const body = request.body as { type: CommandType; expectedVersion?: number };
      try {
        const view = await deps.engine.dispatch(request.params.id, body, actor, {
          expectedVersion: body.expectedVersion,
          idempotency: idempotencyOf(request, body),
        });
        deps.metrics.events.inc({ type: body.type, outcome: 'ok' });
        return view;
      } catch (err) {
        deps.metrics.events.inc({ type: body.type, outcome: err instanceof PetitionError ? err.code : 'INTERNAL' });
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
