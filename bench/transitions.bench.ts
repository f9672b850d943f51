/**
 * Transition throughput: engine.dispatch of RECORD_MEDIATION_SESSION (a real
 * transition: row lock, snapshot write, hash-chained audit insert, view)
 * against the same database work done with `pg` alone, at concurrency 1 and 8
 * (distinct cases per worker). The two paths run in alternating half-second
 * windows so that a busy machine's load weighs on both alike; besides
 * throughput and latency, each line gives this process's CPU per transition.
 *
 *   npm run bench:transitions -- [--admin-url URL] [--cases 2000] [--seconds 5]
 *
 * Creates its own database on the server of the admin URL (default
 * postgres://postgres@127.0.0.1:5432/postgres) and drops it at the end. The
 * last line of output is JSON:
 *   {"bench":"transitions","concurrency":8,"ours":<per s>,"raw":<per s>,"ratio":<ours/raw>}
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { Pool, type PoolClient } from 'pg';
import { DEFAULT_POLICY } from '../config/default-policy';
import { hashEvent } from '../engine/audit-hash';
import { createAuditService } from '../engine/audit.service';
import { createPetitionEngine, type PetitionEngine } from '../engine/petition.engine';
import { createChinaCalendar } from '../engine/working-calendar';
import type { Actor } from '../machines/petition.roles';
import type { Intake } from '../machines/petition.schemas';
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from './bench-database';

const CONCURRENCIES = [1, 8] as const;
const WINDOW_SECONDS = 0.5;
const UNIT = '411621';
const clerk: Actor = { id: 'bench-clerk', role: 'clerk', unit: UNIT };
const handler: Actor = { id: 'bench-handler', role: 'handler', unit: UNIT };
const mediator: Actor = { id: 'bench-mediator', role: 'mediator', unit: UNIT };
const NOTE = '村委会主持调解，双方就宅基地边界和补偿数额陈述意见，约定下次调解时间';

interface Options {
  readonly adminUrl: string;
  readonly cases: number;
  readonly seconds: number;
  readonly verify: boolean;
  /** Prefix of two CPU profiles (`<prefix>-engine.cpuprofile`, `<prefix>-raw.cpuprofile`) of extra runs at concurrency 8. */
  readonly profile: string | undefined;
}

function parseOptions(argv: readonly string[]): Options {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      'admin-url': { type: 'string' },
      cases: { type: 'string', default: '2000' },
      seconds: { type: 'string', default: '5' },
      'no-verify': { type: 'boolean', default: false },
      profile: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log('usage: tsx bench/transitions.bench.ts [--admin-url URL] [--cases N] [--seconds S] [--no-verify] [--profile PATH-PREFIX]');
    process.exit(0);
  }
  const cases = Number(values.cases);
  const seconds = Number(values.seconds);
  if (!Number.isInteger(cases) || cases < 16) throw new Error('--cases must be an integer of at least 16');
  if (!(seconds > 0)) throw new Error('--seconds must be positive');
  return {
    adminUrl: values['admin-url'] ?? positionals[0] ?? DEFAULT_ADMIN_URL,
    cases,
    seconds,
    verify: !values['no-verify'],
    profile: values.profile,
  };
}

function intake(i: number): Intake {
  return {
    channel: (['letter', 'visit', 'phone', 'online', 'grid'] as const)[i % 5] ?? 'letter',
    unit: UNIT,
    petitioner: { name: `张某${i}`, idNumber: '41272119900101341X', phone: '18749261234', address: '扶沟县曹里乡某村' },
    matter: {
      category: 'land',
      summary: '宅基地纠纷，请求确权，邻里就院墙位置发生争执多年未决',
      details: '来信反映与邻居宅基地边界争议，村组调处未果。',
    },
  };
}

