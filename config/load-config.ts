import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './config.errors';
import { DEFAULT_ATTACHMENT_LIMITS, MEDIA_TYPE, type AttachmentLimits } from './attachment-limits';
import { DEFAULT_POLICY } from './default-policy';
import { CLOCK_BREACH_ACTIONS, supportsBreachAction } from '../machines/breach-actions';
import { durationMillis, isoDurationSchema } from '../machines/iso-duration';
import { MACHINE_VERSIONS } from '../machines/petition.registry';
import { CLOCK_NAMES, type ClockName } from '../machines/petition.vocabulary';
import { policyFileSchema, type ClockPolicy, type ClockPolicyInput, type Policy, type PolicyFile } from './policy.schema';

/** A browser origin: scheme, host and optional port, nothing after it. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Limits of the HTTP API (tokens, request rates); each is a variable of the configuration table. */
export interface ApiLimits {
  /** The longest a token may live (its `exp` minus its `iat`), an ISO 8601 duration; a token without either is refused. */
  readonly tokenMaxLifetime: string;
  /** The window of every rate limit, an ISO 8601 duration. */
  readonly rateLimitWindow: string;
  /** Writes (POST, PUT, PATCH, DELETE) one actor (user id, role and unit) may send per window. */
  readonly writesPerUser: number;
  /** Writes one client address may send per window, whoever sends them (tokens or not). */
  readonly writesPerAddress: number;
  /** `GET /audit/verify` calls one actor may make per window: each walks every hash chain in its scope. */
  readonly auditVerifyPerUser: number;
  /** The most cases `GET /audit/verify` walks in one call; a wider scope is refused (narrow it, or verify offline). */
  readonly auditVerifyMaxCases: number;
  /** Sign-in attempts (`POST /sessions`) one client address may make per window, good or bad. */
  readonly signInPerAddress: number;
  /** Sign-in attempts naming one account per window, from anywhere (password guessing spread over addresses). */
  readonly signInPerName: number;
}

/** Console sessions and the sign-in lockout. */
export interface SessionSettings {
  /** How long a session lives from sign-in, whatever the activity (ISO 8601 duration). */
  readonly lifetime: string;
  /** How long a session survives without a request (ISO 8601 duration). */
  readonly idleTimeout: string;
  /** Consecutive wrong passwords that lock an account. */
  readonly maxFailures: number;
  /** How long a locked account stays locked (ISO 8601 duration). */
  readonly lockout: string;
  /** `auto`: the cookie is `Secure` when the request came over HTTPS; `always` (behind a TLS proxy) or `never`. */
  readonly cookieSecure: 'auto' | 'always' | 'never';
}

/** The session settings when the environment says nothing. */
export const DEFAULT_SESSION_SETTINGS: SessionSettings = Object.freeze({
  lifetime: 'PT12H',
  idleTimeout: 'PT2H',
  maxFailures: 5,
  lockout: 'PT15M',
  cookieSecure: 'auto',
});

