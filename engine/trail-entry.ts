import type { CaseEventRecord } from '../db/case-event.repository';
import type { Actor } from '../machines/petition.roles';
import { hashEvent } from './audit-hash';

/** The type of the first trail entry of every case: the petition as recorded (Art 19). */
export const INTAKE_EVENT = 'INTAKE';

/**
 * The intake entry's field holding what registration added (the case number,
 * the person links and the system's repeat / first-petition proposal); it is
 * not part of the petition the machine starts from.
 */
export const REGISTRATION_FIELD = 'registration';

/** An intake entry's fields without the registration: the petition as the machine starts from it. */
export function intakeFieldsOf(fields: Record<string, unknown>): Record<string, unknown> {
  const { [REGISTRATION_FIELD]: _registration, ...intake } = fields;
  return intake;
}

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
