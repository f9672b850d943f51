/**
 * Password hashing with scrypt (node:crypto), a memory-hard function: each
 * guess costs an attacker who stole the users table 128 MiB of memory and a
 * few hundred milliseconds, which GPUs and ASICs cannot cheapen much.
 *
 * Parameters follow OWASP's password storage guidance for scrypt: N = 2^17
 * (CPU/memory cost), r = 8 (block size), p = 1 (parallelism), a 16-byte
 * random salt per password and a 32-byte key. They are stored with each hash
 * (`scrypt$17$8$1$<salt>$<key>`, base64url), so raising them later leaves old
 * hashes verifiable and {@link needsRehash} says when to upgrade one at the
 * next sign-in. Comparison is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** The cost parameters of a hash. */
export interface ScryptParams {
  /** log2 of N, the CPU/memory cost. */
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
}

/** The parameters new hashes are made with. */
export const SCRYPT_PARAMS: ScryptParams = Object.freeze({ log2N: 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Bounds on stored parameters, so a tampered row cannot make verification allocate without limit. */
const MAX_LOG2N = 20;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node refuses above `maxmem` (32 MiB by default), so room is made for it.
  const options: ScryptOptions = { N: 2 ** params.log2N, r: params.r, p: params.p, maxmem: 2 * 128 * 2 ** params.log2N * params.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password with a fresh salt: `scrypt$17$8$1$<salt>$<key>`. */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.log2N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (m === null) return undefined;
  const params = { log2N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.log2N < 10 || params.log2N > MAX_LOG2N || params.r < 1 || params.r > 32 || params.p < 1 || params.p > 16) return undefined;
  return { params, salt: Buffer.from(m[4] ?? '', 'base64url'), key: Buffer.from(m[5] ?? '', 'base64url') };
}

/** Whether `password` matches `stored`; false for a malformed hash. Constant-time in the comparison. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === undefined || parsed.key.length !== KEY_BYTES) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash was made with weaker parameters than today's (re-hash it at the next good sign-in). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (parsed === undefined) return true;
  const { log2N, r, p } = parsed.params;
  return log2N < SCRYPT_PARAMS.log2N || r < SCRYPT_PARAMS.r || p < SCRYPT_PARAMS.p;
}

let dummy: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no account to verify
 * against (an unknown or disabled name), so the answer's timing does not tell
 * which names exist.
 */
export async function burnVerification(password: string): Promise<void> {
  dummy ??= hashPassword('no account has this password');
  await verifyPassword(password, await dummy);
}
