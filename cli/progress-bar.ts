/**
 * A one-line progress bar on stderr for long commands (`verify-audit`):
 * redrawn at most ten times a second, only when stderr is a terminal, so
 * piped or captured output (scripts, CI, `--json`) stays clean.
 */

/** A bar counting up to a known total. */
export interface ProgressBar {
  /** Adds `cases` and `events` done since the last call. */
  tick(cases: number, events: number): void;
  /** Clears the line. */
  stop(): void;
}

const WIDTH = 30;

function format(done: number, total: number, events: number, startedAt: number): string {
  const fraction = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(fraction * WIDTH);
  const seconds = (Date.now() - startedAt) / 1000;
  const rate = seconds > 0 ? events / seconds : 0;
  const eta = fraction > 0 && fraction < 1 ? ` · ETA ${Math.ceil((seconds / fraction) * (1 - fraction))} s` : '';
  const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
  return `${bar} ${(fraction * 100).toFixed(0)}% ${done}/${total} cases · ${events} events · ${Math.round(rate)} events/s${eta}`;
}

/** A bar over `total` cases written to `stream`; a no-op when the stream is not a TTY or `enabled` is false. */
export function startProgressBar(total: number, stream: NodeJS.WriteStream = process.stderr, enabled = true): ProgressBar {
  if (!enabled || !stream.isTTY) return { tick: () => undefined, stop: () => undefined };
  const startedAt = Date.now();
  let cases = 0;
  let events = 0;
  let drawnAt = 0;
  const draw = () => {
    drawnAt = Date.now();
    stream.write(`\r${format(cases, total, events, startedAt)}\x1b[K`);
  };
  return {
    tick(c, e) {
      cases += c;
      events += e;
      if (Date.now() - drawnAt >= 100) draw();
    },
    stop() {
      stream.write('\r\x1b[K');
    },
  };
}
