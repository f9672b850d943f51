/**
 * One thread of the verification pool (engine/verify-pool.ts): its own
 * PostgreSQL connection, ranges of case ids handed to it one at a time, each
 * read, hashed and checked here, so reading, parsing and hashing all run in
 * parallel. Messages in: a range to verify, or `stop`. Messages out:
 * progress after each page, the range's result, or the error that ended it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { createKysely } from '../db/database';
import type { CaseIdRange } from '../db/trail-stream.repository';
import type { VerifyMode } from './trail-check';
import { verifyRange } from './trail-verifier';

/** What the pool starts each thread with. */
export interface VerifyWorkerData {
  readonly connectionString: string;
  readonly scopeUnit?: string | undefined;
  readonly mode: VerifyMode;
}

/** A message from the pool to a thread. */
export type ToVerifyWorker = { readonly range: CaseIdRange; readonly index: number } | { readonly stop: true };

/** A message from a thread to the pool. */
export type FromVerifyWorker =
  | { readonly kind: 'progress'; readonly cases: number; readonly checked: number }
  | { readonly kind: 'done'; readonly index: number; readonly checked: number; readonly cases: number; readonly firstBroken?: { caseId: string; seq: number; reason: string } }
  | { readonly kind: 'error'; readonly message: string };

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('verify.worker runs in a worker thread');
  const data = workerData as VerifyWorkerData;
  const pool = new Pool({ connectionString: data.connectionString, max: 1 });
  pool.on('error', () => undefined);
  const db = createKysely(pool);
  let stopping = false;
  port.on('message', (msg: ToVerifyWorker) => {
    if ('stop' in msg) {
      stopping = true;
      void db.destroy().finally(() => port.close());
      return;
    }
    const post = (m: FromVerifyWorker) => port.postMessage(m);
    verifyRange(db, {
      range: msg.range,
      scopeUnit: data.scopeUnit,
      mode: data.mode,
      onProgress: (cases, checked) => post({ kind: 'progress', cases, checked }),
      cancelled: () => stopping,
    }).then(
      (r) => post({ kind: 'done', index: msg.index, ...r }),
      (err: unknown) => post({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
  });
}

main();
