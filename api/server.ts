import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { DEFAULT_API_LIMITS, DEFAULT_SESSION_SETTINGS, type ApiLimits, type SessionSettings } from '../config/load-config';
import type { Database } from '../db/schema';
import type { StatisticsFlag } from '../config/policy.schema';
import type { AuditCheckpointService } from '../engine/audit-checkpoint.service';
import type { AuditService } from '../engine/audit.service';
import { createVerifyRunService } from '../engine/verify-run.service';
import { createCaseQueryService } from '../engine/case-query.service';
import { createIncidentService } from '../engine/incident.service';
import type { PetitionEngine } from '../engine/petition.engine';
import { createSupervisionService } from '../engine/supervision.service';
import { createStatisticsService } from '../engine/statistics/statistics.service';
import { createReportsService } from '../engine/statistics/reports.service';
import { createUnitDirectory, type UnitDirectory } from '../engine/unit-directory.service';
import { createAccountService } from '../engine/account.service';
import { createSessionService } from '../engine/session.service';
import { registerAuthentication } from './authentication';
import { createUnitService } from '../engine/unit.service';
import { handleClientError } from './client-error.handler';
import { registerCors } from './cors';
import { registerOpenApi } from './openapi';
import { handleError, notFoundBody } from './error-mapping';
import { registerHardening, requestLogView } from './http-hardening';
import { createMetrics } from './metrics';
import { registerIncidentRoutes, type IncidentRetrier } from './incident.routes';
import { registerAuditCheckpointRoutes } from './audit-checkpoint.routes';
import { registerOpsRoutes } from './ops.routes';
import { registerSupervisionRoutes } from './supervision.routes';
import { registerStatisticsRoutes } from './statistics.routes';
import { registerReportRoutes } from './report.routes';
import { registerPetitionRoutes } from './petition.routes';
import { registerSessionRoutes } from './session.routes';
import { registerUserRoutes } from './user.routes';
import { registerPeopleRoutes } from './people.routes';
import { createPeopleQueryService } from '../engine/people/people-query.service';
import { createAccessLogService } from '../engine/people/access-log';
import { registerDocumentRoutes } from './document.routes';
import { registerTodoRoutes } from './todo.routes';
import { createTodoService } from '../engine/todo/todo.service';
import { createDocumentService } from '../engine/documents/document.service';
import { registerUnitRoutes } from './unit.routes';
import { registerVocabularyRoutes } from './vocabulary.routes';
import { registerAttachmentRoutes } from './attachment.routes';
import { createAttachmentService } from '../engine/attachments/attachment.service';
import { createDatabaseAttachmentStore } from '../engine/attachments/attachment-store';
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from '../config/attachment-limits';

/** What the HTTP API is built from; everything is injected so tests and the CLI compose it alike. */
export interface ServerDeps {
  readonly engine: PetitionEngine;
  readonly audit: AuditService;
  readonly checkpoints: AuditCheckpointService;
  readonly db: Kysely<Database>;
  readonly authSecret: string;
  readonly logger: Logger | false;
  /** Checks of the backing services for `/readyz` (e.g. `{ database: true, redis: false }`). */
  readonly readiness: () => Promise<Record<string, boolean>>;
  readonly now?: () => Date;
  /** Retries incidents (the worker runtime); without it `POST /incidents/:id/retry` is refused. */
  readonly incidents?: IncidentRetrier;
  /** The 四无 criteria of the policy (`statistics.fourNone`); the statistics' default unless given. */
  readonly fourNone?: readonly StatisticsFlag[] | undefined;
  /** Token lifetime and rate limits (the configuration's `api`); the defaults unless given. */
  readonly limits?: ApiLimits;
  /** Console sessions and the sign-in lockout (the configuration's `sessions`); the defaults unless given. */
  readonly sessions?: SessionSettings;
  /** The size and media types of attachments (the configuration's `attachments`); the defaults unless given. */
  readonly attachments?: AttachmentLimits;
  /** The person index key (`resolvePeopleIndexKey`); without it the people routes are not served. */
  readonly peopleIndexKey?: Buffer;
  /** Origins whose pages may call the API from a browser (CORS); none unless given. */
  readonly corsOrigins?: readonly string[];
  /** The process's unit directory (shared with the engine); a directory of its own unless given. */
  readonly units?: UnitDirectory;
}