/** Runs `worker(index)` `concurrency` times side by side. */
async function inParallel(concurrency: number, worker: (w: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
}

/** N cases in `mediated` (intake, VERIFY, ASSIGN, START_MEDIATION), through the engine. */
async function seed(engine: PetitionEngine, n: number): Promise<string[]> {
  const ids: string[] = new Array<string>(n);
  let next = 0;
  await inParallel(8, async () => {
    for (let i = next++; i < n; i = next++) {
      const { id } = await engine.intake(intake(i), clerk);
      await engine.dispatch(id, { type: 'VERIFY' }, clerk);
      await engine.dispatch(id, { type: 'ASSIGN', unit: UNIT, handler: '李某' }, clerk);
      await engine.dispatch(id, { type: 'START_MEDIATION', level: 'village', mediator: '王某' }, handler);
      ids[i] = id;
    }
  });
  return ids;
}

interface Measurement {
  readonly ops: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  /** This process's CPU time (user + system) per transition: the engine's own cost, less sensitive to a busy machine than throughput. */
  readonly cpuPerOp: number;
  /** The CPU time of the database's server processes per transition (NaN where their /proc entries cannot be read). */
  readonly serverCpuPerOp: number;
}

/**
 * CPU time (ms) used so far by each server process of one database, read from
 * /proc (a local server on Linux); undefined elsewhere. With two paths taking
 * turns, what the processes used across a window is that window's path's: the
 * other's connections sit idle meanwhile.
 */
function serverCpuClock(admin: Pool): () => Promise<Map<number, number> | undefined> {
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  return async () => {
    const { rows } = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    const used = new Map<number, number>();
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (stat === undefined) return undefined;
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerMs);
    }
    return used;
  };
}