/** The limits the API keeps when the environment says nothing. */
export const DEFAULT_API_LIMITS: ApiLimits = Object.freeze({
  tokenMaxLifetime: 'PT12H',
  rateLimitWindow: 'PT1M',
  writesPerUser: 120,
  writesPerAddress: 600,
  auditVerifyPerUser: 6,
  auditVerifyMaxCases: 20_000,
  signInPerAddress: 30,
  signInPerName: 10,
});

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?(\+cluster)?:\/\//, 'must be a redis:// URL (redis+cluster://host:port,host:port for a Redis Cluster)')
    .default('redis://127.0.0.1:6379'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  PEOPLE_INDEX_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  PETITION_POLICY: z.string().min(1).optional(),
  RECONCILE_EVERY: isoDurationSchema.default('PT1M'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[^:\s]+$|^\{[^}\s]+\}$/, 'no colons or spaces; a Redis Cluster hash tag such as {pf} is allowed')
    .default('petitionflow'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  NOTIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
  NOTIFY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
  PETITION_CALENDAR: z.string().min(1).optional(),
  TOKEN_MAX_LIFETIME: isoDurationSchema.default(DEFAULT_API_LIMITS.tokenMaxLifetime),
  RATE_LIMIT_WINDOW: isoDurationSchema.default(DEFAULT_API_LIMITS.rateLimitWindow),
  RATE_LIMIT_WRITES_PER_USER: positiveInt(1_000_000).default(DEFAULT_API_LIMITS.writesPerUser),
  RATE_LIMIT_WRITES_PER_ADDRESS: positiveInt(1_000_000).default(DEFAULT_API_LIMITS.writesPerAddress),
  RATE_LIMIT_AUDIT_VERIFY_PER_USER: positiveInt(1_000_000).default(DEFAULT_API_LIMITS.auditVerifyPerUser),
  AUDIT_VERIFY_MAX_CASES: positiveInt(100_000_000).default(DEFAULT_API_LIMITS.auditVerifyMaxCases),
  RATE_LIMIT_SIGNIN_PER_ADDRESS: positiveInt(1_000_000).default(DEFAULT_API_LIMITS.signInPerAddress),
  RATE_LIMIT_SIGNIN_PER_NAME: positiveInt(1_000_000).default(DEFAULT_API_LIMITS.signInPerName),
  SESSION_LIFETIME: isoDurationSchema.default(DEFAULT_SESSION_SETTINGS.lifetime),
  SESSION_IDLE_TIMEOUT: isoDurationSchema.default(DEFAULT_SESSION_SETTINGS.idleTimeout),
  SIGNIN_MAX_FAILURES: positiveInt(1000).default(DEFAULT_SESSION_SETTINGS.maxFailures),
  SIGNIN_LOCKOUT: isoDurationSchema.default(DEFAULT_SESSION_SETTINGS.lockout),
  SESSION_COOKIE_SECURE: z.enum(['auto', 'always', 'never']).default(DEFAULT_SESSION_SETTINGS.cookieSecure),
  ATTACHMENT_MAX_BYTES: positiveInt(1024 * 1024 * 1024).default(DEFAULT_ATTACHMENT_LIMITS.maxBytes),
  ATTACHMENT_TYPES: z
    .string()
    .default(DEFAULT_ATTACHMENT_LIMITS.mediaTypes.join(','))
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter((t) => t !== ''),
    )
    .pipe(z.array(z.string().regex(MEDIA_TYPE, 'each type is type/subtype, e.g. application/pdf, comma-separated')).min(1)),
  AUDIT_SIGNING_KEY: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_EVERY: isoDurationSchema.optional(),
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_WEBHOOK: z.enum(['true', 'false']).default('false'),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(z.array(z.string().regex(ORIGIN, 'each origin is scheme://host[:port], e.g. https://portal.example.gov.cn, comma-separated'))),
});

/** The validated, frozen configuration of one process. */
export interface Config {
  /** PostgreSQL URL; absent means the embedded PGlite database under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string;
  readonly port: number;
  readonly host: string;
  /** HS256 secret for API tokens; absent means the secret kept under `dataDir` (see `resolveAuthSecret`). */
  readonly authSecret: string | undefined;
  /** HMAC-SHA256 key of the person index (ID numbers and phones); absent means the key kept under `dataDir` (see `resolvePeopleIndexKey`). */
  readonly peopleIndexKey: string | undefined;
  readonly policy: Policy;
  readonly policyPath: string | undefined;
  readonly reconcileEvery: string;
  readonly queuePrefix: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  readonly dataDir: string;
  /** Where breach and reminder notifications are POSTed (signed with `notifyWebhookSecret`); absent: log only. */
  readonly notifyWebhookUrl: string | undefined;
  readonly notifyWebhookSecret: string | undefined;
  /** Deadline jobs one worker process runs at once. */
  readonly workerConcurrency: number;
  /** Working-day overrides (`{"2028-01-29": false, "2028-02-05": true}`) for years the State Council publishes later. */
  readonly calendarOverrides: Readonly<Record<string, boolean>>;
  /** Token lifetime and request-rate limits of the HTTP API. */
  readonly api: ApiLimits;
  /** The size and media types of uploaded attachments. */
  readonly attachments: AttachmentLimits;
  /** Console sessions: lifetime, idle timeout, lockout, cookie. */
  readonly sessions: SessionSettings;
  /** Path of the PKCS#8 PEM Ed25519 key that signs audit checkpoints; absent: one generated once under `dataDir`. */
  readonly auditSigningKey: string | undefined;
  /** How often the sweeper takes a signed checkpoint (ISO 8601 duration); absent: never on its own. */
  readonly auditCheckpointEvery: string | undefined;
  /** Directory each scheduled checkpoint is written to as `<createdAt>-<id>.json`. */
  readonly auditCheckpointDir: string | undefined;
  /** Whether scheduled checkpoints are also POSTed to `notifyWebhookUrl` (signed like notifications). */
  readonly auditCheckpointWebhook: boolean;
  /** Origins whose browser pages may call the API (CORS); empty: CORS is off. */
  readonly corsOrigins: readonly string[];
}

