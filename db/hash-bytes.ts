/**
 * SHA-256 digests are stored as their 32 bytes (`bytea`) and handled
 * everywhere else as the 64 lowercase hex characters that are hashed, shown
 * and exported. SQL reads the trail's digests as `encode(…, 'hex')` (rows come
 * back with strings, no Buffer per field) and writes them with `decode(…, 'hex')`.
 */

/** The hash before a case's first trail entry (what the first entry chains to). */
export const GENESIS_HASH = '0'.repeat(64);

/** A stored digest as hex; `pg` returns a Buffer, PGlite a Uint8Array. */
export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
