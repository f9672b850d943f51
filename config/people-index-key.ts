import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './load-config';

/**
 * The key of the person index: ID numbers and phones are found through
 * HMAC-SHA256 digests under this key, so the database alone (a dump, a
 * replica, its owner) cannot turn an index entry back into a number by
 * hashing every possible one. `PEOPLE_INDEX_KEY` when set, otherwise one
 * generated once and kept in `<dataDir>/people-index-key` (mode 0600), like
 * the token secret. Changing it orphans the index: keep it with the backups
 * of the key, not of the database.
 */
export function resolvePeopleIndexKey(config: Pick<Config, 'peopleIndexKey' | 'dataDir'>): Buffer {
  if (config.peopleIndexKey !== undefined) return Buffer.from(config.peopleIndexKey, 'utf8');
  const file = join(config.dataDir, 'people-index-key');
  try {
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const key = randomBytes(32).toString('base64url');
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return Buffer.from(key, 'utf8');
  }
}
