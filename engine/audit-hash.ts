import { hash } from 'node:crypto';
import { configure } from 'safe-stable-stringify';
import type { TrailOutcome } from '../db/case-event.repository';

export type { TrailOutcome };

const canonicalJson = configure({ deterministic: true, bigint: false, circularValue: Error });

/** The hash before a case's first event. */
export const GENESIS_HASH = '0'.repeat(64);

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
  return hash('sha256', json);
}

/**
 * SHA-256 over a canonical serialisation (keys sorted, no whitespace) of the
 * event and the previous hash, chaining each case's trail: changing any
 * stored entry breaks its own hash and every later link.
 */
export function hashEvent(e: HashedEvent): string {
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
  return hash('sha256', canonicalJson(body) ?? '');
}

/** Canonical JSON, for comparing snapshots regardless of key order. */
export function canonical(value: unknown): string {
  return canonicalJson(value) ?? 'undefined';
}
