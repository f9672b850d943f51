import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { canonical } from '../engine/audit-hash';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AuditService } from '../engine/audit.service';
import { LIST_SORTS, type CaseQueryService, type HistoryEvent, type ListQuery } from '../engine/case-query.service';
import type { PetitionView } from '../engine/case-view';
import { caseListSheet } from '../engine/exports/case-list-export';
import { sheetCsv, sheetXlsx, type Sheet } from '../engine/exports/sheet';
import { trailSheet } from '../engine/exports/trail-export';
import { XLSX_TYPE } from './statistics.routes';
import { stringify } from 'csv-stringify/sync';
import { requireCapability } from '../engine/access';
import { PetitionError } from '../engine/errors';
import type { IdempotencyOptions, PetitionEngine } from '../engine/petition.engine';
import { ALL_STATES } from '../engine/lifecycle-versions';
import { divisionCodeSchema } from '../machines/petition.roles';
import type { ApiMetrics } from './metrics';
import { TAGS } from './openapi';
import { caseIdParams as idParams, COMMON_ERRORS, cursorQuery, errors, limitQuery, ok, queryBoolean } from './schemas/common.schema';
import {
  commandBodySchema,
  historySchema,
  intakeBodyFor,
  KNOWN_COMMAND_TYPES,
  petitionPageSchema,
  petitionViewResponse,
  replaySchema,
  sendTargetsSchema,
  TRAIL_CSV_COLUMNS,
} from './schemas/petition.schema';

/** The most cases one list export holds. */
const LIST_EXPORT_MAX = 5000;

const listQuery = z.object({
  state: z.enum(ALL_STATES).optional().describe('only cases in this state'),
  unit: divisionCodeSchema.optional().describe('only cases of this unit and the units below it (inside your own)'),
  overdue: queryBoolean.optional().describe('only cases with a breached deadline or a pending one past due'),
  format: z
    .enum(['json', 'csv', 'xlsx'])
    .default('json')
    .describe(
      `csv (UTF-8 with BOM, Chinese headers, Beijing time) or xlsx: every case the filters match, up to ${LIST_EXPORT_MAX}, in the chosen order; limit and cursor are ignored`,
    ),
  sort: z
    .enum(LIST_SORTS)
    .default('newest')
    .describe(
      'newest: newest first; urgency: the nearest due time of a live deadline first (overdue cases on top), cases without one last',
    ),
  limit: limitQuery(100, 20),
  cursor: cursorQuery,
});

/**
 * The route-level check of a body the engine validates under a machine
 * version (the case's, or the one new cases start under): a JSON object, with
 * a string `type` and an optional `expectedVersion` for a command. Params and
 * headers are checked with their own schemas as everywhere. Field errors come
 * from the engine, with their paths; the description still shows each
 * version's bodies.
 */
function envelopeValidator<S>(isCommand: boolean): FastifySchemaCompiler<S> {
  const envelope = isCommand
    ? z.looseObject({ type: z.string().min(1).max(64), expectedVersion: z.number().int().positive().optional() })
    : z.looseObject({});
  type Route = Parameters<typeof validatorCompiler>[0];
  return (route) => validatorCompiler((route.httpPart === 'body' ? { ...route, schema: envelope } : route) as unknown as Route);
}

const TRAIL_CSV = `the trail as CSV (auditors): a header row of camelCase column names (${TRAIL_CSV_COLUMNS.join(', ')}), then one row per entry; \`fields\` is the entry's canonical JSON, so each hash can be re-computed`;

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9._~-]{8,128}$/, '8 to 128 characters: letters, digits, . _ ~ -')
    .optional()
    .describe(
      '幂等键: send the same key again after a lost answer to get the first answer, nothing written twice; the same key with another request is 422 IDEMPOTENCY_KEY_REUSED. Kept 24 hours, per user.',
    ),
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
    events.map((e) => [
      e.seq,
      e.type,
      e.actor.id,
      e.actor.role,
      e.actor.unit,
      e.at,
      e.machineVersion,
      canonical(e.fields),
      e.prevHash,
      e.hash,
    ]),
    { header: true, columns: [...TRAIL_CSV_COLUMNS] },
  );
}

