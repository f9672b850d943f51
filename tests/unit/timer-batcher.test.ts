/**
 * The timer batcher (workers/timer-batcher.ts) on its own: group commit of
 * timers handed over in one turn of the event loop, the batch size and
 * in-flight limits, and the one-by-one retry of a failed batch. `fireTimers`
 * is a jest.fn of the engine's function type whose calls the tests resolve by
 * hand; nothing here touches PostgreSQL or Redis.
 */
import type { TimerOutcome } from '../../engine/petition.engine';
import { createTimerBatcher } from '../../workers/timer-batcher';

type FireTimers = (ids: readonly string[]) => Promise<Map<string, TimerOutcome>>;
type Outcomes = Map<string, TimerOutcome>;

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending microtask and the batcher's setImmediate flush run. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** How a promise stands right now (after a turn): settled with a value or an error, or still pending. */
async function stateOf<T>(p: Promise<T>): Promise<{ value: T } | { error: unknown } | 'pending'> {
  let state: { value: T } | { error: unknown } | 'pending' = 'pending';
  p.then(
    (value) => (state = { value }),
    (error: unknown) => (state = { error }),
  );
  await turn();
  return state;
}

/**
 * A fireTimers whose calls stay open until the test answers them, counting
 * how many are open at once.
 */
function handFireTimers() {
  const open: { ids: readonly string[]; answer: Deferred<Outcomes> }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fn = jest.fn<Promise<Outcomes>, [readonly string[]]>(async (ids) => {
    const answer = deferred<Outcomes>();
    open.push({ ids: [...ids], answer });
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await answer.promise;
    } finally {
      inFlight -= 1;
    }
  });
  return {
    fn: fn as jest.Mock<Promise<Outcomes>, [readonly string[]]> & FireTimers,
    open,
    get maxInFlight() {
      return maxInFlight;
    },
    get inFlight() {
      return inFlight;
    },
    /** Answers the oldest open call with `outcome` for each of its ids. */
    answerNext(outcome: TimerOutcome = 'reminded') {
      const call = open.shift();
      if (call === undefined) throw new Error('no open fireTimers call');
      call.answer.resolve(new Map(call.ids.map((id) => [id, outcome])));
    },
  };
}

/** The ids of every call so far, in call order. */
const callIds = (fn: jest.Mock<Promise<Outcomes>, [readonly string[]]>) => fn.mock.calls.map(([ids]) => [...ids]);

