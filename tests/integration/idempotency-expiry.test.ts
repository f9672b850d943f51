import pino from 'pino';
import { storeIdempotentResponse } from '../../db/idempotency.repository';
import { createHousekeeping } from '../../engine/housekeeping.service';
import { createTimerStore } from '../../engine/timer-store.service';
import { createSweeper, IDEMPOTENCY_KEY_TTL_MS } from '../../workers/sweeper';
import type { TimerScheduler } from '../../workers/timer-scheduler';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase('idem_expiry');
});
afterAll(async () => {
  await tdb.drop();
});

describe('stored Idempotency-Key responses', () => {
  it('are forgotten by the sweeper once older than a day, and kept before that', async () => {
    const now = new Date('2026-06-01T08:00:00.000Z');
    const armed: unknown[] = [];
    const scheduler: TimerScheduler = { arm: async (rows) => void armed.push(...rows), sync: async () => undefined };
    await tdb.db.transaction().execute(async (trx) => {
      for (const [key, ageMs] of [
        ['old-key-1', IDEMPOTENCY_KEY_TTL_MS + 1],
        ['fresh-key', IDEMPOTENCY_KEY_TTL_MS - 60_000],
      ] as const) {
        await storeIdempotentResponse(trx, {
          actor: { id: 'clerk-1', role: 'clerk', unit: '411621' },
          key,
          requestHash: 'h',
          status: 201,
          response: { id: key },
          at: new Date(now.getTime() - ageMs),
        });
      }
    });
    const sweeper = createSweeper({
      timers: createTimerStore(tdb.db),
      housekeeping: createHousekeeping(tdb.db),
      scheduler,
      logger: pino({ level: 'silent' }),
      everyMs: 60_000,
      now: () => now,
    });
    await sweeper.sweep();
    const keys = await tdb.db.selectFrom('idempotency_keys').select('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['fresh-key']);
    expect(armed).toEqual([]);
  });
});
