/**
 * The Merkle tree over every case's chain head that a checkpoint signs,
 * laid out as RFC 6962 §2.1 (Certificate Transparency) lays out its log:
 *
 * - a leaf is one case head, encoded as the UTF-8 text
 *   `<case id>\n<version>\n<head hash>` (lower-case UUID, decimal version,
 *   64 lower-case hex digits), leaves sorted by case id;
 * - leaf hash  = SHA-256(0x00 || leaf bytes);
 * - node hash  = SHA-256(0x01 || left hash || right hash);
 * - a list of n > 1 leaves splits at k, the largest power of two below n:
 *   root(D[0:n]) = node(root(D[0:k]), root(D[k:n]));
 * - the root of no leaves is SHA-256 of the empty string.
 *
 * The distinct prefixes keep a leaf from ever being read as an inner node
 * (no second-preimage trick); the fixed split makes the root depend only on
 * the sorted leaves, so anyone can recompute it from a checkpoint file.
 */
import { createHash } from 'node:crypto';

/** One case's chain head: what a checkpoint commits to for that case. */
export interface CaseHead {
  readonly caseId: string;
  /** Seq of the last entry covered (the case row's version). */
  readonly version: number;
  /** Hash of that entry. */
  readonly head: string;
}

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** The leaf hash of one case head. */
export function leafHash(leaf: CaseHead): Buffer {
  return sha256(Buffer.from([0x00]), Buffer.from(`${leaf.caseId}\n${leaf.version}\n${leaf.head}`, 'utf8'));
}

function subtreeRoot(hashes: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return hashes[from] ?? Buffer.alloc(0);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(Buffer.from([0x01]), subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
}

/** Sorts heads into leaf order (case id, as PostgreSQL orders UUIDs: by their lower-case hex text). */
export function sortHeads(heads: readonly CaseHead[]): CaseHead[] {
  return [...heads].sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
}

/** The hex root over heads already in leaf order (see {@link sortHeads}). */
export function merkleRoot(heads: readonly CaseHead[]): string {
  if (heads.length === 0) return sha256().toString('hex');
  return subtreeRoot(heads.map(leafHash), 0, heads.length).toString('hex');
}
