import { z } from 'zod';
import { ROLES, type Role } from './petition.vocabulary';
import { UNIT_CODE } from './unit-tree';

/**
 * A unit code: an administrative division code, 6 digits (province, city,
 * county), 9 (township) or 12 (village), or a bureau's or department's code,
 * its division's 6 digits plus `-NN` (411621-11).
 */
export const divisionCodeSchema = z.string().regex(UNIT_CODE, 'a unit code such as 411621 or 411621-11');

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
