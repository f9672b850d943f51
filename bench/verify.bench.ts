/**
 * Whole-trail verification speed over a large data set built fast: a few
 * dozen cases made by the engine (intake, verify, assign, mediation and a
 * varying number of mediation sessions), copied in SQL under new ids with
 * every hash, recorded outcome and snapshot recomputed for the copy, so the
 * copies verify exactly as engine-made cases do.
 *
 *   npm run bench:verify -- [--admin-url URL] [--cases 200000] [--no-replay] [--threads N] [--keep]
 *
 * Measures `verifyAudit` in its default (fast) mode over everything, then the
 * checks that a row changed behind the engine's back is still found at that
 * speed, then (unless `--no-replay`) the machine replay mode over everything
 * for its rate. Creates its own database and drops it at the end.
 * Prints one JSON line per figure on stdout, progress on stderr:
 *   {"bench":"scale","figure":"verify","events_per_s":…,"target":100000,"pass":…}
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DEFAULT_POLICY } from '../config/default-policy';
import { createAuditService } from '../engine/audit.service';
import { createPetitionEngine } from '../engine/petition.engine';
import { createChinaCalendar } from '../engine/working-calendar';
import type { Actor } from '../machines/petition.roles';
import { createBenchDatabase, DEFAULT_ADMIN_URL, type BenchDatabase } from './bench-database';
import { copyCases, templateOf, type Template } from './case-copies';

const UNIT = '411621';
const clerk: Actor = { id: 'bench-clerk', role: 'clerk', unit: UNIT };
const handler: Actor = { id: 'bench-handler', role: 'handler', unit: UNIT };
const mediator: Actor = { id: 'bench-mediator', role: 'mediator', unit: UNIT };
const TEMPLATES = 40;
const TARGET_EVENTS_PER_S = 100_000;

/**
 * CPU seconds used by this database's PostgreSQL backends while `run` runs:
 * their pids are polled from pg_stat_activity and their user + system time
 * read from /proc (the server is local). With this process's own CPU it says
 * what a verification costs, whatever else loads the machine.
 */