/** CPU used between two readings: by processes present at the end (one started meanwhile counts from zero). */
function cpuBetween(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number {
  if (before === undefined || after === undefined) return Number.NaN;
  let ms = 0;
  for (const [pid, used] of after) ms += used - (before.get(pid) ?? 0);
  return ms;
}

/** What one path accumulates over its measuring windows. */
class Sampler {
  readonly latencies: number[] = [];
  elapsedMs = 0;
  cpuMicros = 0;
  serverCpuMs = 0;
  /** Each worker's position in its slice of the cases, kept across windows. */
  readonly cursors: number[];

  constructor(
    readonly ids: readonly string[],
    readonly concurrency: number,
    readonly op: (id: string) => Promise<void>,
    readonly serverCpu: () => Promise<Map<number, number> | undefined>,
  ) {
    this.cursors = new Array<number>(concurrency).fill(0);
  }

  /** Runs `concurrency` workers, each on its own slice of the cases (no two workers share a case), for `ms`. */
  async window(ms: number): Promise<void> {
    const { ids, concurrency } = this;
    const server = await this.serverCpu();
    const cpu = process.cpuUsage();
    const start = performance.now();
    const end = start + ms;
    await inParallel(concurrency, async (w) => {
      const slice = Math.floor(ids.length / concurrency);
      while (performance.now() < end) {
        const i = this.cursors[w] ?? 0;
        this.cursors[w] = i + 1;
        const t = performance.now();
        await this.op(ids[w * slice + (i % slice)] as string);
        this.latencies.push(performance.now() - t);
      }
    });
    this.elapsedMs += performance.now() - start;
    const used = process.cpuUsage(cpu);
    this.cpuMicros += used.user + used.system;
    this.serverCpuMs += cpuBetween(server, await this.serverCpu());
  }

  result(): Measurement {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    const ops = sorted.length;
    return {
      ops,
      perSecond: ops / (this.elapsedMs / 1000),
      p50: at(0.5),
      p99: at(0.99),
      cpuPerOp: this.cpuMicros / 1000 / Math.max(ops, 1),
      serverCpuPerOp: this.serverCpuMs / Math.max(ops, 1),
    };
  }
}

/** One path alone for `seconds` (warm-up, profiling). */
async function measure(
  ids: readonly string[],
  concurrency: number,
  seconds: number,
  op: (id: string) => Promise<void>,
  serverCpu: () => Promise<Map<number, number> | undefined>,
): Promise<Measurement> {
  const sampler = new Sampler(ids, concurrency, op, serverCpu);
  await sampler.window(seconds * 1000);
  return sampler.result();
}

/**
 * Both paths for `seconds` each, in alternating half-second windows (engine
 * first, then raw first, ...), so that a shared machine's changing load
 * weighs on both alike rather than on whichever ran second.
 */
async function compare(
  ids: readonly string[],
  concurrency: number,
  seconds: number,
  ours: (id: string) => Promise<void>,
  raw: (id: string) => Promise<void>,
  serverCpu: () => Promise<Map<number, number> | undefined>,
): Promise<{ ours: Measurement; raw: Measurement }> {
  const a = new Sampler(ids, concurrency, ours, serverCpu);
  const b = new Sampler(ids, concurrency, raw, serverCpu);
  const windows = Math.max(2, Math.round(seconds / WINDOW_SECONDS));
  for (let k = 0; k < windows; k += 1) {
    const [first, second] = k % 2 === 0 ? [a, b] : [b, a];
    await first.window((seconds * 1000) / windows);
    await second.window((seconds * 1000) / windows);
  }
  return { ours: a.result(), raw: b.result() };
}

/**
 * The same work without the engine: one transaction with the row lock, an
 * event insert of the same shape (hash-chained the same way, so the trail
 * stays valid) and the snapshot update.
 */
async function rawSession(pool: Pool, id: string): Promise<void> {
  const client: PoolClient = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{
      version: number;
      machine_version: number;
      snapshot: { context: { mediation: { sessions: number } } };
      last_hash: string;
    }>(`select version, machine_version, snapshot, encode(last_hash, 'hex') as last_hash from cases where id = $1 for update`, [id]);
    const row = rows[0];
    if (row === undefined) throw new Error(`no case ${id}`);
    const snapshot = row.snapshot;
    snapshot.context.mediation.sessions += 1;
    const at = new Date();
    const record = {
      caseId: id,
      seq: row.version + 1,
      type: 'RECORD_MEDIATION_SESSION',
      fields: { note: NOTE },
      actor: { id: mediator.id, role: mediator.role, unit: mediator.unit },
      at: at.toISOString(),
      machineVersion: row.machine_version,
      prevHash: row.last_hash,
    };
    const hash = hashEvent(record);
    await client.query(
      `insert into case_events (case_id, seq, type, fields, actor_id, actor_role, actor_unit, at, machine_version, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, decode($10, 'hex'))`,
      [
        id,
        record.seq,
        record.type,
        JSON.stringify(record.fields),
        mediator.id,
        mediator.role,
        mediator.unit,
        record.at,
        record.machineVersion,
        hash,
      ],
    );
    const updated = await client.query(
      `update cases set state = $2, assignee_unit = $3, version = $4, snapshot = $5, last_hash = decode($6, 'hex'), updated_at = $7
       where id = $1 and version = $8`,
      [id, 'mediated', UNIT, record.seq, JSON.stringify(snapshot), hash, at, row.version],
    );
    if (updated.rowCount !== 1) throw new Error(`case ${id} changed under a held lock`);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback');
    throw err;
  } finally {
    client.release();
  }
}

