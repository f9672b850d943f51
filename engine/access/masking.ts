import type { Actor } from '../../machines/petition.roles';
import type { Role } from '../../machines/petition.vocabulary';
import type { Intake, Matter, Petitioner } from '../../machines/petition.schemas';
import { inSubtree } from '../../machines/unit-tree';

/** Roles that see ID numbers and phones in full: the clerk checks identity and contact (Art 19). */
const SEES_IDENTITY: readonly Role[] = ['clerk'];

/** Whether a role sees personal identifiers unmasked. */
export function seesIdentity(role: Role): boolean {
  return SEES_IDENTITY.includes(role);
}

/**
 * An ID number as the seed prints it: first 8 and last 4 kept (41272119xxxxxx3411).
 * Counted on its digits and check character, never on the characters stored: a
 * case recorded before intake normalised identifiers may hold spaces, and
 * `4127 2119 …` must not show more than a normalised number would.
 */
export function maskIdNumber(id: string): string {
  // Digits and `x`: a lower-case `x` inside is a masked digit (masking twice changes nothing), a last one the check character.
  const kept = id.replace(/[^0-9Xx]/g, '');
  const chars = kept.replace(/x$/, 'X');
  if (chars.length <= 12) return 'x'.repeat(chars.length);
  return `${chars.slice(0, 8)}${'x'.repeat(chars.length - 12)}${chars.slice(-4)}`;
}

/**
 * A phone number as the seed prints it: the last 4 digits hidden (1874926xxxx).
 * Counted on digits (a leading `+` kept): trailing spaces or spaced-out digits
 * of an older case must not push digits out of the hidden part.
 */
export function maskPhone(phone: string): string {
  const plus = phone.trimStart().startsWith('+') ? '+' : '';
  // An `x` is a digit already masked: masking a masked number again changes nothing.
  const digits = phone.replace(/[^0-9x]/g, '');
  if (digits.length <= 4) return 'x'.repeat(digits.length);
  return `${plus}${digits.slice(0, -4)}xxxx`;
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
export function intakeFor<T extends { petitioner: Petitioner; matter: Matter; representatives?: Intake['representatives'] }>(
  intake: T,
  viewer: Actor,
): T {
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
