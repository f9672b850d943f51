/**
 * The process logger. Every long-running command (`serve`, `worker`) and the
 * short ones that log (`incidents retry`) build it here, so the redaction
 * list below is the one place that keeps personal data out of the logs.
 */
import { pino, type Logger } from 'pino';
import type { Config } from '../config/load-config';

/**
 * Log paths that may carry personal data (nothing personal is written to
 * logs). `*.x` matches one level down, so the top-level names are listed too;
 * `representatives` carry names, ID numbers and phones like the petitioner.
 */
export const REDACTED_LOG_PATHS: readonly string[] = [
  'petitioner',
  'idNumber',
  'phone',
  'representatives',
  '*.petitioner',
  '*.idNumber',
  '*.phone',
  '*.representatives',
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  // PostgreSQL errors quote the offending row or parameters (`detail`, `where`), which may hold a petitioner's data.
  'err.detail',
  'err.where',
  'err.parameters',
  'err.cause.detail',
  'err.cause.where',
];

/**
 * pino-pretty's stream factory, when it is installed (a development
 * dependency: absent from a production install, where logs stay JSON).
 */
function prettyFactory(): ((options: { sync: boolean; translateTime: string }) => pino.DestinationStream) | undefined {
  try {
    // Loaded only when asked for, so a production install without it never needs it.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pino-pretty') as (options: { sync: boolean; translateTime: string }) => pino.DestinationStream;
  } catch {
    return undefined;
  }
}

/**
 * The process logger: pino at the configured level, with personal data
 * redacted. JSON lines, for machines; with `pretty` (a terminal is attached)
 * and pino-pretty installed, readable lines for the person watching instead,
 * written synchronously like the JSON ones so they keep their order with the
 * plain start-up line (redaction happens before either).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream, pretty = false): Logger {
  const options: pino.LoggerOptions = {
    name: 'petitionflow',
    level: config.logLevel,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
  };
  if (destination !== undefined) return pino(options, destination);
  const factory = pretty ? prettyFactory() : undefined;
  if (factory !== undefined) return pino(options, factory({ sync: true, translateTime: 'SYS:standard' }));
  return pino(options);
}