describe('createTimerBatcher', () => {
  it('fires timers handed over in the same turn in one call, and gives each id its own outcome', async () => {
    const fireTimers = jest.fn<Promise<Outcomes>, [readonly string[]]>(
      async (ids) =>
        new Map<string, TimerOutcome>(ids.map((id, i) => [id, (['reminded', 'breached', 'early'] as const)[i % 3] ?? 'stale'])),
    );
    const batcher = createTimerBatcher(fireTimers, { maxBatch: 64, maxInFlight: 4 });
    const results = Promise.all(['11', '12', '13', '14'].map((id) => batcher.fire(id)));
    expect(fireTimers).not.toHaveBeenCalled(); // nothing goes before the turn ends
    expect(await results).toEqual(['reminded', 'breached', 'early', 'reminded']);
    expect(callIds(fireTimers)).toEqual([['11', '12', '13', '14']]);
  });

  it('splits a burst into batches of at most maxBatch ids, in arrival order', async () => {
    const hand = handFireTimers();
    const batcher = createTimerBatcher(hand.fn, { maxBatch: 2, maxInFlight: 10 });
    const ids = ['1', '2', '3', '4', '5'];
    const results = Promise.all(ids.map((id) => batcher.fire(id)));
    await turn();
    expect(callIds(hand.fn)).toEqual([['1', '2'], ['3', '4'], ['5']]);
    expect(hand.inFlight).toBe(3);
    while (hand.open.length > 0) hand.answerNext('breached');
    expect(await results).toEqual(['breached', 'breached', 'breached', 'breached', 'breached']);
  });

  it('keeps at most maxInFlight calls open; the rest start as calls finish', async () => {
    const hand = handFireTimers();
    const batcher = createTimerBatcher(hand.fn, { maxBatch: 1, maxInFlight: 2 });
    const ids = ['1', '2', '3', '4', '5'];
    const settled: string[] = [];
    const results = Promise.all(
      ids.map(async (id) => {
        const outcome = await batcher.fire(id);
        settled.push(id);
        return outcome;
      }),
    );
    await turn();
    expect(callIds(hand.fn)).toEqual([['1'], ['2']]);

    hand.answerNext();
    await turn();
    // One finished, one more started: still two open, never three.
    expect(settled).toEqual(['1']);
    expect(callIds(hand.fn)).toEqual([['1'], ['2'], ['3']]);
    expect(hand.inFlight).toBe(2);

    while (hand.open.length > 0) {
      hand.answerNext();
      await turn();
    }
    expect(await results).toEqual(['reminded', 'reminded', 'reminded', 'reminded', 'reminded']);
    expect(settled).toEqual(ids);
    expect(hand.fn).toHaveBeenCalledTimes(5);
    expect(hand.maxInFlight).toBe(2);
  });

  it('puts ids arriving while the only slot is taken into the next batch, together', async () => {
    const hand = handFireTimers();
    const batcher = createTimerBatcher(hand.fn, { maxBatch: 10, maxInFlight: 1 });
    const first = batcher.fire('100');
    await turn();
    expect(callIds(hand.fn)).toEqual([['100']]);

    // Three later turns, while the first batch is still in flight.
    const b = batcher.fire('101');
    await turn();
    const c = batcher.fire('102');
    await turn();
    const d = batcher.fire('103');
    await turn();
    expect(hand.fn).toHaveBeenCalledTimes(1);
    expect(await stateOf(b)).toBe('pending');

    hand.answerNext('breached');
    expect(await first).toBe('breached');
    await turn();
    expect(callIds(hand.fn)).toEqual([['100'], ['101', '102', '103']]);
    hand.answerNext('reminded');
    expect(await Promise.all([b, c, d])).toEqual(['reminded', 'reminded', 'reminded']);
    expect(hand.maxInFlight).toBe(1);
  });

  it('retries a failed batch one id at a time: only the bad id rejects, the others get their outcomes', async () => {
    const boom = new Error('bigint out of range');
    const fireTimers = jest.fn<Promise<Outcomes>, [readonly string[]]>(async (ids) => {
      if (ids.includes('666')) throw boom;
      return new Map<string, TimerOutcome>(ids.map((id) => [id, id === '1' ? 'reminded' : 'breached']));
    });
    const batcher = createTimerBatcher(fireTimers, { maxBatch: 64, maxInFlight: 4 });
    const [a, bad, c] = [batcher.fire('1'), batcher.fire('666'), batcher.fire('3')];
    const badSettled = bad.then(
      () => 'resolved',
      (err: unknown) => err,
    );
    expect(await a).toBe('reminded');
    expect(await c).toBe('breached');
    expect(await badSettled).toBe(boom);
    expect(callIds(fireTimers)).toEqual([['1', '666', '3'], ['1'], ['666'], ['3']]);
  });

  it('resolves an id the returned map leaves out as stale', async () => {
    const fireTimers = jest.fn<Promise<Outcomes>, [readonly string[]]>(async () => new Map<string, TimerOutcome>());
    const batcher = createTimerBatcher(fireTimers, { maxBatch: 64, maxInFlight: 4 });
    expect(await batcher.fire('42')).toBe('stale');
    expect(callIds(fireTimers)).toEqual([['42']]);
  });

  it('resolves only the ids the map leaves out as stale when others of the batch are in it', async () => {
    const fireTimers = jest.fn<Promise<Outcomes>, [readonly string[]]>(async () => new Map<string, TimerOutcome>([['7', 'breached']]));
    const batcher = createTimerBatcher(fireTimers, { maxBatch: 64, maxInFlight: 4 });
    expect(await Promise.all([batcher.fire('7'), batcher.fire('8')])).toEqual(['breached', 'stale']);
    expect(fireTimers).toHaveBeenCalledTimes(1);
  });

  it('a lone timer still goes at once, and the batcher serves new timers after a failure', async () => {
    let fail = true;
    const fireTimers = jest.fn<Promise<Outcomes>, [readonly string[]]>(async (ids) => {
      if (fail) throw new Error('database unavailable');
      return new Map<string, TimerOutcome>(ids.map((id) => [id, 'reminded']));
    });
    const batcher = createTimerBatcher(fireTimers, { maxBatch: 64, maxInFlight: 1 });
    await expect(batcher.fire('5')).rejects.toThrow('database unavailable');
    // A lone id that fails is not retried: one call.
    expect(fireTimers).toHaveBeenCalledTimes(1);
    fail = false;
    expect(await batcher.fire('6')).toBe('reminded');
    expect(callIds(fireTimers)).toEqual([['5'], ['6']]);
  });

  // A failed batch of 64 retried all at once would be 64 concurrent transactions on a pool of 10.
  it('keeps the one-by-one retry of a failed batch within maxInFlight', async () => {
    const hand = handFireTimers();
    const batcher = createTimerBatcher(hand.fn, { maxBatch: 10, maxInFlight: 1 });
    const results = Promise.allSettled(['1', '2', '3'].map((id) => batcher.fire(id)));
    await turn();
    const batch = hand.open.shift();
    batch?.answer.reject(new Error('serialization failure'));
    for (let i = 0; i < 10 && hand.fn.mock.calls.length < 4; i++) await turn();
    expect(hand.inFlight).toBeLessThanOrEqual(1);
    while (hand.open.length > 0) {
      hand.answerNext();
      await turn();
    }
    await results;
    expect(hand.maxInFlight).toBe(1);
  });
});
