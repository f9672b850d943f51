import { Pool } from 'pg';
import { createKysely } from './db/database';
import { verifyRange } from './engine/trail-verifier';
import { verifyInPool } from './engine/verify-pool';
async function main() {
  const url = 'postgres://postgres@127.0.0.1:5432/pf_bench_verify_9adc8d49';
  const pool = new Pool({ connectionString: url, max: 2 });
  const db = createKysely(pool);
  for (const mode of ['fast', 'fast'] as const) {
    const c = process.cpuUsage(); const t = performance.now();
    const r = await verifyRange(db, { range: {}, mode });
    const cpu = process.cpuUsage(c);
    console.log('inproc', mode, r.checked, 'wall', ((performance.now() - t)/1000).toFixed(1), 'cpu', ((cpu.user+cpu.system)/1e6).toFixed(1));
  }
  for (const threads of [1, 2]) {
    const c = process.cpuUsage(); const t = performance.now();
    const r = await verifyInPool({ connectionString: url, mode: 'fast', threads });
    const cpu = process.cpuUsage(c);
    console.log('pool', threads, r.checked, 'wall', ((performance.now() - t)/1000).toFixed(1), 'cpu', ((cpu.user+cpu.system)/1e6).toFixed(1));
  }
  await db.destroy();
}
main();
