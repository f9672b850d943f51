import type { CaseEventRecord } from '../db/case-event.repository';
import type { CaseStart, MachineAdapter, PersonFlags } from '../machines/machine-adapter';
import type { Actor } from '../machines/petition.roles';
import { hashEvent, type TrailOutcome } from './audit-hash';

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

/** The repeat / first-petition flags an intake entry's registration recorded (none before people were indexed). */
function personFlagsOf(fields: Record<string, unknown>): PersonFlags | undefined {
  const registration = fields[REGISTRATION_FIELD];
  if (typeof registration !== 'object' || registration === null) return undefined;
  const flags = (registration as { flags?: unknown }).flags;
  if (typeof flags !== 'object' || flags === null) return undefined;
  const { first, repeat } = flags as Record<string, unknown>;
  return { first: first === true, repeat: repeat === true };
}

/**
 * The start an intake entry records, as replay and the facts rebuild start the
 * machine from it: the version's own reading of the petition, and the flags
 * registration proposed (so a replayed v3 case counts them as the live one did).
 */
export function startOfIntakeEntry(adapter: MachineAdapter, entry: Pick<CaseEventRecord, 'caseId' | 'fields' | 'at'>): CaseStart {
  const start = adapter.startOfTrail(entry.caseId, intakeFieldsOf(entry.fields), entry.at);
  const personFlags = personFlagsOf(entry.fields);
  return personFlags === undefined ? start : { ...start, personFlags };
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
