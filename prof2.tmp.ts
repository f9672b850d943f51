import { Pool } from 'pg';
import { createKysely } from './db/database';
import { verifyRange } from './engine/trail-verifier';
async function main() {
  const url = 'postgres://postgres@127.0.0.1:5432/pf_bench_verify_9adc8d49';
  const pool = new Pool({ connectionString: url, max: 2 });
  const db = createKysely(pool);
  for (let i = 0; i < 2; i++) { const c = process.cpuUsage(); await verifyRange(db, { range: {}, mode: 'fast' }); const u = process.cpuUsage(c); console.log((u.user+u.system)/1e6); }
  await db.destroy();
}
main();
