import type { Kysely } from 'kysely';
import { DEFAULT_POLICY } from '../../config/default-policy';
import type { Database } from '../../db/schema';
import { createPetitionEngine, type PetitionEngine } from '../../engine/petition.engine';
import { createChinaCalendar } from '../../engine/working-calendar';
import type { Actor } from '../../machines/petition.roles';
import type { Role } from '../../machines/petition.vocabulary';
import type { Intake } from '../../machines/petition.schemas';

/** A test actor of `role` in 扶沟县 (411621) unless said otherwise. */
export function actor(role: Role, unit = '411621', id = `${role}-1`): Actor {
  return { id, role, unit };
}

/** A valid intake, drawn from the seed's letter whose phone number belonged to someone else. */
export function intakeBody(overrides: Partial<Intake> = {}): Intake {
  return {
    channel: 'letter',
    unit: '411621',
    petitioner: { name: '张某', idNumber: '41272119900101341X', phone: '18749261234', address: '扶沟县曹里乡' },
    matter: { category: 'land', summary: '宅基地纠纷，请求确权' },
    ...overrides,
  };
}

/** A movable clock for time-skipping tests. */
export function fakeClock(start = '2026-03-02T01:00:00.000Z') {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(iso: string) {
      t = new Date(iso).getTime();
    },
  };
}

/** An engine over `db` that starts cases under machine version 2 (the received → verified → assigned lifecycle). */
export function legacyEngine(db: Kysely<Database>, now: () => Date): PetitionEngine {
  return createPetitionEngine({ db, policy: { ...DEFAULT_POLICY, machineVersion: 2 }, calendar: createChinaCalendar(), now });
}