async function withBackendCpu<T>(bench: BenchDatabase, run: () => Promise<T>): Promise<{ result: T; pgCpuSeconds: number }> {
  const { readFile } = await import('node:fs/promises');
  const ticks = new Map<number, number>();
  const start = new Map<number, number>();
  const sample = async () => {
    const { rows } = await bench.pool.query<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`,
    );
    for (const { pid } of rows) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = Number(fields[11]) + Number(fields[12]);
      if (!Number.isFinite(used)) continue;
      if (!start.has(pid)) start.set(pid, used);
      ticks.set(pid, Math.max(ticks.get(pid) ?? 0, used));
    }
  };
  await sample();
  let done = false;
  const poller = (async () => {
    while (!done) {
      await sample().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    const result = await run();
    return { result, pgCpuSeconds: [...ticks].reduce((sum, [pid, t]) => sum + t - (start.get(pid) ?? t), 0) / 100 };
  } finally {
    done = true;
    await poller;
  }
}

const info = (line: string) => process.stderr.write(`${line}\n`);
const figure = (f: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(f)}\n`);

interface Options {
  readonly adminUrl: string;
  readonly cases: number;
  readonly replay: boolean;
  readonly threads: number | undefined;
  /** Leave the database in place (its name is printed) instead of dropping it. */
  readonly keep: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'admin-url': { type: 'string', default: DEFAULT_ADMIN_URL },
      cases: { type: 'string', default: '200000' },
      'no-replay': { type: 'boolean', default: false },
      threads: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  return {
    adminUrl: values['admin-url'],
    cases: Number(values.cases),
    replay: !values['no-replay'],
    threads: values.threads === undefined ? undefined : Number(values.threads),
    keep: values.keep,
  };
}

/** Engine-made cases with 5 to 14 entries each. */
async function makeTemplates(bench: BenchDatabase): Promise<Template[]> {
  const engine = createPetitionEngine({ db: bench.db, policy: { ...DEFAULT_POLICY, machineVersion: 2 }, calendar: createChinaCalendar() });
  const templates: Template[] = [];
  for (let i = 0; i < TEMPLATES; i++) {
    const intake = {
      channel: 'letter',
      unit: UNIT,
      petitioner: { name: `张某${i}`, idNumber: '41272119900101341X', phone: '18749261234', address: '扶沟县曹里乡某村' },
      matter: { category: 'land', summary: '宅基地纠纷，请求确权，邻里就院墙位置发生争执多年未决' },
    };
    const { id } = await engine.intake(intake, clerk);
    await engine.dispatch(id, { type: 'VERIFY' }, clerk);
    await engine.dispatch(id, { type: 'ASSIGN', unit: UNIT, handler: '李某' }, clerk);
    await engine.dispatch(id, { type: 'START_MEDIATION', level: 'village', mediator: '王某' }, handler);
    for (let s = 0; s < 1 + (i % 10); s++)
      await engine.dispatch(id, { type: 'RECORD_MEDIATION_SESSION', note: `第${s + 1}次调解，双方陈述意见` }, mediator);
    templates.push(await templateOf(bench.db, id));
  }
  return templates;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const bench = await createBenchDatabase(opts.adminUrl, 'verify', 4);
  try {
    const t0 = performance.now();
    const templates = await makeTemplates(bench);
    const copied = await copyCases(
      bench.pool,
      opts.cases - templates.length,
      (i) => ({ template: templates[i % templates.length] as Template }),
      (done) => info(`copied ${done} of ${opts.cases - templates.length} cases`),
    );
    await bench.pool.query('vacuum analyze');
    info(
      `data set: ${opts.cases} cases, ${copied + templates.reduce((n, t) => n + t.events.length, 0)} events, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const audit = createAuditService(bench.db, { connectionString: bench.url, threads: opts.threads });

    const start = performance.now();
    const cpu = process.cpuUsage();
    const { result: whole, pgCpuSeconds } = await withBackendCpu(bench, () => audit.verifyAudit(undefined, { pool: true }));
    const nodeCpu = process.cpuUsage(cpu);
    const seconds = (performance.now() - start) / 1000;
    const rate = whole.checked / seconds;
    // What the run would take with both CPUs to itself: its CPU seconds (this process's threads and its backends) over 2.
    const cpuSeconds = (nodeCpu.user + nodeCpu.system) / 1e6 + pgCpuSeconds;
    const projected = whole.checked / (cpuSeconds / 2);
    info(
      `fast verification: ok=${whole.ok} ${whole.checked} events in ${whole.cases} cases in ${seconds.toFixed(1)} s; CPU ${cpuSeconds.toFixed(1)} s (PostgreSQL ${pgCpuSeconds.toFixed(1)} s)`,
    );

    // The guarantee at that speed: a case row changed behind the engine's back (here its state) is named.
    const { rows } = await bench.pool.query<{ id: string }>(`select id from cases order by id offset $1 limit 1`, [
      Math.floor(opts.cases / 2),
    ]);
    const victim = rows[0]?.id ?? '';
    await bench.pool.query(`update cases set state = 'closed' where id = $1`, [victim]);
    const tampered = await audit.verifyAudit(undefined, { pool: true });
    const found = tampered.firstBroken?.caseId === victim;
    info(`tampered row ${found ? 'found' : 'NOT found'}: ${JSON.stringify(tampered.firstBroken)}`);
    figure({
      bench: 'scale',
      figure: 'verify',
      cases: whole.cases,
      events: whole.checked,
      seconds: Number(seconds.toFixed(2)),
      events_per_s: Math.round(rate),
      cpu_seconds: Number(cpuSeconds.toFixed(2)),
      events_per_s_on_2_idle_cpus: Math.round(projected),
      load_1m: Number(loadavg()[0]?.toFixed(2)),
      target: TARGET_EVENTS_PER_S,
      tamper_found: found,
      pass: whole.ok && found && rate >= TARGET_EVENTS_PER_S,
    });
    await bench.pool.query(
      `update cases c set state = t.state_after from case_events t where c.id = $1 and t.case_id = c.id and t.seq = c.version`,
      [victim],
    );

    if (opts.replay) await replayFigure(bench, opts);
  } finally {
    if (opts.keep) {
      info(`kept database ${bench.name}`);
      await bench.db.destroy();
    } else await bench.drop();
  }
}

/** The replay mode's rate: every case through its machine version, in the pool. */
async function replayFigure(bench: BenchDatabase, opts: Options): Promise<void> {
  const audit = createAuditService(bench.db, { connectionString: bench.url, threads: opts.threads });
  const start = performance.now();
  const result = await audit.verifyAudit(undefined, { mode: 'replay', pool: true });
  const seconds = (performance.now() - start) / 1000;
  info(`replay verification: ok=${result.ok} ${result.checked} events in ${result.cases} cases in ${seconds.toFixed(1)} s`);
  figure({
    bench: 'scale',
    figure: 'verify-replay',
    cases: result.cases,
    events: result.checked,
    seconds: Number(seconds.toFixed(2)),
    events_per_s: Math.round(result.checked / seconds),
    pass: result.ok,
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
