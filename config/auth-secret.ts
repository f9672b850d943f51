import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './load-config';

/**
 * The token signing secret: `AUTH_SECRET` when set, otherwise one generated
 * once and kept in `<dataDir>/auth-secret` (mode 0600) so that `npm start`
 * and `petitionflow token` agree on a fresh checkout without any setup.
 */
export function resolveAuthSecret(config: Config): string {
  if (config.authSecret !== undefined) return config.authSecret;
  const file = join(config.dataDir, 'auth-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
