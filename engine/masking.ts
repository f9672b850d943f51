import type { Role } from '../machines/petition.roles';

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
