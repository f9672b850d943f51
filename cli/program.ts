/**
 * The `petitionflow` command line as a function of
 * argv and an output sink, so tests run it in-process; `cli/main.ts` is the
 * process entry point.
 *
 * Exit codes: 0 success; 1 the command ran and found a problem (a broken
 * trail, a replay that does not match, Redis unreachable, a database error);
 * 2 the invocation itself was wrong (invalid configuration, bad arguments).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { decodeJwt } from 'jose';
import { signToken } from '../api/auth';
import { durationMillis } from '../machines/iso-duration';
import { operatorPublicKey, readPublicKeyFile, resolveAuditSigningKey } from '../config/audit-signing-key';
import { resolveAuthSecret } from '../config/auth-secret';
import { resolvePeopleIndexKey } from '../config/people-index-key';
import { ConfigError } from '../config/config.errors';
import { loadConfig } from '../config/load-config';
import { checkpointSchema, createAuditCheckpointService, type CheckpointVerification } from '../engine/audit-checkpoint.service';
import { createAuditService, type ReplayResult } from '../engine/audit.service';
import { beijingIso } from '../engine/exports/export-labels';
import { migrateAsOwner } from '../engine/database-roles.service';
import { NotFoundError, TrailBrokenError, ValidationError } from '../engine/errors';
import { createIncidentService } from '../engine/incident.service';
import { unitFileSchema } from '../engine/unit-import';
import { createUnitService, type UnitRecord } from '../engine/unit.service';
import { divisionCodeSchema } from '../machines/petition.roles';
import { HUMAN_ROLES } from '../machines/petition.vocabulary';
import { createLogger } from '../app/logger';
import { withDatabase } from '../app/open-database';
import { createRuntime } from '../app/process-runtime';
import { RedisUnreachableError } from '../app/redis-check';
import { startApp } from '../app/serve.app';
import { startWorkerProcess } from '../app/worker.app';
import { startProgressBar, withProgressBar } from './progress-bar';
import { seedDemo } from './seed-demo';
import { writeReportFile } from '../app/report-file.app';
import type { ReportFileRequest } from '../engine/statistics/report-file';
import { DEMO_PASSWORD } from './seed-demo-users';
import { registerUserCommands } from './user.commands';

/** Where the CLI writes, and the environment it reads its configuration from. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The environment handed to `loadConfig`; undefined means the process environment. */
  readonly env?: NodeJS.ProcessEnv | undefined;
  /** Reads all of stdin (`users add --password-stdin`); the process's stdin unless given. */
  readonly readStdin?: () => Promise<string>;
  /** Whether a person is watching stdout (then `serve` logs pretty lines, when pino-pretty is installed). */
  readonly stdoutIsTerminal?: boolean;
}

const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTerminal: process.stdout.isTTY,
};

