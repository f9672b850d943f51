import type { Actor } from '../../machines/petition.roles';
import type { Role } from '../../machines/petition.vocabulary';
import type { Intake, Matter, Petitioner } from '../../machines/petition.schemas';
import { inSubtree } from '../../machines/unit-tree';

/** Roles that see ID numbers and phones in full: the clerk checks identity and contact (Art 19). */
const SEES_IDENTITY: readonly Role[] = ['clerk'];

/** Roles that see them in full when they work in the body handling the case: they must reach the petitioner. */
const REACHES_PETITIONER: readonly Role[] = ['handler', 'mediator'];

/** Whether a role sees personal identifiers unmasked whatever the case. */
export function seesIdentity(role: Role): boolean {
  return SEES_IDENTITY.includes(role);
}

/**
 * What masking needs to know of a case besides the viewer: the unit an
 * accusation accuses (null otherwise), and the body handling the case whose
 * handlers and mediators reach the petitioner (null where a version does not
 * give them contact details).
 */
export interface MaskingFacts {
  readonly accusedUnit: string | null;
  readonly handlingUnit: string | null;
}

/** The facts of a v1/v2 intake: the accusation flag names the accused unit; only clerks see contact details. */
export function legacyMaskingFacts(matter: {
  readonly accusation?: boolean | undefined;
  readonly accusedUnit?: string | undefined;
}): MaskingFacts {
  return { accusedUnit: matter.accusation === true ? (matter.accusedUnit ?? null) : null, handlingUnit: null };
}

/**
 * Whether `viewer` sees ID numbers and phones in full on a case: the clerk,
 * and the handler or mediator of the body handling it (inside that unit).
 */
export function seesContact(viewer: Actor, facts: MaskingFacts): boolean {
  if (seesIdentity(viewer.role)) return true;
  return REACHES_PETITIONER.includes(viewer.role) && facts.handlingUnit !== null && inSubtree(viewer.unit, facts.handlingUnit);
}

/**
 * Whether `viewer` is shown a case's ID numbers and phones in full: they reach
 * the petitioner and are not of the unit an accusation accuses. These are the
 * reads the access log records.
 */
export function showsIdentifiers(viewer: Actor, facts: MaskingFacts): boolean {
  const accused = facts.accusedUnit !== null && inSubtree(viewer.unit, facts.accusedUnit);
  return !accused && seesContact(viewer, facts);
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
export function isAccusedViewer(
  matter: Omit<Matter, 'accusation'> & { accusation?: boolean | undefined },
  viewer: Actor,
  facts: MaskingFacts = legacyMaskingFacts(matter),
): boolean {
  return facts.accusedUnit !== null && inSubtree(viewer.unit, facts.accusedUnit);
}

/**
 * The intake as `viewer` may see it: identifiers masked unless the viewer
 * reaches the petitioner ({@link seesContact}), and for the accused unit of an
 * accusation the accuser, the representatives and the materials withheld
 * entirely. `facts` default to a v1/v2 intake's.
 */
export function intakeFor<
  T extends { petitioner: Petitioner; matter: Omit<Matter, 'accusation'>; representatives?: Intake['representatives'] },
>(intake: T, viewer: Actor, facts: MaskingFacts = legacyMaskingFacts(intake.matter)): T {
  if (isAccusedViewer(intake.matter, viewer, facts)) {
    const { details: _details, ...matter } = intake.matter;
    return { ...intake, petitioner: { name: WITHHELD, address: WITHHELD }, representatives: [], matter };
  }
  // The role used for masking: one that sees everything when the viewer reaches the petitioner.
  const role: Role = seesContact(viewer, facts) ? 'clerk' : viewer.role;
  return {
    ...intake,
    petitioner: maskPerson(intake.petitioner, role),
    ...(intake.representatives !== undefined && { representatives: intake.representatives.map((r) => maskPerson(r, role)) }),
  };
}
