/**
 * The demo's accounts, one per role, so the console can be tried with a
 * password from the first minute. All share {@link DEMO_PASSWORD}, which the
 * command prints: they are for a demonstration database, never a real one.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { createAccountService, type NewUser } from '../engine/account.service';
import { ValidationError } from '../engine/errors';

/** The password of every demo account. */
export const DEMO_PASSWORD = 'petitionflow-demo';

/** The demo accounts: the 扶沟县 petition office and its handlers, the city's auditor and administrator. */
export const DEMO_USERS: readonly Omit<NewUser, 'password'>[] = [
  { id: 'clerk', displayName: '周敏', role: 'clerk', unit: '411621' },
  { id: 'handler', displayName: '王强', role: 'handler', unit: '411621' },
  { id: 'mediator', displayName: '李娟', role: 'mediator', unit: '411621' },
  { id: 'supervisor', displayName: '赵刚', role: 'supervisor', unit: '411621' },
  { id: 'leader', displayName: '刘洋', role: 'leader', unit: '411621' },
  { id: 'auditor', displayName: '陈静', role: 'auditor', unit: '411600' },
  { id: 'admin', displayName: '马超', role: 'admin', unit: '411600' },
];

/** One demo account and whether this run created it. */
export interface SeededUser {
  readonly id: string;
  readonly displayName: string;
  readonly role: string;
  readonly unit: string;
  readonly created: boolean;
}

/** Creates the demo accounts that are missing; existing ones (and their passwords) are left as they are. */
export async function seedDemoUsers(db: Kysely<Database>): Promise<SeededUser[]> {
  const accounts = createAccountService(db);
  const seeded: SeededUser[] = [];
  for (const u of DEMO_USERS) {
    try {
      await accounts.create({ ...u, password: DEMO_PASSWORD }, 'operator');
      seeded.push({ ...u, created: true });
    } catch (err) {
      // The name is taken: seeded by an earlier run (safe to run again).
      if (!(err instanceof ValidationError)) throw err;
      seeded.push({ ...u, created: false });
    }
  }
  return seeded;
}
