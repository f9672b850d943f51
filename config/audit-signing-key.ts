import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './config.errors';
import type { Config } from './load-config';

/** The file under `dataDir` that holds the generated checkpoint signing key. */
export const GENERATED_SIGNING_KEY_FILE = 'audit-signing-key.pem';

function readPrivateKey(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    throw new ConfigError([`AUDIT_SIGNING_KEY: cannot read ${path} (${(err as Error).message})`]);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new ConfigError([`AUDIT_SIGNING_KEY: ${path} is not a PEM private key (${(err as Error).message})`]);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new ConfigError([`AUDIT_SIGNING_KEY: ${path} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; an Ed25519 key is required`]);
  return key;
}

/**
 * The Ed25519 key that signs audit checkpoints: the PKCS#8 PEM file named by
 * `AUDIT_SIGNING_KEY` when set, otherwise one generated once into
 * `<dataDir>/audit-signing-key.pem` (mode 0600), as the auth secret is. It is
 * never stored in the database: whoever controls the database cannot sign.
 */
export function resolveAuditSigningKey(config: Pick<Config, 'auditSigningKey' | 'dataDir'>): KeyObject {
  if (config.auditSigningKey !== undefined) return readPrivateKey(config.auditSigningKey);
  const file = join(config.dataDir, GENERATED_SIGNING_KEY_FILE);
  try {
    return createPrivateKey({ key: readFileSync(file, 'utf8'), format: 'pem' });
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    return privateKey;
  }
}

/**
 * The operator's public key, when one is configured or was generated: what a
 * checkpoint's signer must be. Never generates a key (verifying must not
 * invent the key it checks against).
 */
export function operatorPublicKey(config: Pick<Config, 'auditSigningKey' | 'dataDir'>): KeyObject | undefined {
  if (config.auditSigningKey !== undefined) return createPublicKey(readPrivateKey(config.auditSigningKey));
  try {
    return createPublicKey(
      createPrivateKey({ key: readFileSync(join(config.dataDir, GENERATED_SIGNING_KEY_FILE), 'utf8'), format: 'pem' }),
    );
  } catch {
    return undefined;
  }
}

/** Reads a PEM public key (SPKI) or private key file as the public key to check checkpoints against. */
export function readPublicKeyFile(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read ${path} (${(err as Error).message})`]);
  }
  try {
    return createPublicKey(pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : pem);
  } catch (err) {
    throw new ConfigError([`${path} is not a PEM key (${(err as Error).message})`]);
  }
}