const calendarOverridesSchema = z.record(z.iso.date(), z.boolean());

function loadCalendarOverrides(path: string | undefined, problems: string[]): Record<string, boolean> {
  if (path === undefined) return {};
  try {
    const parsed = calendarOverridesSchema.safeParse(JSON.parse(readFileSync(resolve(path), 'utf8')));
    if (parsed.success) return parsed.data;
    problems.push(...describe(parsed.error.issues, `PETITION_CALENDAR ${path}: `));
  } catch (err) {
    problems.push(`PETITION_CALENDAR: cannot read ${path} as JSON (${(err as Error).message})`);
  }
  return {};
}

function describe(issues: readonly z.core.$ZodIssue[], prefix: string): string[] {
  return issues.map((i) => {
    const path = i.path.length > 0 ? i.path.join('.') : '';
    return `${prefix}${path}: ${i.message}`;
  });
}

function loadPolicy(path: string | undefined, problems: string[]): Policy {
  if (path === undefined) return mergePolicy({});
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(resolve(path), 'utf8'));
  } catch (err) {
    problems.push(`PETITION_POLICY: cannot read ${path} as JSON (${(err as Error).message})`);
    return DEFAULT_POLICY;
  }
  const parsed = policyFileSchema.safeParse(raw);
  if (!parsed.success) {
    problems.push(...describe(parsed.error.issues, `PETITION_POLICY ${path}: `));
    return DEFAULT_POLICY;
  }
  problems.push(...policyProblems(parsed.data).map((p) => `PETITION_POLICY ${path}: ${p}`));
  const merged = mergePolicy(parsed.data.clocks, parsed.data.machineVersion);
  const { statistics, urgency, reminderTime } = parsed.data;
  return Object.freeze({
    ...merged,
    ...(statistics !== undefined && { statistics: Object.freeze({ fourNone: Object.freeze([...statistics.fourNone]) }) }),
    ...(urgency !== undefined && { urgency: Object.freeze({ ...urgency }) }),
    ...(reminderTime !== undefined && { reminderTime }),
  });
}

/**
 * What the file schema cannot see: actions a clock cannot carry out, a
 * default length beyond the clock's own maximum, an unknown machine version.
 * One line each, naming the clock or field; such a policy does not load.
 */
export function policyProblems(file: PolicyFile): string[] {
  const problems = [...unsupportedBreaches(file.clocks), ...lengthsOverMaximum(file.clocks)];
  if (file.machineVersion !== undefined && !MACHINE_VERSIONS.includes(file.machineVersion)) {
    problems.push(`machineVersion: ${file.machineVersion} is not a machine version of this build (it has ${MACHINE_VERSIONS.join(', ')})`);
  }
  return problems;
}

/**
 * One problem per clock whose `onBreach` the lifecycle cannot carry out (e.g.
 * `close` on handling, which has no window to close): such a policy would
 * silently do less than it says, so it does not load.
 */
export function unsupportedBreaches(clocks: Partial<Record<ClockName, ClockPolicyInput>>): string[] {
  return CLOCK_NAMES.flatMap((clock) => {
    const action = clocks[clock]?.onBreach;
    if (action === undefined || supportsBreachAction(clock, action)) return [];
    return [
      `clocks.${clock}.onBreach: the ${clock} clock cannot "${action}" on breach (it supports ${CLOCK_BREACH_ACTIONS[clock].join(', ')})`,
    ];
  });
}

/** One problem per clock whose default length exceeds the longest a command may give it. */
function lengthsOverMaximum(clocks: Partial<Record<ClockName, ClockPolicyInput>>): string[] {
  return CLOCK_NAMES.flatMap((clock) => {
    const entry = clocks[clock];
    if (entry?.maxDuration === undefined || durationMillis(entry.duration) <= durationMillis(entry.maxDuration)) return [];
    return [
      `clocks.${clock}.maxDuration: the ${clock} clock's duration ${entry.duration} is longer than its maxDuration ${entry.maxDuration}`,
    ];
  });
}

/**
 * Overlays a policy file's clocks on the statutory defaults; clocks left out
 * keep their defaults, a clock without `pausableFor` keeps its default list,
 * and `machineVersion` defaults to the newest registered version.
 */
