/**
 * The one lifecycle of a long-running process (`serve`, `worker`): what was
 * opened is closed in reverse order of opening, a start-up that fails closes
 * what it had opened, and SIGTERM/SIGINT close the process within a grace
 * period.
 */
import type { Logger } from 'pino';

/** After a shutdown signal, how long to wait for a clean close before forcing the process out. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** The signals that ask a process to stop (a deploy's SIGTERM, a terminal's Ctrl-C). */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/** Options of {@link createLifecycle}. */
export interface LifecycleOptions {
  /** Prefix of the shutdown log lines, e.g. `workers` ("workers shutting down"); none for the server. */
  readonly name?: string;
  /** How long a signalled shutdown may take before the process exits with status 1. */
  readonly graceMs?: number;
}

/** The resources of one process and how they are closed. */
export interface Lifecycle {
  /** Registers the close of a resource just opened; resources close in reverse order of registration. */
  onClose(close: () => Promise<void>): void;
  /**
   * Runs a start-up: when it throws, everything registered so far is closed
   * (errors while closing are dropped) and the start-up's error is rethrown.
   */
  starting<T>(start: () => Promise<T>): Promise<T>;
  /**
   * Installs the SIGTERM/SIGINT handlers: the first signal closes the process
   * (exit status 1 if that fails or takes longer than the grace period), a
   * second one exits at once. Closing removes the handlers.
   */
  handleSignals(): void;
  /**
   * Closes every registered resource, the last opened first; a failing close
   * does not stop the others, and the first failure is rethrown at the end.
   * Idempotent: later calls return the first call's promise. A plain
   * function (no `this`), so it can be handed on as a process's `close`.
   */
  readonly close: () => Promise<void>;
}

/** Creates an empty lifecycle; `logger` receives the shutdown lines. */
export function createLifecycle(logger: Logger, options: LifecycleOptions = {}): Lifecycle {
  const closers: (() => Promise<void>)[] = [];
  const prefix = options.name === undefined ? '' : `${options.name} `;
  const graceMs = options.graceMs ?? SHUTDOWN_GRACE_MS;
  let closing: Promise<void> | undefined;

  const closeAll = async (): Promise<void> => {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
    let failure: { err: unknown } | undefined;
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        failure ??= { err };
      }
    }
    if (failure !== undefined) throw failure.err;
  };
  const close = (): Promise<void> => (closing ??= closeAll());

  function onSignal(signal: NodeJS.Signals): void {
    if (closing !== undefined) {
      // A second Ctrl-C means "now".
      logger.warn({ signal }, 'second signal, exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal }, `${prefix}shutting down`);
    // Something (a stuck connection, a timer) could keep the loop alive after close; do not hang a deploy.
    setTimeout(() => {
      logger.error('shutdown took too long, exiting');
      process.exit(1);
    }, graceMs).unref();
    close().then(
      () => logger.info(`${prefix}stopped`),
      (err: unknown) => {
        logger.error({ err }, 'error while shutting down');
        process.exitCode = 1;
      },
    );
  }

  return {
    onClose: (fn) => void closers.push(fn),
    async starting(start) {
      try {
        return await start();
      } catch (err) {
        await close().catch(() => undefined);
        throw err;
      }
    },
    handleSignals() {
      if (closing === undefined) for (const s of STOP_SIGNALS) process.on(s, onSignal);
    },
    close,
  };
}
