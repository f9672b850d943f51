import { SingleBar, Presets } from 'cli-progress';

/**
 * Runs `work` with a progress bar on stderr. cli-progress draws only on a
 * terminal, so scripts and tests that capture the output see nothing of it.
 */
export async function withProgressBar<T>(work: (progress: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const bar = new SingleBar({ format: ' {bar} {value}/{total} steps', clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  try {
    return await work((done, total) => {
      if (!started) bar.start(total, done);
      started = true;
      bar.setTotal(total);
      bar.update(done);
    });
  } finally {
    if (started) bar.stop();
  }
}
