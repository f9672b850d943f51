/**
 * Whole-trail verification in a pool of worker threads. The case-id space is
 * cut into ranges (by the leading hex digits of the UUID); each thread takes
 * the next range, reads it over its own connection in key order, hashes and
 * checks it, and reports progress. A break found in one range stops the
 * ranges after it from starting; the first break in id order is reported.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CaseIdRange } from '../db/trail-stream.repository';
import type { RangeResult } from './trail-verifier';
import type { VerifyMode } from './trail-check';
import type { FromVerifyWorker, ToVerifyWorker, VerifyWorkerData } from './verify.worker';

/** Ranges the id space is cut into: enough that threads finishing early pick up more work. */
const RANGES = 64;

/** What a pooled verification needs. */
export interface PoolRequest {
  readonly connectionString: string;
  readonly scopeUnit?: string | undefined;
  readonly mode: VerifyMode;
  /** Threads; defaults to the machine's available parallelism (at most 8). */
  readonly threads?: number | undefined;
  readonly onProgress?: (cases: number, checked: number) => void;
}

/** `[from, to)` ranges covering every UUID in order, split on the first 32 bits. */
export function idRanges(count: number): CaseIdRange[] {
  const bound = (i: number) => `${Math.floor((i * 2 ** 32) / count).toString(16).padStart(8, '0')}-0000-0000-0000-000000000000`;
  return Array.from({ length: count }, (_, i) => ({ ...(i > 0 && { from: bound(i) }), ...(i < count - 1 && { to: bound(i + 1) }) }));
}

/** Starts one thread; from TypeScript sources (tests, tsx) it loads them through tsx's require hook. */
function startWorker(data: VerifyWorkerData): Worker {
  const fromSource = __filename.endsWith('.ts');
  const file = join(__dirname, fromSource ? 'verify.worker.ts' : 'verify.worker.js');
  return new Worker(file, { workerData: data, execArgv: fromSource ? ['--require', 'tsx/cjs'] : [] });
}

/** Verifies every range over a pool of threads and sums the results in range order. */
export async function verifyInPool(req: PoolRequest): Promise<RangeResult> {
  const ranges = idRanges(RANGES);
  const results: (RangeResult | undefined)[] = ranges.map(() => undefined);
  const threads = Math.max(1, Math.min(req.threads ?? availableParallelism(), 8, ranges.length));
  let next = 0;
  let brokenAt = Infinity;
  const runThread = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const give = () => {
        if (next >= ranges.length || next > brokenAt) {
          worker.postMessage({ stop: true } satisfies ToVerifyWorker);
          resolve();
          return;
        }
        const index = next++;
        worker.postMessage({ range: ranges[index] ?? {}, index } satisfies ToVerifyWorker);
      };
      worker.on('message', (m: FromVerifyWorker) => {
        if (m.kind === 'progress') req.onProgress?.(m.cases, m.checked);
        else if (m.kind === 'error') reject(new Error(`verification thread: ${m.message}`));
        else {
          results[m.index] = m;
          if (m.firstBroken !== undefined) brokenAt = Math.min(brokenAt, m.index);
          give();
        }
      });
      worker.on('error', reject);
      give();
    });
  const workers = Array.from({ length: threads }, () => startWorker({ connectionString: req.connectionString, scopeUnit: req.scopeUnit, mode: req.mode }));
  try {
    await Promise.all(workers.map(runThread));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return sumInOrder(results);
}

/** Adds the ranges up to and including the first one with a break. */
function sumInOrder(results: readonly (RangeResult | undefined)[]): RangeResult {
  let checked = 0;
  let cases = 0;
  for (const r of results) {
    if (r === undefined) continue;
    checked += r.checked;
    cases += r.cases;
    if (r.firstBroken !== undefined) return { checked, cases, firstBroken: r.firstBroken };
  }
  return { checked, cases };
}
