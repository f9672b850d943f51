import type { TimerOutcome } from '../engine/petition.engine';

/** Fires deadline timers, many per database transaction when many are due at once. */
export interface TimerBatcher {
  /** Fires one deadline's timer (by deadline row id) in the next batch; resolves once that batch committed. */
  fire(deadlineId: string): Promise<TimerOutcome>;
}

interface Waiting {
  readonly id: string;
  resolve(outcome: TimerOutcome): void;
  reject(err: unknown): void;
}

/** How the batcher groups timers. */
export interface TimerBatcherOptions {
  /** Most timers in one transaction. */
  readonly maxBatch: number;
  /** Most transactions in flight at once; further timers wait and join the next batch. */
  readonly maxInFlight: number;
}

/**
 * Group commit for timers: timers that fall due together (the BullMQ worker
 * runs many jobs at once) are fired by one `fireTimers` call, so a burst of
 * breaches costs a few transactions instead of one each. Timers arriving
 * while batches are in flight wait for the next one, so batches grow with the
 * load and a lone timer still goes at once.
 *
 * A failed batch is retried one timer at a time (still one transaction in
 * flight for the batch), so a timer that cannot be fired fails alone and the
 * others commit.
 */
export function createTimerBatcher(
  fireTimers: (ids: readonly string[]) => Promise<Map<string, TimerOutcome>>,
  opts: TimerBatcherOptions,
): TimerBatcher {
  let waiting: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function run(batch: readonly Waiting[]): Promise<void> {
    try {
      const outcomes = await fireTimers(batch.map((w) => w.id));
      for (const w of batch) w.resolve(outcomes.get(w.id) ?? 'stale');
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      // One at a time, within this batch's slot: a database that just failed should not get the batch at once.
      for (const w of batch) await run([w]);
    }
  }

  function flush(): void {
    scheduled = false;
    while (waiting.length > 0 && inFlight < opts.maxInFlight) {
      const batch = waiting.slice(0, opts.maxBatch);
      waiting = waiting.slice(batch.length);
      inFlight += 1;
      void run(batch).finally(() => {
        inFlight -= 1;
        flush();
      });
    }
  }

  return {
    fire(id) {
      return new Promise<TimerOutcome>((resolve, reject) => {
        waiting.push({ id, resolve, reject });
        // Timers handed over in the same turn of the event loop share a batch.
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
