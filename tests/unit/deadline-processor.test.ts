/**
 * The deadline processor's decisions that need no database: timers armed by
 * the first release end as no-ops, and jobs that are not timers are refused.
 */
import type { Job } from 'bullmq';
import type { Kysely } from 'kysely';
import { pino } from 'pino';
import type { Database } from '../../db/schema';
import { createDeadlineProcessor } from '../../workers/deadline.processor';
import type { TimerBatcher } from '../../workers/timer-batcher';

const fired: string[] = [];
const timers: TimerBatcher = {
  fire: async (id) => {
    fired.push(id);
    return 'stale';
  },
};
// Neither path below may read the database: an executor that is never called stands in for it.
const process = createDeadlineProcessor({ timers, db: {} as Kysely<Database>, logger: pino({ level: 'silent' }) });
const job = (id: string, data: unknown) => ({ id, data, attemptsStarted: 1 }) as unknown as Job;

beforeEach(() => {
  fired.length = 0;
});

it('ends a timer armed by the first release (case UUID in its id, ids in its data) as stale, firing nothing', async () => {
  const legacy = job('d.I9LUurBHRAWM2VHyCNiPIw.a.1.my6hgved', {
    caseId: '23d2d4ba-b047-4405-8cd9-51f208e2233f',
    clock: 'acceptance',
    generation: 1,
  });
  await expect(process(legacy)).resolves.toBe('stale');
  expect(fired).toEqual([]);
});

it('refuses a job that is not a timer, or a timer id that carries data, as malformed', async () => {
  await expect(process(job('d.I9LUurBHRAWM2VHyCNiPIw.a.1.my6hgved', {}))).rejects.toThrow('malformed deadline job');
  await expect(process(job('x.q1', {}))).rejects.toThrow('malformed deadline job');
  await expect(process(job('255s.btqqg1q', { caseId: 'x' }))).rejects.toThrow('malformed deadline job');
  expect(fired).toEqual([]);
});

it('hands a well-formed timer to the batcher by its deadline row id', async () => {
  await expect(process(job('255s.btqqg1q', {}))).resolves.toBe('stale');
  expect(fired).toEqual(['100000']);
});
