import { hash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import type { TrailOutcome } from '../db/case-event.repository';

export type { TrailOutcome };

const canonicalJson = configure({ deterministic: true, bigint: false, circularValue: Error });

/**
 * SHA-256 of a string as hex, through the one-shot `crypto.hash`: verification hashes every entry, and a `Hash`
 * object per entry (with its update and digest calls) costs it more time and garbage than the digest itself.
 */
const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** The hash before a case's first event (its home is the store, which derives each entry's previous hash). */
export { GENESIS_HASH } from '../db/hash-bytes';

/** What each trail entry's hash covers: everything but the hash itself. */
export interface HashedEvent {
  readonly caseId: string;
  readonly seq: number;
  readonly type: string;
  readonly fields: Record<string, unknown>;
  readonly actor: { readonly id: string; readonly role: string; readonly unit: string };
  readonly at: string;
  readonly machineVersion: number;
  readonly prevHash: string;
  /** What the event led to; recorded (and hashed) on entries written since migration 0008, absent on older ones. */
  readonly after?: TrailOutcome | undefined;
}

/** SHA-256 (hex) of a stored snapshot's canonical JSON: what {@link TrailOutcome.snapshot} records. */
export function snapshotDigest(stored: unknown): string {
  return digestOfCanonical(canonical(stored));
}

/** {@link snapshotDigest} of a snapshot already serialised with {@link canonical} (the writer stores that text too). */
export function digestOfCanonical(json: string): string {
  return sha256Hex(json);
}

/**
 * SHA-256 over a canonical serialisation (keys sorted, no whitespace) of the
 * event and the previous hash, chaining each case's trail: changing any
 * stored entry breaks its own hash and every later link.
 */
export function hashEvent(e: HashedEvent): string {
  return sha256Hex(hashedBody(e));
}

/** A string as canonical JSON writes it (the same escapes as `JSON.stringify`). */
const quoted = (value: string) => JSON.stringify(value);

/**
 * The canonical JSON of what {@link hashEvent} covers. Its keys are fixed, so
 * they are written in their sorted order directly and only `fields` goes
 * through the generic canonical serialiser: sorting the same nine, three and
 * two keys again for every entry was most of a whole verification's
 * serialising and much of its garbage. An entry whose values are not of the
 * stored types (which the generic serialiser would write differently, e.g. by
 * leaving an undefined value out) takes the generic path, so the text, and so
 * every hash, is the same either way.
 */
function hashedBody(e: HashedEvent): string {
  const { actor, after, fields } = e;
  const plain =
    typeof e.caseId === 'string' &&
    Number.isInteger(e.seq) &&
    typeof e.type === 'string' &&
    typeof fields === 'object' &&
    fields !== null &&
    typeof actor.id === 'string' &&
    typeof actor.role === 'string' &&
    typeof actor.unit === 'string' &&
    typeof e.at === 'string' &&
    Number.isInteger(e.machineVersion) &&
    typeof e.prevHash === 'string' &&
    (after === undefined || (typeof after.state === 'string' && typeof after.snapshot === 'string'));
  if (!plain) return genericBody(e);
  const outcome = after === undefined ? '' : `"after":{"snapshot":${quoted(after.snapshot)},"state":${quoted(after.state)}},`;
  return (
    `{"actor":{"id":${quoted(actor.id)},"role":${quoted(actor.role)},"unit":${quoted(actor.unit)}},${outcome}` +
    `"at":${quoted(e.at)},"caseId":${quoted(e.caseId)},"fields":${canonical(fields)},"machineVersion":${e.machineVersion},` +
    `"prevHash":${quoted(e.prevHash)},"seq":${e.seq},"type":${quoted(e.type)}}`
  );
}

/** The canonical JSON of what {@link hashEvent} covers, through the generic serialiser. */
export function genericBody(e: HashedEvent): string {
  const body = {
    caseId: e.caseId,
    seq: e.seq,
    type: e.type,
    fields: e.fields,
    actor: { id: e.actor.id, role: e.actor.role, unit: e.actor.unit },
    at: e.at,
    machineVersion: e.machineVersion,
    prevHash: e.prevHash,
    // Only when recorded: entries written before outcomes were recorded keep the hash they were written with.
    ...(e.after !== undefined && { after: { state: e.after.state, snapshot: e.after.snapshot } }),
  };
  return canonicalJson(body) ?? '';
}

/** Canonical JSON, for comparing snapshots regardless of key order. */
export function canonical(value: unknown): string {
  return canonicalJson(value) ?? 'undefined';
}
