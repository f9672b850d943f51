import type { CaseEventRecord } from '../db/case-event.repository';
import type { Actor } from '../machines/petition.roles';
import { hashEvent, type TrailOutcome } from './audit-hash';

/** The type of the first trail entry of every case: the petition as recorded (Art 19). */
export const INTAKE_EVENT = 'INTAKE';

/** What a trail entry records before it is hashed. */
export interface TrailEntryInput {
  readonly caseId: string;
  readonly seq: number;
  readonly type: string;
  readonly fields: Record<string, unknown>;
  readonly actor: Actor;
  readonly at: string;
  readonly machineVersion: number;
  readonly prevHash: string;
  /** What the event led to (recorded and hashed with the entry). */
  readonly after: TrailOutcome;
}

/**
 * One hash-chained trail entry: the fields as recorded, the actor reduced to
 * who, which role and which unit, and the hash over all of it and the previous
 * entry's hash. Intake and every later event are recorded through here.
 */
export function buildTrailEntry(input: TrailEntryInput): CaseEventRecord {
  const { actor } = input;
  const record = { ...input, actor: { id: actor.id, role: actor.role, unit: actor.unit } };
  return { ...record, hash: hashEvent(record) };
}