/** Every case a list query matches, page by page, up to {@link LIST_EXPORT_MAX}. */
async function everyCase(queries: CaseQueryService, q: ListQuery, actor: FastifyRequest['actor']): Promise<PetitionView[]> {
  const out: PetitionView[] = [];
  let cursor: string | undefined;
  do {
    const page = await queries.list({ ...q, limit: 100, cursor }, actor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && out.length < LIST_EXPORT_MAX);
  return out.slice(0, LIST_EXPORT_MAX);
}

/** A sheet as the file asked for: CSV (UTF-8 with BOM) or XLSX. */
async function sendSheet(reply: FastifyReply, sheet: Sheet, format: 'csv' | 'xlsx', name: string): Promise<FastifyReply> {
  void reply.header('content-disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'csv') return reply.header('content-type', 'text/csv; charset=utf-8').send(sheetCsv(sheet));
  return reply.header('content-type', XLSX_TYPE).send(await sheetXlsx(sheet));
}

/** The petition routes: intake, read, commands, list, history, replay. */
export function registerPetitionRoutes(
  app: FastifyInstance,
  deps: { engine: PetitionEngine; audit: AuditService; queries: CaseQueryService; metrics: ApiMetrics },
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/petitions',
    {
      schema: {
        operationId: 'recordPetition',
        tags: [TAGS.petitions.name],
        summary: 'Record a petition (登记, Art 19)',
        description:
          'Records a petition that arrived by letter, visit, phone, fax, online or a grid worker. Answers the new case. With an `Idempotency-Key`, sending again after a lost answer records it once.',
        body: intakeBodyFor(deps.engine.newCaseVersion),
        headers: idempotencyHeaders,
        response: { 201: ok('the recorded case (登记)', petitionViewResponse), ...errors(...COMMON_ERRORS, 403, 413, 415, 422, 429) },
      },
      validatorCompiler: envelopeValidator(false),
    },
    async (request, reply) => {
      const { actor } = request;
      requireCapability(actor, 'petitions.intake');
      // The engine validates the body under the version new cases start under, then checks its unit against the actor's.
      const view = await deps.engine.intake(request.body, actor, { idempotency: idempotencyOf(request, request.body) });
      return reply.status(201).send(view);
    },
  );

  r.get(
    '/petitions/:id',
    {
      schema: {
        operationId: 'getPetition',
        tags: [TAGS.petitions.name],
        summary: 'One case (案件)',
        description: 'The case as your role may see it, with its deadlines, open incidents and the commands you may send now.',
        params: idParams,
        response: { 200: ok('the case', petitionViewResponse), ...errors(...COMMON_ERRORS, 404) },
      },
    },
    async (request) => deps.queries.get(request.params.id, request.actor),
  );

  r.post(
    '/petitions/:id/events',
    {
      schema: {
        operationId: 'sendCommand',
        tags: [TAGS.petitions.name],
        summary: 'Send a command to a case (受理, 交办, 办结, 督办 …)',
        description:
          'Moves the case by one event of its lifecycle. 403 when your role never sends that event, 422 EVENT_NOT_ALLOWED (with `allowedEvents`) when the case state does not allow it now, 409 when `expectedVersion` is stale.',
        params: idParams,
        body: commandBodySchema,
        headers: idempotencyHeaders,
        response: {
          200: ok('the case after the event', petitionViewResponse),
          ...errors(...COMMON_ERRORS, 403, 404, 409, 413, 415, 422, 429),
        },
      },
      validatorCompiler: envelopeValidator(true),
    },
    async (request) => {
      const { actor } = request;
      const body = request.body as { type: string; expectedVersion?: number };
      // A made-up type is counted as `unknown`: metric labels take only the types some version knows.
      const type = KNOWN_COMMAND_TYPES.has(body.type) ? body.type : 'unknown';
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

  r.get(
    '/petitions',
    {
      schema: {
        operationId: 'listPetitions',
        tags: [TAGS.petitions.name],
        summary: 'Cases in your units, newest first (案件列表)',
        description:
          'One page of cases as JSON; with `format=csv` or `xlsx`, every case the filters match (scoped and masked as the JSON is) as a file for people: names, Beijing time, the most urgent deadline in days.',
        querystring: listQuery,
        response: {
          200: {
            description: 'one page of cases, or the list as a file',
            content: {
              'application/json': { schema: petitionPageSchema },
              'text/csv': { schema: z.string().describe('one row per case; Chinese headers, UTF-8 with BOM') },
              [XLSX_TYPE]: { schema: z.string().describe('a workbook of one sheet, the same table') },
            },
          },
          ...errors(...COMMON_ERRORS),
        },
      },
    },
    async (request, reply) => {
      const { format, ...q } = request.query;
      const query = { state: q.state, unit: q.unit, overdue: q.overdue === true, sort: q.sort, limit: q.limit, cursor: q.cursor };
      if (format === 'json') return deps.queries.list(query, request.actor);
      const views = await everyCase(deps.queries, { ...query, cursor: undefined }, request.actor);
      const names = new Map(views.flatMap((v) => v.units.map((u) => [u.unit, u.name ?? undefined] as const)));
      const sheet = caseListSheet(views, (unit) => names.get(unit));
      return sendSheet(reply, sheet, format, 'petitions');
    },
  );

  r.get(
    '/petitions/:id/history',
    {
      schema: {
        operationId: 'getPetitionHistory',
        tags: [TAGS.audit.name],
        summary: 'The audit trail of a case (审计记录; JSON, or CSV for auditors)',
        description:
          'Every entry of the hash-chained trail, oldest first; the intake masked as in the case view. `format=csv` is for auditors.',
        params: idParams,
        querystring: z.object({
          format: z
            .enum(['json', 'csv', 'xlsx', 'raw-csv'])
            .default('json')
            .describe(
              'csv / xlsx: for people (Chinese headers, Beijing time, one column per field, UTF-8 with BOM); raw-csv: for machines (camelCase columns, UTC, each entry’s fields as canonical JSON so its hash can be re-computed)',
            ),
        }),
        response: {
          200: {
            description: 'the trail',
            content: {
              'application/json': { schema: historySchema },
              'text/csv': { schema: z.string().describe(`csv: one row per entry in Chinese; raw-csv: ${TRAIL_CSV}`) },
              [XLSX_TYPE]: { schema: z.string().describe('a workbook of one sheet, the same table as csv') },
            },
          },
          ...errors(...COMMON_ERRORS, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const { format } = request.query;
      if (format !== 'json') requireCapability(request.actor, 'audit.history-csv');
      const events = await deps.queries.history(request.params.id, request.actor);
      if (format === 'json') return { events, names: await deps.queries.trailNames(events) };
      const name = `petition-${request.params.id}-trail`;
      if (format !== 'raw-csv') return sendSheet(reply, trailSheet(events), format, name);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}-raw.csv"`)
        .send(trailCsv(events));
    },
  );

  r.get(
    '/petitions/:id/targets',
    {
      schema: {
        operationId: 'getSendTargets',
        tags: [TAGS.petitions.name],
        summary: 'Where you may send a case now (转送, 交办, 改派 targets)',
        description:
          'The units of the tree a TRANSFER, ASSIGN or REASSIGN may name now: within your reach, never the accused unit of an accusation. 422 EVENT_NOT_ALLOWED (with `allowedEvents`) when you may not send that event now; 400 for an event that sends the case nowhere.',
        params: idParams,
        querystring: z.object({ event: z.string().min(1).max(64).describe('the command, e.g. TRANSFER') }),
        response: { 200: ok('the units the command may name', sendTargetsSchema), ...errors(...COMMON_ERRORS, 404, 422) },
      },
    },
    async (request) => deps.queries.sendTargets(request.params.id, request.query.event, request.actor),
  );

  r.get(
    '/petitions/:id/replay',
    {
      schema: {
        operationId: 'replayPetition',
        tags: [TAGS.audit.name],
        summary: 'The case rebuilt from its trail alone (回放), optionally as of a time',
        description:
          'Folds the trail through the rules of the machine version it was recorded under and compares the result with the stored case.',
        params: idParams,
        querystring: z.object({ at: z.iso.datetime({ offset: true }).optional().describe('replay up to this instant') }),
        response: { 200: ok('the replay', replaySchema), ...errors(...COMMON_ERRORS, 403, 404) },
      },
    },
    async (request) => {
      requireCapability(request.actor, 'audit.replay');
      const until = request.query.at === undefined ? undefined : new Date(request.query.at);
      return deps.audit.replay(request.params.id, request.actor.unit, until);
    },
  );
}
