/**
 * SHA-256 digests are stored as their 32 bytes (`bytea`) and handled
 * everywhere else as the 64 lowercase hex characters that are hashed, shown
 * and exported. The two conversions live here.
 */
import { sql, type RawBuilder } from 'kysely';

/** The hash before a case's first trail entry (what the first entry chains to). */
export const GENESIS_HASH = '0'.repeat(64);

/** A stored digest as hex; `pg` returns a Buffer, PGlite a Uint8Array. */
export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A hex digest as the bytes a column stores. */
export function bytesOf(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

/** SQL reading a digest column as hex text, so that rows of the trail come back with strings and no Buffer per field. */
export function hexColumn(column: string): RawBuilder<string> {
  return sql<string>`encode(${sql.ref(column)}, 'hex')`;
}