/** Raw's CPU per transition over ours, node and server together (NaN without the server's figures). */
const cpuRatio = (ours: Measurement, raw: Measurement) => (raw.cpuPerOp + raw.serverCpuPerOp) / (ours.cpuPerOp + ours.serverCpuPerOp);
const round = (n: number, digits: number) => Number(n.toFixed(digits));
const fmt = (m: Measurement) =>
  `${m.perSecond.toFixed(1).padStart(8)}/s  (${String(m.ops).padStart(6)} ops, p50 ${m.p50.toFixed(2)} ms, p99 ${m.p99.toFixed(2)} ms, node CPU ${m.cpuPerOp.toFixed(3)} ms/op, server CPU ${m.serverCpuPerOp.toFixed(3)} ms/op)`;

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  let bench: BenchDatabase | undefined;
  let raw: Pool | undefined;
  let observer: Pool | undefined;
  try {
    bench = await createBenchDatabase(opts.adminUrl, 'transitions', 10);
    raw = new Pool({ connectionString: bench.url, max: 10 });
    observer = new Pool({ connectionString: bench.url, max: 1 });
    observer.on('error', () => undefined);
    const serverCpu = serverCpuClock(observer);
    raw.on('error', () => undefined); // see createBenchDatabase: the final forced drop may end a closing connection
    const engine = createPetitionEngine({
      db: bench.db,
      policy: { ...DEFAULT_POLICY, machineVersion: 2 },
      calendar: createChinaCalendar(),
    });
    const pool = raw;

    let t = performance.now();
    const ids = await seed(engine, opts.cases);
    console.log(`database ${bench.name}: seeded ${ids.length} cases in state mediated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const ours = (id: string) => engine.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: NOTE }, mediator).then(() => undefined);
    const base = (id: string) => rawSession(pool, id);
    // Warm up both paths (JIT, connections, plan caches) before measuring.
    await measure(ids, 8, Math.min(1, opts.seconds), ours, serverCpu);
    await measure(ids, 8, Math.min(1, opts.seconds), base, serverCpu);

    const results: { concurrency: number; ours: Measurement; raw: Measurement }[] = [];
    for (const c of CONCURRENCIES) {
      const { ours: o, raw: r } = await compare(ids, c, opts.seconds, ours, base, serverCpu);
      results.push({ concurrency: c, ours: o, raw: r });
      console.log(`concurrency ${c}:`);
      console.log(`  engine.dispatch  ${fmt(o)}`);
      console.log(`  raw pg           ${fmt(r)}`);
      console.log(`  ratio ours/raw   ${(o.perSecond / r.perSecond).toFixed(3)}`);
      // What the throughput ratio tends to on an otherwise idle machine, where node and the server share its cores.
      console.log(`  CPU per op, raw/ours (node + server)   ${cpuRatio(o, r).toFixed(3)}`);
    }

    if (opts.profile !== undefined) {
      // Extra runs at concurrency 8 outside the measured ones, one per path: open them in Chrome DevTools or speedscope.
      for (const [label, op] of [
        ['engine', ours],
        ['raw', base],
      ] as const) {
        const session = new Session();
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        const p = await measure(ids, 8, opts.seconds, op, serverCpu);
        const { profile } = await session.post('Profiler.stop');
        session.disconnect();
        const file = `${opts.profile}-${label}.cpuprofile`;
        await writeFile(file, JSON.stringify(profile));
        console.log(`profile of ${label} at concurrency 8 (${p.perSecond.toFixed(1)}/s, ${p.ops} ops while profiled) written to ${file}`);
      }
    }

    if (opts.verify) {
      t = performance.now();
      const v = await createAuditService(bench.db).verifyAudit();
      console.log(`verifyAudit: ok=${v.ok} checked=${v.checked} cases=${v.cases} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      if (!v.ok) throw new Error(`the trail does not verify: ${JSON.stringify(v.firstBroken)}`);
    }

    const last = results.find((x) => x.concurrency === 8);
    if (last !== undefined) {
      console.log(
        JSON.stringify({
          bench: 'transitions',
          concurrency: 8,
          ours: round(last.ours.perSecond, 1),
          raw: round(last.raw.perSecond, 1),
          ratio: round(last.ours.perSecond / last.raw.perSecond, 3),
          cpu_ratio: round(cpuRatio(last.ours, last.raw), 3),
        }),
      );
    }
  } finally {
    await raw?.end();
    await observer?.end();
    await bench?.drop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exitCode = 1;
});
