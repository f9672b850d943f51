/**
 * The process lifecycle (app/lifecycle.ts) on its own: resources close in
 * reverse order of opening, one failing close does not keep the others open,
 * close runs once, and a failed start-up closes what it had opened. Signals
 * are left to the CLI tests: a handler here would end the jest worker.
 */
import { pino } from 'pino';
import { createLifecycle } from '../../app/lifecycle';

const silent = pino({ level: 'silent' });

describe('createLifecycle', () => {
  it('closes resources in reverse order of opening', async () => {
    const lifecycle = createLifecycle(silent);
    const closed: string[] = [];
    for (const name of ['database', 'runtime', 'server']) lifecycle.onClose(async () => void closed.push(name));
    await lifecycle.close();
    expect(closed).toEqual(['server', 'runtime', 'database']);
  });

  it('closes the rest when one close fails, then rethrows the first failure', async () => {
    const lifecycle = createLifecycle(silent);
    const closed: string[] = [];
    lifecycle.onClose(async () => void closed.push('database'));
    lifecycle.onClose(async () => {
      throw new Error('runtime would not close');
    });
    lifecycle.onClose(async () => {
      throw new Error('server would not close');
    });
    await expect(lifecycle.close()).rejects.toThrow('server would not close');
    expect(closed).toEqual(['database']);
  });

  it('closes once however often close is called', async () => {
    const lifecycle = createLifecycle(silent);
    let closes = 0;
    lifecycle.onClose(async () => void closes++);
    const first = lifecycle.close();
    expect(lifecycle.close()).toBe(first);
    await first;
    await lifecycle.close();
    expect(closes).toBe(1);
  });

  it('closes what a failed start-up opened and rethrows its error', async () => {
    const lifecycle = createLifecycle(silent);
    const closed: string[] = [];
    const start = lifecycle.starting(async () => {
      lifecycle.onClose(async () => void closed.push('database'));
      lifecycle.onClose(async () => {
        throw new Error('close failed too');
      });
      throw new Error('listen EADDRINUSE');
    });
    await expect(start).rejects.toThrow('listen EADDRINUSE');
    expect(closed).toEqual(['database']);
  });

  it('leaves a successful start-up open', async () => {
    const lifecycle = createLifecycle(silent);
    const closed: string[] = [];
    const value = await lifecycle.starting(async () => {
      lifecycle.onClose(async () => void closed.push('database'));
      return 42;
    });
    expect(value).toBe(42);
    expect(closed).toEqual([]);
    await lifecycle.close();
    expect(closed).toEqual(['database']);
  });
});
