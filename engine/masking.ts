import type { Actor } from '../machines/petition.roles';
import type { Role } from '../machines/petition.vocabulary';
import type { Intake, Matter, Petitioner } from '../machines/petition.schemas';
import { inSubtree } from '../machines/unit-tree';

/** Roles that see ID numbers and phones in full: the clerk checks identity and contact (Art 19). */
const SEES_IDENTITY: readonly Role[] = ['clerk'];

/** Whether a role sees personal identifiers unmasked. */
export function seesIdentity(role: Role): boolean {
  return SEES_IDENTITY.includes(role);
}

/** An ID number as the seed prints it: first 8 and last 4 kept (41272119xxxxxx3411). */
export function maskIdNumber(id: string): string {
  if (id.length <= 12) return 'x'.repeat(id.length);
  return `${id.slice(0, 8)}${'x'.repeat(id.length - 12)}${id.slice(-4)}`;
}

/** A phone number as the seed prints it: the last 4 digits hidden (1874926xxxx). */
export function maskPhone(phone: string): string {
  if (phone.length <= 4) return 'x'.repeat(phone.length);
  return `${phone.slice(0, -4)}xxxx`;
}

/** A person's record with identifiers masked unless the role needs them. */
export function maskPerson<T extends { idNumber?: string | undefined; phone?: string | undefined }>(person: T, role: Role): T {
  if (seesIdentity(role)) return person;
  return {
    ...person,
    ...(person.idNumber !== undefined && { idNumber: maskIdNumber(person.idNumber) }),
    ...(person.phone !== undefined && { phone: maskPhone(person.phone) }),
  };
}

/** What the accused unit sees of an accuser (Arts 30, 46): nothing that identifies them. */
export const WITHHELD = '（不予公开）';

/** Whether `viewer` belongs to the unit an accusation names (that unit or one below it). */
export function isAccusedViewer(matter: Matter, viewer: Actor): boolean {
  return matter.accusation === true && matter.accusedUnit !== undefined && inSubtree(viewer.unit, matter.accusedUnit);
}

/**
 * The intake as `viewer` may see it: identifiers masked by role, and for the
 * accused unit of an accusation the accuser, the representatives and the
 * materials withheld entirely.
 */
export function intakeFor<T extends { petitioner: Petitioner; matter: Matter; representatives?: Intake['representatives'] }>(intake: T, viewer: Actor): T {
  if (isAccusedViewer(intake.matter, viewer)) {
    const { details: _details, ...matter } = intake.matter;
    return { ...intake, petitioner: { name: WITHHELD, address: WITHHELD }, representatives: [], matter };
  }
  return {
    ...intake,
    petitioner: maskPerson(intake.petitioner, viewer.role),
    ...(intake.representatives !== undefined && { representatives: intake.representatives.map((r) => maskPerson(r, viewer.role)) }),
  };
}