export function mergePolicy(overrides: Partial<Record<string, ClockPolicyInput>>, machineVersion = DEFAULT_POLICY.machineVersion): Policy {
  const clocks = Object.fromEntries(
    CLOCK_NAMES.map((name) => {
      const fallback = DEFAULT_POLICY.clocks[name];
      const clock = overrides[name] ?? fallback;
      const pausableFor = clock.pausableFor ?? fallback.pausableFor;
      return [
        name,
        Object.freeze({ ...clock, reminders: Object.freeze([...clock.reminders]), pausableFor: Object.freeze([...pausableFor]) }),
      ];
    }),
  ) as Record<ClockName, ClockPolicy>;
  return Object.freeze({ clocks: Object.freeze(clocks), machineVersion });
}

/**
 * Parses the environment once. The only reader of `process.env` in the
 * project: everything else receives the frozen result. Throws a
 * {@link ConfigError} naming every bad variable at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  // Empty strings count as unset, the way shells and compose files write "VAR=".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) problems.push(...describe(parsed.error.issues, ''));
  const policy = loadPolicy(cleaned.PETITION_POLICY, problems);
  const calendarOverrides = loadCalendarOverrides(cleaned.PETITION_CALENDAR, problems);
  if (cleaned.NOTIFY_WEBHOOK_URL !== undefined && cleaned.NOTIFY_WEBHOOK_SECRET === undefined) {
    problems.push('NOTIFY_WEBHOOK_SECRET: required when NOTIFY_WEBHOOK_URL is set (receivers check the signature)');
  }
  if (cleaned.AUDIT_CHECKPOINT_WEBHOOK === 'true' && cleaned.NOTIFY_WEBHOOK_URL === undefined) {
    problems.push('AUDIT_CHECKPOINT_WEBHOOK: needs NOTIFY_WEBHOOK_URL (checkpoints go to the notification webhook)');
  }
  if (
    cleaned.AUDIT_CHECKPOINT_EVERY !== undefined &&
    cleaned.AUDIT_CHECKPOINT_DIR === undefined &&
    cleaned.AUDIT_CHECKPOINT_WEBHOOK !== 'true'
  ) {
    problems.push(
      'AUDIT_CHECKPOINT_EVERY: set AUDIT_CHECKPOINT_DIR or AUDIT_CHECKPOINT_WEBHOOK=true too, so a copy is kept outside the database',
    );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    port: e.PORT,
    host: e.HOST,
    authSecret: e.AUTH_SECRET,
    peopleIndexKey: e.PEOPLE_INDEX_KEY,
    policy,
    policyPath: e.PETITION_POLICY,
    reconcileEvery: e.RECONCILE_EVERY,
    queuePrefix: e.QUEUE_PREFIX,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    notifyWebhookUrl: e.NOTIFY_WEBHOOK_URL,
    notifyWebhookSecret: e.NOTIFY_WEBHOOK_SECRET,
    workerConcurrency: e.WORKER_CONCURRENCY,
    calendarOverrides: Object.freeze(calendarOverrides),
    api: Object.freeze({
      tokenMaxLifetime: e.TOKEN_MAX_LIFETIME,
      rateLimitWindow: e.RATE_LIMIT_WINDOW,
      writesPerUser: e.RATE_LIMIT_WRITES_PER_USER,
      writesPerAddress: e.RATE_LIMIT_WRITES_PER_ADDRESS,
      auditVerifyPerUser: e.RATE_LIMIT_AUDIT_VERIFY_PER_USER,
      auditVerifyMaxCases: e.AUDIT_VERIFY_MAX_CASES,
      signInPerAddress: e.RATE_LIMIT_SIGNIN_PER_ADDRESS,
      signInPerName: e.RATE_LIMIT_SIGNIN_PER_NAME,
    }),
    attachments: Object.freeze({ maxBytes: e.ATTACHMENT_MAX_BYTES, mediaTypes: Object.freeze(e.ATTACHMENT_TYPES) }),
    sessions: Object.freeze({
      lifetime: e.SESSION_LIFETIME,
      idleTimeout: e.SESSION_IDLE_TIMEOUT,
      maxFailures: e.SIGNIN_MAX_FAILURES,
      lockout: e.SIGNIN_LOCKOUT,
      cookieSecure: e.SESSION_COOKIE_SECURE,
    }),
    auditSigningKey: e.AUDIT_SIGNING_KEY,
    auditCheckpointEvery: e.AUDIT_CHECKPOINT_EVERY,
    auditCheckpointDir: e.AUDIT_CHECKPOINT_DIR,
    auditCheckpointWebhook: e.AUDIT_CHECKPOINT_WEBHOOK === 'true',
    corsOrigins: Object.freeze(e.CORS_ORIGINS),
  });
}
