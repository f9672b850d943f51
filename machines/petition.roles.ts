import { z } from 'zod';
import { ROLES, type Role } from './petition.vocabulary';

/** An administrative division code: 6 digits (province, city, county), 9 (township) or 12 (village). */
export const divisionCodeSchema = z.string().regex(/^\d{6}(\d{3}(\d{3})?)?$/, 'an administrative division code such as 411621');

/** Who sends an event. Recorded with every audit event. */
export interface Actor {
  readonly id: string;
  readonly role: Role;
  readonly unit: string;
}

export const actorSchema = z.object({
  id: z.string().min(1).max(128),
  role: z.enum(ROLES),
  unit: divisionCodeSchema,
});