/** An error the CLI reports as one line with a chosen exit code. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

/** One line of `units list`: code, kind, level, name, then the parent, a configured review body and the short name. */
export function unitLine(u: UnitRecord): string {
  const extras = [
    u.parentCode === null ? '' : `parent ${u.parentCode}`,
    u.reviewBody === null ? '' : `review ${u.reviewBody}`,
    u.shortName === null ? '' : `short ${u.shortName}`,
  ].filter((x) => x !== '');
  return `${u.code.padEnd(12)} ${u.kind.padEnd(10)} ${u.level.padEnd(9)} ${u.name}${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

/** Found by walking up from this file: `cli/` under tsx and jest, `dist/cli/` when compiled. */
function packageVersion(): string {
  for (const dir of [resolve(__dirname, '..'), resolve(__dirname, '..', '..')]) {
    const file = resolve(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'petitionflow' && pkg.version !== undefined) return pkg.version;
  }
  return '0.0.0';
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

function formatReplay(result: ReplayResult, full: ReplayResult, at: Date | undefined): string[] {
  const rows = result.steps.map((s) => ({
    seq: String(s.seq),
    // Beijing time: 16:05 UTC is already the next day where the case was handled.
    at: beijingIso(s.at),
    actor: `${s.actor.role}/${s.actor.id}`,
    type: s.type,
    state: s.accepted ? s.state : `${s.state} (the machine refused this event)`,
  }));
  const width = (key: keyof (typeof rows)[number], title: string) => Math.max(title.length, ...rows.map((r) => r[key].length));
  const w = { seq: width('seq', 'seq'), at: width('at', 'time'), actor: width('actor', 'actor'), type: width('type', 'event') };
  const line = (seq: string, time: string, actor: string, type: string, state: string) =>
    `${seq.padStart(w.seq)}  ${time.padEnd(w.at)}  ${actor.padEnd(w.actor)}  ${type.padEnd(w.type)}  ${state}`.trimEnd();
  const out = [`case ${result.id} (machine version ${result.machineVersion})`, line('seq', 'time', 'actor', 'event', 'state')];
  for (const r of rows) out.push(line(r.seq, r.at, r.actor, r.type, `→ ${r.state}`));
  if (at !== undefined) {
    out.push(
      result.steps.length === 0
        ? `no events at or before ${beijingIso(at)}: the case was not recorded yet`
        : `state at ${beijingIso(at)}: ${result.state} (${result.steps.length} of ${full.steps.length} events)`,
    );
  }
  out.push(
    full.matchesStored
      ? `replayed state ${full.state} matches the stored snapshot`
      : `replayed state ${full.state} does NOT match the stored snapshot`,
  );
  return out;
}

function formatCheckpointVerification(r: CheckpointVerification, signerChecked: boolean): string[] {
  const head = `checkpoint ${r.checkpointId} of ${r.createdAt}`;
  if (r.problem !== undefined) return [`${head} is NOT genuine: ${r.problem}`];
  if (r.firstBroken !== undefined) {
    const b = r.firstBroken;
    return [`${head}: trail CHANGED since: case ${b.caseId} seq ${b.seq}: ${b.reason} (after ${r.checked} of ${r.cases} cases checked)`];
  }
  const signer = signerChecked
    ? 'signed by the operator’s key'
    : 'signature valid (no operator key configured to compare the signer with; pass --key)';
  return [`${head}: ${signer}; all ${r.cases} covered cases unchanged`];
}

/**
 * Builds the program. Actions report through `io` and set the exit code
 * through `setExit`; they never call `process.exit`, so the CLI can run
 * in-process (tests) as well as from the shell.
 */
export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('petitionflow');
  const out = (line = '') => io.stdout(`${line}\n`);
  const config = () => loadConfig(io.env);

  program
    .description('A workflow engine for 信访 petition cases: lifecycle, statutory deadlines and a hash-chained audit trail.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  program
    .command('serve')
    .description('run the engine: migrations, then the HTTP API on HOST:PORT (embedded PGlite under DATA_DIR without DATABASE_URL)')
    .action(async () => {
      const cfg = config();
      const logger = createLogger(cfg, undefined, io.stdoutIsTerminal === true);
      // Resolves once listening; the open server keeps the process alive until SIGTERM/SIGINT.
      await startApp(cfg, logger, { announce: (line) => io.stderr(`${line}\n`) });
    });

  program
    .command('worker')
    .description(
      'run only the deadline and notification workers and the timer sweeper (any number of processes may share one Redis and one PostgreSQL)',
    )
    .action(async () => {
      const cfg = config();
      // Resolves once running; the workers keep the process alive until SIGTERM/SIGINT.
      await startWorkerProcess(cfg, createLogger(cfg));
    });

  const incidents = program.command('incidents').description('background jobs that exhausted their retries');
  incidents
    .command('list')
    .description('list open incidents (all of them with --all)')
    .option('--all', 'include incidents already retried or resolved')
    .option('--json', 'print JSON')
    .action(async (opts: { all?: boolean; json?: boolean }) => {
      await withDatabase(config(), async (db) => {
        const items = await createIncidentService(db).listAll({ all: opts.all === true, limit: 1000 });
        if (opts.json === true) return out(JSON.stringify(items));
        if (items.length === 0) out('no incidents');
        for (const i of items) {
          out(
            `${i.id.padStart(6)}  ${i.status.padEnd(8)}  ${i.createdAt.toISOString()}  ${i.queue}/${i.jobName}  case ${i.caseId ?? '-'} ${i.clock ?? ''}  ${i.error}`,
          );
        }
      });
    });
  incidents
    .command('retry')
    .description('retry the job behind an incident')
    .argument('<id>', 'incident id, from `incidents list`')
    .action(async (id: string) => {
      const cfg = config();
      await withDatabase(cfg, async (db) => {
        const runtime = createRuntime(cfg, db, createLogger(cfg));
        try {
          const incident = await runtime.retryIncident(id).catch((err: unknown) => {
            if (err instanceof NotFoundError) throw new CliFailure(`no incident ${id}`, 1);
            throw err;
          });
          out(`incident ${incident.id} retried (${incident.queue} job ${incident.jobId})`);
        } finally {
          await runtime.close();
        }
      });
    });

  const units = program
    .command('units')
    .description('the unit tree: divisions (province > city > county > township > village), their petition bureaus and departments');
  units
    .command('import')
    .description(
      'load units from a JSON file: [{"code","name","level","kind","parentCode","reviewBody"?,"shortName"?}] (kind division, bureau or department; a file without kinds loads as divisions), inserting or updating',
    )
    .argument('<file>', 'path of the JSON file')
    .action(async (file: string) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(resolve(file), 'utf8'));
      } catch (err) {
        throw new CliFailure(`cannot read ${file} as JSON (${(err as Error).message})`, 2);
      }
      const parsed = unitFileSchema.safeParse(raw);
      if (!parsed.success) throw new CliFailure(`${file}: ${issuesText(parsed.error)}`, 2);
      await withDatabase(config(), async (db) => {
        const imported = await createUnitService(db)
          .importUnits(parsed.data)
          .catch((err: unknown) => {
            // A unit tree that does not hang together is a fault of the file, like a schema error.
            if (err instanceof ValidationError) throw new CliFailure(err.message, 2);
            throw err;
          });
        out(`${imported} units imported`);
      });
    });
  units
    .command('list')
    .description('print the unit tree: code, kind, level, name, parent, review body (when not the parent), short name')
    .action(async () => {
      await withDatabase(config(), async (db) => {
        for (const u of await createUnitService(db).list()) out(unitLine(u));
      });
    });

  const policyCmd = program.command('policy').description('the clocks and machine version this configuration runs with');
  policyCmd
    .command('show')
    .description('print the effective policy (the statutory defaults overlaid with PETITION_POLICY) as JSON')
    .action(() => {
      const { policy } = config();
      // machineVersion first: it is the line an operator holding a bureau on an older version looks for.
      out(JSON.stringify({ machineVersion: policy.machineVersion, clocks: policy.clocks }, null, 2));
    });

  program
    .command('migrate')
    .description('bring the database schema up to date and print the migrations applied')
    .option('--admin-url <url>', 'PostgreSQL URL of the owner role: migrate as it, then create/grant the least-privilege application role')
    .option('--app-role <name>', 'the application role (default: the user of DATABASE_URL, whose password it is given)')
    .action(async (opts: { adminUrl?: string; appRole?: string }) => {
      const cfg = config();
      if (opts.adminUrl === undefined) {
        if (opts.appRole !== undefined) throw new CliFailure('--app-role needs --admin-url (only the owner can grant)', 2);
        await withDatabase(cfg, async (_db, applied) => {
          if (applied.length === 0) out('database schema is up to date; no migrations applied');
          for (const name of applied) out(`applied ${name}`);
        });
        return;
      }
      if (!/^postgres(ql)?:\/\//.test(opts.adminUrl)) throw new CliFailure('--admin-url: must be a postgres:// URL', 2);
      const result = await migrateAsOwner({ adminUrl: opts.adminUrl, appUrl: cfg.databaseUrl, appRole: opts.appRole }).catch(
        (err: unknown) => {
          if (err instanceof ValidationError) throw new CliFailure(`${err.message}: ${JSON.stringify(err.details)}`, 2);
          throw err;
        },
      );
      if (result.applied.length === 0) out('database schema is up to date; no migrations applied');
      for (const name of result.applied) out(`applied ${name}`);
      out(`application role ${result.appRole} granted its least privileges`);
    });

  program
    .command('token')
    .description('print an API bearer token (HS256, signed with AUTH_SECRET or the secret kept under DATA_DIR)')
    .addOption(new Option('--role <role>', 'role of the token holder').choices(HUMAN_ROLES).makeOptionMandatory())
    .requiredOption('--unit <code>', 'administrative division code of the holder’s unit, e.g. 411621')
    .requiredOption('--user <id>', 'user id recorded as the actor of every event sent with the token')
    .option('--expires <span>', 'lifetime, e.g. 8h, 30d', '12h')
    .action(async (opts: { role: (typeof HUMAN_ROLES)[number]; unit: string; user: string; expires: string }) => {
      const unit = divisionCodeSchema.safeParse(opts.unit);
      if (!unit.success) throw new CliFailure(`--unit: ${issuesText(unit.error)}`, 2);
      if (
        !/^\d+\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|week|weeks|y|yr|yrs|year|years)$/i.test(
          opts.expires,
        )
      ) {
        throw new CliFailure(`--expires: expected a time span such as 30m, 8h or 30d, got ${JSON.stringify(opts.expires)}`, 2);
      }
      const cfg = config();
      const token = await signToken(resolveAuthSecret(cfg), { sub: opts.user, role: opts.role, unit: unit.data }, opts.expires);
      // The server refuses a token living longer than TOKEN_MAX_LIFETIME: say so now rather than print a useless token.
      const { exp = 0, iat = 0 } = decodeJwt(token);
      if ((exp - iat) * 1000 > durationMillis(cfg.api.tokenMaxLifetime)) {
        throw new CliFailure(`--expires: ${opts.expires} is longer than TOKEN_MAX_LIFETIME (${cfg.api.tokenMaxLifetime})`, 2);
      }
      out(token);
    });

  program
    .command('replay')
    .description('rebuild a case from its audit trail alone and compare it with the stored snapshot (exit 1 if they differ)')
    .argument('<id>', 'case id (UUID)')
    .option('--at <time>', 'stop at the last event at or before this ISO 8601 time')
    .option('--json', 'print the replay as JSON')
    .action(async (id: string, opts: { at?: string; json?: boolean }) => {
      if (!z.uuid().safeParse(id).success) throw new CliFailure(`<id>: not a case id (UUID): ${id}`, 2);
      let at: Date | undefined;
      if (opts.at !== undefined) {
        at = new Date(opts.at);
        if (!/^\d{4}-\d{2}-\d{2}/.test(opts.at) || Number.isNaN(at.getTime())) {
          throw new CliFailure(`--at: expected an ISO 8601 time such as 2026-03-02T09:00:00+08:00, got ${JSON.stringify(opts.at)}`, 2);
        }
      }
      const cfg = config();
      await withDatabase(cfg, async (db) => {
        const audit = createAuditService(db);
        try {
          // The stored snapshot is the case now, so the match is always judged on the whole trail;
          // --at only limits the timeline shown.
          const full = await audit.replay(id);
          const shown = at === undefined ? full : await audit.replay(id, undefined, at);
          if (opts.json === true) {
            out(
              JSON.stringify({ ...shown, matchesStored: full.matchesStored, ...(at !== undefined && { at: at.toISOString() }) }, null, 2),
            );
          } else {
            for (const line of formatReplay(shown, full, at)) out(line);
          }
          if (!full.matchesStored) setExit(1);
        } catch (err) {
          if (err instanceof NotFoundError) throw new CliFailure(`case ${id} not found`, 1);
          throw err;
        }
      });
    });

  program
    .command('verify-audit')
    .description(
      'check every hash chain of the audit trail and every case row against it (exit 1 on the first break, naming its case and seq)',
    )
    .option('--unit <code>', 'only the cases of this unit and the units below it')
    .option('--replay', 'also replay every case through its machine version (slower: checks that the trail follows the rules)')
    .option('--threads <n>', 'verification threads (PostgreSQL only; default: the CPUs available)')
    .option('--no-progress', 'no progress bar (it is drawn only on a terminal anyway)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { unit?: string; replay?: boolean; threads?: string; progress: boolean; json?: boolean }) => {
      if (opts.unit !== undefined) {
        const unit = divisionCodeSchema.safeParse(opts.unit);
        if (!unit.success) throw new CliFailure(`--unit: ${issuesText(unit.error)}`, 2);
      }
      const threads = opts.threads === undefined ? undefined : Number(opts.threads);
      if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64))
        throw new CliFailure('--threads: a whole number from 1 to 64', 2);
      const cfg = config();
      await withDatabase(cfg, async (db) => {
        const audit = createAuditService(db, { connectionString: cfg.databaseUrl, threads });
        const bar = startProgressBar(await audit.countInScope(opts.unit), process.stderr, opts.progress && opts.json !== true);
        const result = await audit
          .verifyAudit(opts.unit, { mode: opts.replay === true ? 'replay' : 'fast', onProgress: (c, e) => bar.tick(c, e) })
          .finally(() => bar.stop());
        if (opts.json === true) {
          out(JSON.stringify(result, null, 2));
        } else if (result.firstBroken === undefined) {
          out(`audit trail intact: ${result.checked} events in ${result.cases} cases checked${opts.replay === true ? ' (replayed)' : ''}`);
        } else {
          const b = result.firstBroken;
          out(`audit trail BROKEN: case ${b.caseId} seq ${b.seq}: ${b.reason} (after ${result.checked} events checked)`);
        }
        if (!result.ok) setExit(1);
      });
    });

  const auditCmd = program.command('audit').description('signed checkpoints of the audit trail');
  auditCmd
    .command('checkpoint')
    .description('verify the trail, then sign a Merkle root over every case head (Ed25519, AUDIT_SIGNING_KEY) and store it')
    .option('--out <file>', 'also write the checkpoint to this file (keep a copy outside the database)')
    .action(async (opts: { out?: string }) => {
      const cfg = config();
      await withDatabase(cfg, async (db) => {
        const service = createAuditCheckpointService({ db, audit: createAuditService(db), signingKey: () => resolveAuditSigningKey(cfg) });
        const checkpoint = await service.take().catch((err: unknown) => {
          if (err instanceof TrailBrokenError) throw new CliFailure(err.message, 1);
          throw err;
        });
        if (opts.out !== undefined) writeFileSync(resolve(opts.out), `${JSON.stringify(checkpoint, null, 2)}\n`);
        out(
          `checkpoint ${checkpoint.id} at ${checkpoint.createdAt}: ${checkpoint.cases} cases, root ${checkpoint.root}${opts.out === undefined ? '' : `, written to ${opts.out}`}`,
        );
      });
    });
  auditCmd
    .command('verify')
    .description('prove that nothing a checkpoint covers has changed since (exit 1 naming the first changed case)')
    .requiredOption('--against <file>', 'a checkpoint file written by `audit checkpoint --out` (or the sweeper)')
    .option('--key <file>', 'the operator’s public key (PEM); default: the configured signing key, when there is one')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { against: string; key?: string; json?: boolean }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(resolve(opts.against), 'utf8'));
      } catch (err) {
        throw new CliFailure(`cannot read ${opts.against} as JSON (${(err as Error).message})`, 2);
      }
      const parsed = checkpointSchema.safeParse(raw);
      if (!parsed.success) throw new CliFailure(`${opts.against}: not a checkpoint: ${issuesText(parsed.error)}`, 2);
      const cfg = config();
      const signer = opts.key !== undefined ? readPublicKeyFile(opts.key) : operatorPublicKey(cfg);
      await withDatabase(cfg, async (db) => {
        const service = createAuditCheckpointService({ db, audit: createAuditService(db), signingKey: () => resolveAuditSigningKey(cfg) });
        const result = await service.verifyAgainst(parsed.data, signer);
        if (opts.json === true) out(JSON.stringify({ ...result, signerChecked: signer !== undefined }, null, 2));
        else for (const line of formatCheckpointVerification(result, signer !== undefined)) out(line);
        if (!result.ok) setExit(1);
      });
    });

  const report = program.command('report').description('statistics reports to a file (.xlsx or .pdf by the extension of --out)');
  const reportFile = async (
    req: { kind: 'monthly'; unit: string; month: string } | { kind: 'annual'; unit: string; year: number },
    outFile: string,
  ) => {
    const format = outFile.toLowerCase().endsWith('.pdf') ? 'pdf' : outFile.toLowerCase().endsWith('.xlsx') ? 'xlsx' : undefined;
    if (format === undefined) throw new CliFailure('--out: the file must end in .xlsx or .pdf', 2);
    if (!divisionCodeSchema.safeParse(req.unit).success) throw new CliFailure('--unit: an administrative division code such as 411621', 2);
    await withDatabase(config(), async (db) => {
      const bytes = await withProgressBar((progress) => writeReportFile(db, { ...req, format } satisfies ReportFileRequest, progress));
      writeFileSync(outFile, bytes);
      out(`wrote ${outFile} (${bytes.length} bytes)`);
    });
  };
  report
    .command('monthly')
    .description('the monthly 通报: counts and rates of a unit and its subtree, per child unit')
    .requiredOption('--unit <code>', 'the unit, e.g. 411622')
    .requiredOption('--month <yyyy-mm>', 'the month (Beijing dates), e.g. 2026-11')
    .requiredOption('--out <file>', 'where to write: report.xlsx or report.pdf')
    .action(async (opts: { unit: string; month: string; out: string }) => {
      if (!/^\d{4}-\d{2}$/.test(opts.month)) throw new CliFailure('--month: such as 2026-11', 2);
      await reportFile({ kind: 'monthly', unit: opts.unit, month: opts.month }, opts.out);
    });
  report
    .command('annual')
    .description('the annual report (Art 41): statistics, fields, most complained-of units, dispatch and supervision, suggestions, months')
    .requiredOption('--unit <code>', 'the unit, e.g. 411622')
    .requiredOption('--year <yyyy>', 'the calendar year (Beijing dates), e.g. 2026')
    .requiredOption('--out <file>', 'where to write: report.xlsx or report.pdf')
    .action(async (opts: { unit: string; year: string; out: string }) => {
      if (!/^\d{4}$/.test(opts.year)) throw new CliFailure('--year: such as 2026', 2);
      await reportFile({ kind: 'annual', unit: opts.unit, year: Number(opts.year) }, opts.out);
    });
  registerUserCommands(program, { io, config, fail: (message, exitCode) => new CliFailure(message, exitCode) });

  program
    .command('seed-demo')
    .description("load the 周口市 unit tree and the seed newspaper page's stories as backdated cases (safe to run again)")
    .action(async () => {
      const cfg = config();
      await withDatabase(cfg, async (db) => {
        const result = await seedDemo({ db, policy: cfg.policy, peopleIndexKey: resolvePeopleIndexKey(cfg) });
        out(`${result.units} units loaded (周口市; township and village codes are illustrative)`);
        for (const c of result.cases) {
          const state = c.closure === null ? c.state : `${c.state}/${c.closure}`;
          out(`${c.created ? 'created' : 'exists '}  ${c.id}  ${state.padEnd(17)}  ${c.title}`);
        }
        out(`demo accounts (password ${DEMO_PASSWORD} for those created now):`);
        for (const u of result.users)
          out(`${u.created ? 'created' : 'exists '}  ${u.id.padEnd(10)}  ${u.role.padEnd(10)}  ${u.unit}  ${u.displayName}`);
      });
    });

  return program;
}

/**
 * Runs the CLI with `argv` (as `process.argv`: node, script, args...) and
 * resolves to the exit code. Every error becomes one line on stderr: no stack
 * traces for configuration, usage or connection problems.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync([...argv]);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are "errors" only to exitOverride; commander already printed the message.
      if (err.exitCode === 0) return 0;
      return 2;
    }
    if (err instanceof ConfigError) {
      io.stderr(`petitionflow: ${oneLine(err.message)}\n`);
      return 2;
    }
    if (err instanceof CliFailure) {
      io.stderr(`petitionflow: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    if (err instanceof RedisUnreachableError) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`petitionflow: ${oneLine(message)}\n`);
    return 1;
  }
}
