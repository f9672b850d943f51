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

/** Whether pino-pretty is installed (a development dependency: absent from a production install). */
function prettyAvailable(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/**
 * The process logger: pino at the configured level, with personal data
 * redacted. JSON lines, for machines; with `pretty` (a terminal is attached)
 * and pino-pretty installed, coloured lines for the person watching instead
 * (redaction happens before either).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream, pretty = false): Logger {
  const options: pino.LoggerOptions = {
    name: 'petitionflow',
    level: config.logLevel,
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[redacted]' },
  };
  if (destination !== undefined) return pino(options, destination);
  if (pretty && prettyAvailable()) return pino(options, pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:standard' } }));
  return pino(options);
}
