/**
 * `petitionflow users …`: accounts managed by whoever runs the server (the
 * first administrator is made here). Passwords are read from stdin, never
 * from arguments (which other users of the machine can see in `ps`), or
 * generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import type { Config } from '../config/load-config';
import { createAccountService, newUserSchema, passwordSchema, type UserPatch } from '../engine/account.service';
import { NotFoundError, ValidationError } from '../engine/errors';
import { HUMAN_ROLES, type HumanRole } from '../machines/petition.vocabulary';
import { withDatabase } from '../app/open-database';

/** Where the commands write and read (the program's `CliIo`, of which they need this much). */
export interface UserCommandIo {
  readonly stdout: (text: string) => void;
  /** Reads all of stdin; the process's stdin unless given. */
  readonly readStdin?: () => Promise<string>;
}

/** What the commands need from the program. */
export interface UserCommandDeps {
  readonly io: UserCommandIo;
  readonly config: () => Config;
  /** The program's one-line failure with an exit code. */
  readonly fail: (message: string, exitCode: number) => Error;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** 16 random bytes as base64url: 22 characters, well past any guessing within the lockout. */
function generatedPassword(): string {
  return randomBytes(16).toString('base64url');
}

function issues(err: ValidationError): string {
  const list = (err.details?.issues ?? []) as { path: (string | number)[]; message: string }[];
  return list.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

/** Registers `users add|list|disable|enable|reset-password` on the program. */
export function registerUserCommands(program: Command, deps: UserCommandDeps): void {
  const { io, config, fail } = deps;
  const out = (line = '') => io.stdout(`${line}\n`);
  const readStdin = io.readStdin ?? readProcessStdin;
  /** The password from stdin (first line, without its line break), or a generated one to print. */
  const passwordFrom = async (fromStdin: boolean | undefined) => {
    if (fromStdin !== true) return { password: generatedPassword(), generated: true };
    const password = (await readStdin()).split(/\r?\n/)[0] ?? '';
    const checked = passwordSchema.safeParse(password);
    if (!checked.success) throw fail(`password: ${checked.error.issues.map((i) => i.message).join('; ')}`, 2);
    return { password, generated: false };
  };
  const change = async (name: string, patch: UserPatch): Promise<void> => {
    await withDatabase(config(), async (db) => {
      await createAccountService(db)
        .update(name, patch, 'operator')
        .catch((err: unknown) => {
          if (err instanceof NotFoundError) throw fail(`no account ${name}`, 1);
          throw err;
        });
    });
  };

  const users = program.command('users').description('console accounts: sign-in name, display name, role, unit and password');
  users
    .command('add')
    .description('create an account; the password is read from stdin with --password-stdin, otherwise generated and printed')
    .requiredOption('--name <name>', 'sign-in name (lower-case letters, digits, . _ @ -), recorded as the actor of what the user does')
    .requiredOption('--display-name <text>', 'the name colleagues see, e.g. 周敏')
    .addOption(new Option('--role <role>', 'role').choices(HUMAN_ROLES).makeOptionMandatory())
    .requiredOption('--unit <code>', 'administrative division code of the user’s unit, e.g. 411621')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(async (opts: { name: string; displayName: string; role: HumanRole; unit: string; passwordStdin?: boolean }) => {
      const { password, generated } = await passwordFrom(opts.passwordStdin);
      const input = newUserSchema.safeParse({ id: opts.name, displayName: opts.displayName, role: opts.role, unit: opts.unit, password });
      if (!input.success) throw fail(input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), 2);
      await withDatabase(config(), async (db) => {
        const user = await createAccountService(db)
          .create(input.data, 'operator')
          .catch((err: unknown) => {
            if (err instanceof ValidationError) throw fail(issues(err), 1);
            throw err;
          });
        out(`account ${user.id} created (${user.role}, ${user.unit})`);
        if (generated) out(`password: ${password}`);
      });
    });
  users
    .command('list')
    .description('print every account')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withDatabase(config(), async (db) => {
        const items = await createAccountService(db).list({}, 'operator');
        if (opts.json === true) return out(JSON.stringify(items));
        if (items.length === 0) out('no accounts');
        for (const u of items) {
          const state = u.disabled ? 'disabled' : u.lockedUntil !== null ? `locked until ${u.lockedUntil}` : 'enabled';
          out(`${u.id.padEnd(20)}  ${u.role.padEnd(10)}  ${u.unit.padEnd(12)}  ${state.padEnd(8)}  ${u.displayName}`);
        }
      });
    });
  users
    .command('disable')
    .description('disable an account: refused at sign-in, its sessions end at once')
    .argument('<name>', 'sign-in name')
    .action(async (name: string) => {
      await change(name, { disabled: true });
      out(`account ${name} disabled`);
    });
  users
    .command('enable')
    .description('enable an account again (also lifts a lockout after failed sign-ins)')
    .argument('<name>', 'sign-in name')
    .action(async (name: string) => {
      await change(name, { disabled: false });
      out(`account ${name} enabled`);
    });
  users
    .command('reset-password')
    .description('set a new password (read from stdin with --password-stdin, otherwise generated and printed); ends the account’s sessions')
    .argument('<name>', 'sign-in name')
    .option('--password-stdin', 'read the password from the first line of stdin')
    .action(async (name: string, opts: { passwordStdin?: boolean }) => {
      const { password, generated } = await passwordFrom(opts.passwordStdin);
      await change(name, { password });
      out(`password of ${name} reset`);
      if (generated) out(`password: ${password}`);
    });
}
