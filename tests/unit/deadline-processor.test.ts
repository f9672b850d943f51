/**
 * The deadline processor's decisions that need no database: jobs that are not
 * timers are refused, timers go to the batcher by their deadline row id.
 */
import type { Job } from 'bullmq';
import { pino } from 'pino';
import type { TimerStore } from '../../engine/timer-store.service';
import { createDeadlineProcessor } from '../../workers/deadline.processor';
import type { TimerBatcher } from '../../workers/timer-batcher';

const fired: string[] = [];
const timers: TimerBatcher = {
  fire: async (id) => {
    fired.push(id);
    return 'stale';
  },
};
// Neither path below may read the deadline rows: a store that is never called stands in for them.
const store = {} as Pick<TimerStore, 'findById'>;
const process = createDeadlineProcessor({ timers, store, logger: pino({ level: 'silent' }) });
const job = (id: string, data: unknown) => ({ id, data, attemptsStarted: 1 }) as unknown as Job;

beforeEach(() => {
  fired.length = 0;
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