/** The version of the API description (the package's). */
const API_VERSION = '0.1.0';

/** Where the web console is served; its files are public, its API calls carry the user's token. */
export const CONSOLE_PREFIX = '/console';

/** Where the API description is browsed (swagger-ui). */
const DOCS_PREFIX = '/docs';

/** Routes that carry no case data and must work without a token (probes, API description, the console's static files). */
const PUBLIC_PREFIXES = ['/healthz', '/readyz', '/openapi.json', '/vocabulary', DOCS_PREFIX, CONSOLE_PREFIX];

/**
 * The console's folder (`web/` at the package root). Searched upwards because this file runs both from
 * `api/` (ts sources under jest and tsx) and from `dist/api/` (the build), which sit at different depths.
 */
function findWebRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`the web console (web/index.html) was not found above ${from}`);
  }
}

/**
 * The console's pages may only load their own scripts, styles and API: the token sits in sessionStorage,
 * so no injected or third-party script may ever run next to it.
 */
const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/**
 * Builds the Fastify app of the HTTP API: zod-validated routes, bearer-token
 * auth, one error mapping, metrics and the OpenAPI description.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const limits = deps.limits ?? DEFAULT_API_LIMITS;
  // pino's Logger type is narrower than Fastify's base logger; the instance is used through the base type.
  const app = Fastify({
    ...(deps.logger === false ? { logger: false } : { loggerInstance: deps.logger }),
    // Intake bodies are small; anything near this is refused before parsing.
    bodyLimit: 1024 * 1024,
    // Requests Node's parser refuses: answered in the error shape, logged without their bytes.
    clientErrorHandler: handleClientError,
    // Request logs name the method and path, never the query string.
    childLoggerFactory: (logger, bindings, opts) =>
      logger.child(bindings, { ...opts, serializers: { ...opts.serializers, req: requestLogView } }),
    // The router's own refusals (a path segment over 100 characters, a malformed URL) in the error shape of
    // the error shape, without echoing the path back (Fastify's default body quotes it and has no `error.code`).
    frameworkErrors: (err, _request, reply) => {
      const status = err.statusCode ?? 400;
      const message =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path segment is too long' : status >= 500 ? 'internal error' : 'malformed URL';
      void (reply as unknown as FastifyReply)
        .status(status)
        .headers({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' })
        .send({ error: { code: status >= 500 ? 'INTERNAL' : 'VALIDATION', message } });
    },
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas describe the API (and type the handlers); they are not re-checked on every response
  // in production, where a mismatch would turn a good answer into a 500. The integration tests check every
  // response against the served description instead (tests/support/response-validation.ts).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((_req, reply) => reply.status(404).send(notFoundBody()));
  await registerHardening(app, limits, [CONSOLE_PREFIX, DOCS_PREFIX]);

  await registerCors(app, deps.corsOrigins ?? []);
  await registerOpenApi(app, API_VERSION);
  await app.register(fastifyStatic, {
    root: findWebRoot(),
    prefix: CONSOLE_PREFIX,
    // `/console` → `/console/`, so the pages' relative links resolve inside the console.
    redirect: true,
    setHeaders: (reply) => {
      void reply.header('content-security-policy', CONSOLE_CSP);
    },
  });
  // Apache ECharts for the dashboard, from the installed package: the console loads nothing from the network.
  await app.register(fastifyStatic, {
    root: join(dirname(require.resolve('echarts/package.json')), 'dist'),
    prefix: `${CONSOLE_PREFIX}/vendor/echarts/`,
    decorateReply: false,
    allowedPath: (path) => path === '/echarts.esm.min.mjs',
    setHeaders: (reply) => {
      void reply.header('content-security-policy', CONSOLE_CSP);
    },
  });
  // Noto Sans SC from the installed package, so Chinese reads the same on a machine without a CJK font;
  // its stylesheet splits the font by unicode-range, so a page fetches only the slices it shows.
  await app.register(fastifyStatic, {
    root: dirname(require.resolve('@fontsource/noto-sans-sc/package.json')),
    prefix: `${CONSOLE_PREFIX}/vendor/noto-sans-sc/`,
    decorateReply: false,
    allowedPath: (path) => /^\/(400|700)\.css$/.test(path) || /^\/files\/noto-sans-sc-[\w-]+-(400|700)-normal\.woff2?$/.test(path),
    setHeaders: (reply) => {
      void reply.header('content-security-policy', CONSOLE_CSP);
    },
  });
  // The root is where people type the address: send them to the console (no case data, so no token).
  app.get('/', { schema: { hide: true } }, (_request, reply) => reply.redirect(`${CONSOLE_PREFIX}/`));

  const sessionSettings = deps.sessions ?? DEFAULT_SESSION_SETTINGS;
  const accounts = createAccountService(deps.db, deps.now);
  const sessions = createSessionService(deps.db, sessionSettings, deps.now);
  registerAuthentication(app, {
    authSecret: deps.authSecret,
    tokenMaxLifetime: limits.tokenMaxLifetime,
    sessions,
    accounts,
    publicPrefixes: PUBLIC_PREFIXES,
  });

  const metrics = createMetrics();
  metrics.instrument(app);
  // One cached unit tree for the reads and GET /units (the engine is given the same one by `serve`).
  const units = deps.units ?? createUnitDirectory(deps.db);
  const queries = createCaseQueryService(deps.db, deps.now, units, deps.engine);
  registerSessionRoutes(app, { sessions, accounts, settings: sessionSettings });
  registerUserRoutes(app, { accounts });
  registerPetitionRoutes(app, { engine: deps.engine, audit: deps.audit, queries, metrics });
  registerTodoRoutes(app, { todo: createTodoService({ db: deps.db, units, urgency: deps.engine, now: deps.now ?? (() => new Date()) }) });
  registerDocumentRoutes(app, { documents: createDocumentService({ queries, units, policy: deps.engine.policy }) });
  const runs = createVerifyRunService({ db: deps.db, audit: deps.audit, ...(deps.now !== undefined && { now: deps.now }) });
  app.addHook('onClose', () => runs.idle());
  registerOpsRoutes(app, {
    audit: deps.audit,
    readiness: deps.readiness,
    metrics,
    queries,
    verifyMaxCases: limits.auditVerifyMaxCases,
    runs,
  });
  registerAuditCheckpointRoutes(app, { checkpoints: deps.checkpoints });
  registerIncidentRoutes(app, { incidents: createIncidentService(deps.db), retrier: deps.incidents });
  registerSupervisionRoutes(app, { supervision: createSupervisionService({ db: deps.db, queries, now: deps.now ?? (() => new Date()) }) });
  const statistics = createStatisticsService({ db: deps.db, fourNone: deps.fourNone });
  registerStatisticsRoutes(app, { statistics });
  registerReportRoutes(app, { reports: createReportsService({ db: deps.db, statistics, now: deps.now ?? (() => new Date()) }) });
  if (deps.peopleIndexKey !== undefined) {
    registerPeopleRoutes(app, {
      people: createPeopleQueryService(deps.db, deps.peopleIndexKey, deps.now),
      accessLog: createAccessLogService(deps.db),
    });
  }
  registerUnitRoutes(app, { units: createUnitService(deps.db, units) });
  registerVocabularyRoutes(app);
  // Last: its plugin scope takes the hooks registered above (authentication, rate limits).
  await registerAttachmentRoutes(app, {
    attachments: createAttachmentService({
      db: deps.db,
      engine: deps.engine,
      store: createDatabaseAttachmentStore(deps.db),
      limits: deps.attachments ?? DEFAULT_ATTACHMENT_LIMITS,
      ...(deps.now !== undefined && { now: deps.now }),
    }),
  });
  return app;
}
