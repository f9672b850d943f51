/**
 * How people are recognised and found: keyed digests of ID numbers and
 * phones, and the character grams of names and request summaries. Pure: no
 * database, no I/O.
 */
import { createHmac } from 'node:crypto';

/** Which identifier a digest is of (the kind is part of the digest, so an ID number never matches a phone). */
export type IdentifierKind = 'id' | 'phone';

/** The HMAC-SHA256 digest of a normalised identifier under the person index key. */
export function identifierDigest(key: Buffer, kind: IdentifierKind, normalised: string): Buffer {
  return createHmac('sha256', key).update(`${kind}:${normalised}`).digest();
}

/** A phone as intake stores it: digits, a leading `+` kept, spaces and hyphens dropped. */
export function normalisePhone(phone: string): string {
  return phone.replace(/[\s-]/g, '');
}

/** Text as compared: letters and digits only (CJK included), lower-case; punctuation and spaces dropped. */
export function textKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/** The distinct characters and adjacent pairs of characters of a text key. */
function gramsOf(key: string, unigrams: boolean): string[] {
  const chars = Array.from(key);
  const grams = new Set<string>(unigrams ? chars : []);
  for (let i = 0; i + 1 < chars.length; i += 1) grams.add(`${chars[i] ?? ''}${chars[i + 1] ?? ''}`);
  if (!unigrams && chars.length === 1) grams.add(key);
  return [...grams];
}

/** A name's index entries: its characters and its bigrams (a one-character query finds by character, longer ones by bigrams). */
export function nameGrams(name: string): string[] {
  return gramsOf(textKey(name), true);
}

/** What a partial name query must find among a name's grams: its bigrams, or its one character. */
export function nameQueryGrams(query: string): string[] {
  const key = textKey(query);
  return Array.from(key).length === 1 ? [key] : gramsOf(key, false);
}

/** A request summary's bigrams, for similarity. */
export function summaryGrams(summary: string): string[] {
  return gramsOf(textKey(summary), false);
}

/**
 * The share of bigrams two summaries have in common (Jaccard). The SQL
 * queries compute the same figure; this one is for tests and in-memory checks.
 */
export function gramSimilarity(a: readonly string[], b: readonly string[]): number {
  const left = new Set(a);
  const shared = b.filter((g) => left.has(g)).length;
  const union = left.size + new Set(b).size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * The grams a similar summary must share at least one of (prefix filtering):
 * a summary with Jaccard share ≥ `threshold` with these `grams` (n of them)
 * shares at least ⌈threshold·n⌉ of them, so it shares one of any
 * n − ⌈threshold·n⌉ + 1. Taking the rarest ones (by `frequency`, a share of
 * summaries; unknown grams count as rarest) keeps the candidates an index
 * returns few without losing any similar summary.
 */
export function probeGrams(grams: readonly string[], frequency: ReadonlyMap<string, number>, threshold: number): string[] {
  const n = grams.length;
  const size = n - Math.ceil(threshold * n) + 1;
  return [...grams].sort((a, b) => (frequency.get(a) ?? 0) - (frequency.get(b) ?? 0)).slice(0, Math.max(1, size));
}

/**
 * Two requests are "similar" at this share of shared bigrams. Measured on
 * restatements of the seed-demo requests (README, "One person, one file"):
 * every restatement scores 0.33 or more against its original, every pair of
 * different requests 0.05 or less.
 */
export const SIMILARITY_THRESHOLD = 0.25;
