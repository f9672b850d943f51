/**
 * loadConfig (README, Configuration and the policy file): every bad variable
 * named in one message, policy files overlaid clock by clock on the statutory
 * defaults, calendar overrides, the webhook's secret, and a frozen result.
 * Files are written to a private temporary directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config/config.errors';
import { DEFAULT_POLICY } from '../../config/default-policy';
import { loadConfig, unsupportedBreaches, type Config } from '../../config/load-config';
import { CLOCK_BREACH_ACTIONS } from '../../machines/breach-actions';
import { CLOCK_NAMES } from '../../machines/petition.vocabulary';
import { MACHINE_VERSIONS } from '../../machines/petition.registry';
import { createChinaCalendar } from '../../engine/working-calendar';

let dir: string;
let files = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pf-load-config-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `content` (JSON unless a string) to a fresh file and returns its path. */
function file(content: unknown, name = 'policy'): string {
  files += 1;
  const path = join(dir, `${name}-${files}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The ConfigError loadConfig throws for `env` (fails the test if it does not throw one). */
function refusal(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted the configuration');
}

const SECRET = 'a-webhook-secret-of-enough-length';

describe('the environment', () => {
  it('names every bad variable in one ConfigError', () => {
    const err = refusal({ PORT: 'abc', REDIS_URL: 'http://x', RECONCILE_EVERY: '1m', QUEUE_PREFIX: 'a:b' });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.name).toBe('ConfigError');
    for (const name of ['PORT', 'REDIS_URL', 'RECONCILE_EVERY', 'QUEUE_PREFIX']) {
      expect(err.message).toContain(`${name}:`);
      expect(err.problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
    expect(err.message.startsWith('Invalid configuration: ')).toBe(true);
  });

  it('reads the API limits (token lifetime, rate limits, the verify cap), with their defaults', () => {
    expect(loadConfig({}).api).toEqual({
      tokenMaxLifetime: 'PT12H',
      rateLimitWindow: 'PT1M',
      writesPerUser: 120,
      writesPerAddress: 600,
      auditVerifyPerUser: 6,
      auditVerifyMaxCases: 20_000,
      signInPerAddress: 30,
      signInPerName: 10,
    });
    const set = loadConfig({
      TOKEN_MAX_LIFETIME: 'PT8H',
      RATE_LIMIT_WINDOW: 'PT10S',
      RATE_LIMIT_WRITES_PER_USER: '10',
      RATE_LIMIT_WRITES_PER_ADDRESS: '50',
      RATE_LIMIT_AUDIT_VERIFY_PER_USER: '1',
      AUDIT_VERIFY_MAX_CASES: '500',
      RATE_LIMIT_SIGNIN_PER_ADDRESS: '7',
      RATE_LIMIT_SIGNIN_PER_NAME: '3',
    });
    expect(set.api).toEqual({
      tokenMaxLifetime: 'PT8H',
      rateLimitWindow: 'PT10S',
      writesPerUser: 10,
      writesPerAddress: 50,
      auditVerifyPerUser: 1,
      auditVerifyMaxCases: 500,
      signInPerAddress: 7,
      signInPerName: 3,
    });
    const err = refusal({
      TOKEN_MAX_LIFETIME: '12h',
      RATE_LIMIT_WINDOW: 'PT0S',
      RATE_LIMIT_WRITES_PER_USER: '0',
      AUDIT_VERIFY_MAX_CASES: 'many',
    });
    for (const name of ['TOKEN_MAX_LIFETIME', 'RATE_LIMIT_WINDOW', 'RATE_LIMIT_WRITES_PER_USER', 'AUDIT_VERIFY_MAX_CASES']) {
      expect(err.problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('reads the session settings (lifetime, idle timeout, lockout, cookie), with their defaults', () => {
    expect(loadConfig({}).sessions).toEqual({
      lifetime: 'PT12H',
      idleTimeout: 'PT2H',
      maxFailures: 5,
      lockout: 'PT15M',
      cookieSecure: 'auto',
    });
    const set = loadConfig({
      SESSION_LIFETIME: 'PT8H',
      SESSION_IDLE_TIMEOUT: 'PT20M',
      SIGNIN_MAX_FAILURES: '3',
      SIGNIN_LOCKOUT: 'PT1H',
      SESSION_COOKIE_SECURE: 'always',
    });
    expect(set.sessions).toEqual({ lifetime: 'PT8H', idleTimeout: 'PT20M', maxFailures: 3, lockout: 'PT1H', cookieSecure: 'always' });
    const err = refusal({ SESSION_IDLE_TIMEOUT: '20m', SIGNIN_MAX_FAILURES: '0', SESSION_COOKIE_SECURE: 'yes' });
    for (const name of ['SESSION_IDLE_TIMEOUT', 'SIGNIN_MAX_FAILURES', 'SESSION_COOKIE_SECURE']) {
      expect(err.problems.some((p) => p.startsWith(`${name}:`))).toBe(true);
    }
  });

  it('names bad variables and bad files together', () => {
    const err = refusal({
      PORT: '70000',
      LOG_LEVEL: 'loud',
      PETITION_POLICY: join(dir, 'no-such-policy.json'),
      PETITION_CALENDAR: file('{not json', 'calendar'),
    });
    expect(err.message).toContain('PORT:');
    expect(err.message).toContain('LOG_LEVEL:');
    expect(err.message).toContain(`PETITION_POLICY: cannot read ${join(dir, 'no-such-policy.json')}`);
    expect(err.message).toMatch(/PETITION_CALENDAR: cannot read \S+calendar-\d+\.json as JSON/);
  });

  it('gives the documented defaults, empty strings counting as unset', () => {
    const config = loadConfig({ PORT: '', REDIS_URL: '', QUEUE_PREFIX: '' });
    expect(config).toMatchObject({
      databaseUrl: undefined,
      redisUrl: 'redis://127.0.0.1:6379',
      port: 3000,
      reconcileEvery: 'PT1M',
      queuePrefix: 'petitionflow',
      logLevel: 'info',
      policyPath: undefined,
      notifyWebhookUrl: undefined,
      calendarOverrides: {},
    });
    expect(config.policy).toEqual(DEFAULT_POLICY);
  });

  it('takes good values, a Redis Cluster hash tag as queue prefix included', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://pf@db:5432/pf',
      REDIS_URL: 'rediss://cache:6380',
      PORT: '8080',
      RECONCILE_EVERY: 'PT30S',
      QUEUE_PREFIX: '{pf}',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://pf@db:5432/pf',
      redisUrl: 'rediss://cache:6380',
      port: 8080,
      reconcileEvery: 'PT30S',
      queuePrefix: '{pf}',
    });
  });

  it('reads CORS_ORIGINS as a comma-separated list of origins, empty (CORS off) by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://portal.example.gov.cn, http://localhost:8080' }).corsOrigins).toEqual([
      'https://portal.example.gov.cn',
      'http://localhost:8080',
    ]);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://portal.example.gov.cn/path,*' })).toThrow(/CORS_ORIGINS/);
  });
});

describe('the policy file (PETITION_POLICY)', () => {
  it('overrides one clock and keeps every other clock at its statutory default', () => {
    const path = file({ clocks: { acceptance: { duration: 'PT2S', calendar: 'elapsed', reminders: ['50%'], onBreach: 'escalate' } } });
    const config = loadConfig({ PETITION_POLICY: path });
    expect(config.policyPath).toBe(path);
    expect(config.policy.clocks.acceptance).toEqual({
      duration: 'PT2S',
      calendar: 'elapsed',
      reminders: ['50%'],
      onBreach: 'escalate',
      pausableFor: [],
    });
    for (const name of CLOCK_NAMES.filter((n) => n !== 'acceptance')) {
      expect(config.policy.clocks[name]).toEqual(DEFAULT_POLICY.clocks[name]);
    }
  });

  it('gives a clock written without reminders none, and an empty file the whole default policy', () => {
    const noReminders = loadConfig({
      PETITION_POLICY: file({ clocks: { supervision: { duration: 'P10D', calendar: 'working-days', onBreach: 'notify' } } }),
    });
    expect(noReminders.policy.clocks.supervision).toEqual({
      duration: 'P10D',
      calendar: 'working-days',
      reminders: [],
      onBreach: 'notify',
      pausableFor: [],
    });
    expect(loadConfig({ PETITION_POLICY: file({}) }).policy).toEqual(DEFAULT_POLICY);
  });

  it.each([
    ['a bad duration', { acceptance: { duration: 'P15X', calendar: 'calendar-days', onBreach: 'escalate' } }, 'clocks.acceptance.duration'],
    ['a zero duration', { acceptance: { duration: 'PT0S', calendar: 'elapsed', onBreach: 'escalate' } }, 'clocks.acceptance.duration'],
    ['an unknown clock name', { weekly: { duration: 'P7D', calendar: 'calendar-days', onBreach: 'notify' } }, 'weekly'],
    ['an unknown calendar', { handling: { duration: 'P60D', calendar: 'lunar', onBreach: 'escalate' } }, 'clocks.handling.calendar'],
    [
      'an unknown breach action',
      { handling: { duration: 'P60D', calendar: 'calendar-days', onBreach: 'ignore' } },
      'clocks.handling.onBreach',
    ],
    [
      'a bad reminder',
      { handling: { duration: 'P60D', calendar: 'calendar-days', reminders: ['150%'], onBreach: 'escalate' } },
      'clocks.handling.reminders.0',
    ],
    ['an unknown clock field', { handling: { duration: 'P60D', calendar: 'calendar-days', onBreach: 'escalate', grace: 'P1D' } }, 'grace'],
  ])('refuses %s, naming the file and the field', (_what, clocks, field) => {
    const path = file({ clocks });
    const err = refusal({ PETITION_POLICY: path });
    expect(err.message).toContain(`PETITION_POLICY ${path}`);
    expect(err.message).toContain(field);
  });

  it('names every problem of one file at once', () => {
    const path = file({
      clocks: {
        acceptance: { duration: 'fifteen days', calendar: 'calendar-days', onBreach: 'escalate' },
        handling: { duration: 'P60D', calendar: 'lunar', onBreach: 'escalate' },
        weekly: { duration: 'P7D', calendar: 'calendar-days', onBreach: 'notify' },
      },
    });
    const err = refusal({ PETITION_POLICY: path });
    const mine = err.problems.filter((p) => p.startsWith(`PETITION_POLICY ${path}: `));
    expect(mine.some((p) => p.includes('clocks.acceptance.duration'))).toBe(true);
    expect(mine.some((p) => p.includes('clocks.handling.calendar'))).toBe(true);
    expect(mine.some((p) => p.includes('weekly'))).toBe(true);
  });

  it.each([
    ['handling', { duration: 'P60D', calendar: 'calendar-days', onBreach: 'close' }],
    ['acceptance', { duration: 'P15D', calendar: 'calendar-days', onBreach: 'close' }],
    ['supervision', { duration: 'P15D', calendar: 'calendar-days', onBreach: 'close' }],
  ])('refuses "close" on the %s clock, which has nothing to close, in one line naming the clock', (clock, policy) => {
    const path = file({ clocks: { [clock]: policy } });
    const err = refusal({ PETITION_POLICY: path });
    const mine = err.problems.filter((p) => p.startsWith(`PETITION_POLICY ${path}: `));
    expect(mine).toEqual([
      `PETITION_POLICY ${path}: clocks.${clock}.onBreach: the ${clock} clock cannot "close" on breach (it supports escalate, notify)`,
    ]);
    expect(mine[0]).not.toContain('\n');
  });

  it('accepts every breach action a clock supports, and the statutory defaults pass the same check', () => {
    for (const clock of CLOCK_NAMES) {
      for (const onBreach of CLOCK_BREACH_ACTIONS[clock]) {
        const path = file({ clocks: { [clock]: { duration: 'P10D', calendar: 'calendar-days', onBreach } } });
        expect(loadConfig({ PETITION_POLICY: path }).policy.clocks[clock].onBreach).toBe(onBreach);
      }
    }
    expect(unsupportedBreaches(DEFAULT_POLICY.clocks)).toEqual([]);
  });

  it('starts new cases under the newest machine version unless the file holds them on a registered older one', () => {
    expect(loadConfig({}).policy.machineVersion).toBe(Math.max(...MACHINE_VERSIONS));
    expect(loadConfig({ PETITION_POLICY: file({ machineVersion: 1 }) }).policy.machineVersion).toBe(1);
  });

  it.each([
    [{ machineVersion: 99 }, 'machineVersion: 99 is not a machine version of this build'],
    [{ machineVersion: 0 }, 'machineVersion: '],
    [
      { clocks: { reReviewDecision: { duration: 'P30D', calendar: 'calendar-days', onBreach: 'escalate', pausableFor: ['lunch'] } } },
      'clocks.reReviewDecision.pausableFor.0',
    ],
    [
      { clocks: { report: { duration: 'P120D', calendar: 'calendar-days', onBreach: 'escalate', maxDuration: 'P90D' } } },
      "clocks.report.maxDuration: the report clock's duration P120D is longer than its maxDuration P90D",
    ],
  ])('refuses %j in one line naming the field', (content, expected) => {
    const path = file(content);
    const mine = refusal({ PETITION_POLICY: path }).problems.filter((p) => p.startsWith(`PETITION_POLICY ${path}: `));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain(expected);
  });

  it("keeps a clock's default pause reasons when its entry leaves pausableFor out, and takes [] as never", () => {
    const kept = file({ clocks: { dispatch: { duration: 'P10D', calendar: 'calendar-days', onBreach: 'escalate' } } });
    expect(loadConfig({ PETITION_POLICY: kept }).policy.clocks.dispatch).toMatchObject({
      duration: 'P10D',
      pausableFor: ['awaiting-materials'],
    });
    const never = file({
      clocks: { reReviewDecision: { duration: 'P30D', calendar: 'calendar-days', onBreach: 'escalate', pausableFor: [] } },
    });
    expect(loadConfig({ PETITION_POLICY: never }).policy.clocks.reReviewDecision.pausableFor).toEqual([]);
    expect(loadConfig({}).policy.clocks.reReviewDecision.pausableFor).toEqual(['hearing']);
  });

  it('refuses a file that is not JSON, naming its path', () => {
    const path = file('{"clocks": ', 'broken');
    expect(refusal({ PETITION_POLICY: path }).message).toContain(`PETITION_POLICY: cannot read ${path} as JSON`);
  });
});

describe('calendar overrides (PETITION_CALENDAR)', () => {
  it('reads a file of dates and makes them working or rest days', () => {
    const config = loadConfig({ PETITION_CALENDAR: file({ '2028-01-31': false, '2028-02-05': true }, 'calendar') });
    expect(config.calendarOverrides).toEqual({ '2028-01-31': false, '2028-02-05': true });
    const cal = createChinaCalendar(config.calendarOverrides);
    // A Monday closed, a Saturday opened (a make-up working day published after the package).
    expect(cal.isWorkingDay('2028-01-31')).toBe(false);
    expect(cal.isWorkingDay('2028-02-05')).toBe(true);
    expect(cal.isWorkingDay('2028-02-01')).toBe(true);
  });

  it.each([
    ['a key that is not a date', { 'next monday': false }],
    ['a value that is not a boolean', { '2028-01-31': 'rest' }],
  ])('refuses %s, naming the file', (_what, content) => {
    const path = file(content, 'calendar');
    expect(refusal({ PETITION_CALENDAR: path }).message).toContain(`PETITION_CALENDAR ${path}`);
  });
});

describe('the notification webhook', () => {
  it('refuses NOTIFY_WEBHOOK_URL without NOTIFY_WEBHOOK_SECRET', () => {
    const err = refusal({ NOTIFY_WEBHOOK_URL: 'https://hooks.example.org/petitionflow' });
    expect(err.message).toContain('NOTIFY_WEBHOOK_SECRET');
  });

  it('takes the URL with a secret', () => {
    const config = loadConfig({ NOTIFY_WEBHOOK_URL: 'https://hooks.example.org/petitionflow', NOTIFY_WEBHOOK_SECRET: SECRET });
    expect(config.notifyWebhookUrl).toBe('https://hooks.example.org/petitionflow');
    expect(config.notifyWebhookSecret).toBe(SECRET);
  });

  it('refuses a short secret and a URL that is not http(s)', () => {
    const err = refusal({ NOTIFY_WEBHOOK_URL: 'ftp://hooks.example.org/x', NOTIFY_WEBHOOK_SECRET: 'short' });
    expect(err.message).toContain('NOTIFY_WEBHOOK_URL:');
    expect(err.message).toContain('NOTIFY_WEBHOOK_SECRET:');
  });

  // BUG (config/load-config.ts): the "secret required" rule only runs when every other variable parsed, so a
  // missing secret goes unnamed next to another bad variable, against "every bad one named in one message".
  // Flip to `it` once the rule also runs on a failed parse (e.g. check `cleaned` instead of `parsed.data`).
  it('names the missing secret next to another bad variable', () => {
    const err = refusal({ PORT: 'abc', NOTIFY_WEBHOOK_URL: 'https://hooks.example.org/petitionflow' });
    expect(err.message).toContain('PORT:');
    expect(err.message).toContain('NOTIFY_WEBHOOK_SECRET');
  });
});

describe('the result', () => {
  const assign = (target: object, key: string, value: unknown) => () => {
    (target as Record<string, unknown>)[key] = value;
  };

  it('is frozen, with the policy read from a file and the calendar overrides', () => {
    const config: Config = loadConfig({
      PETITION_POLICY: file({
        clocks: { objection: { duration: 'P3D', calendar: 'working-days', reminders: ['-P1D'], onBreach: 'notify' } },
      }),
      PETITION_CALENDAR: file({ '2028-01-31': false }, 'calendar'),
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.policy)).toBe(true);
    expect(Object.isFrozen(config.policy.clocks)).toBe(true);
    for (const name of CLOCK_NAMES) expect(Object.isFrozen(config.policy.clocks[name])).toBe(true);
    expect(Object.isFrozen(config.calendarOverrides)).toBe(true);
    // Modules run in strict mode: writing to a frozen object throws.
    expect(assign(config, 'port', 1)).toThrow(TypeError);
    expect(assign(config.policy.clocks.objection, 'duration', 'P30D')).toThrow(TypeError);
    expect(assign(config.calendarOverrides, '2028-02-01', false)).toThrow(TypeError);
    expect(config.policy.clocks.objection.duration).toBe('P3D');
  });

  // BUG (config/load-config.ts): without PETITION_POLICY, loadPolicy returns the shared, unfrozen
  // DEFAULT_POLICY object itself, so `config.policy.clocks.acceptance.duration = ...` would silently change
  // the statutory defaults for every later loadConfig in the process. Flip to `it` once the default policy
  // goes through mergePolicy({}) (or DEFAULT_POLICY is deep-frozen).
  it('is frozen with the default policy too', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.policy)).toBe(true);
    expect(Object.isFrozen(config.policy.clocks)).toBe(true);
    for (const name of CLOCK_NAMES) expect(Object.isFrozen(config.policy.clocks[name])).toBe(true);
  });
});

describe('audit checkpoints', () => {
  it('are off by default, and a schedule needs somewhere outside the database to put each copy', () => {
    expect(loadConfig({})).toMatchObject({ auditSigningKey: undefined, auditCheckpointEvery: undefined, auditCheckpointWebhook: false });
    expect(refusal({ AUDIT_CHECKPOINT_EVERY: 'P1D' }).message).toContain('AUDIT_CHECKPOINT_EVERY: set AUDIT_CHECKPOINT_DIR');
    expect(refusal({ AUDIT_CHECKPOINT_EVERY: 'daily', AUDIT_CHECKPOINT_DIR: '/x' }).message).toContain('AUDIT_CHECKPOINT_EVERY:');
    expect(refusal({ AUDIT_CHECKPOINT_WEBHOOK: 'true' }).message).toContain('AUDIT_CHECKPOINT_WEBHOOK: needs NOTIFY_WEBHOOK_URL');
    expect(
      loadConfig({ AUDIT_CHECKPOINT_EVERY: 'P1D', AUDIT_CHECKPOINT_DIR: '/srv/checkpoints', AUDIT_SIGNING_KEY: '/etc/pf/key.pem' }),
    ).toMatchObject({
      auditCheckpointEvery: 'P1D',
      auditCheckpointDir: '/srv/checkpoints',
      auditSigningKey: '/etc/pf/key.pem',
    });
  });
});
