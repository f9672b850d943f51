/**
 * A case read timed in a loop, in a thread of its own with its own
 * connection: what `GET /petitions/:id` costs while the sweeper catches up.
 * The API serves from another process than the workers in production; timing
 * the read on the catch-up's own event loop would time that loop's batches
 * (machine steps and hashing of two thousand timers), not the database.
 *
 * workerData: { url, ids, pauseMs }. Reads until it is sent 'stop', then
 * posts its latencies (ms) and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { createKysely } from '../db/database';
import { createCaseQueryService } from '../engine/case-query.service';
import type { Actor } from '../machines/petition.roles';

interface ReadsData {
  readonly url: string;
  readonly ids: readonly string[];
  readonly pauseMs: number;
  readonly reader: Actor;
}

async function main(): Promise<void> {
  const data = workerData as ReadsData;
  const pool = new Pool({ connectionString: data.url, max: 1 });
  const db = createKysely(pool);
  const queries = createCaseQueryService(db);
  let stopped = false;
  parentPort?.on('message', (m) => {
    if (m === 'stop') stopped = true;
  });
  const latencies: number[] = [];
  while (!stopped) {
    const id = data.ids[Math.floor(Math.random() * data.ids.length)] ?? '';
    const t = performance.now();
    await queries.get(id, data.reader);
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, data.pauseMs));
  }
  await db.destroy();
  parentPort?.postMessage(latencies);
}

void main();
