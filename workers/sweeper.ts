import type { Logger } from 'pino';
import type { Housekeeping } from '../engine/housekeeping.service';
import type { TimerStore } from '../engine/timer-store.service';
import type { CheckpointSchedule } from './audit-checkpoint.publisher';
import type { TimerScheduler } from './timer-scheduler';

/** What the sweeper needs. */
export interface SweeperDeps {
  /** The deadline rows the timers are rebuilt from. */
  readonly timers: Pick<TimerStore, 'listFiringBefore'>;
  readonly housekeeping: Housekeeping;
  readonly scheduler: TimerScheduler;
  readonly logger: Logger;
  /** Milliseconds between sweeps (`RECONCILE_EVERY`). */
  readonly everyMs: number;
  /** Signed audit checkpoints to take when the latest is older than their interval (`AUDIT_CHECKPOINT_EVERY`). */
  readonly checkpoint?: CheckpointSchedule | undefined;
  readonly now?: () => Date;
}

/** The reconciliation loop that makes Redis rebuildable from PostgreSQL. */
export interface Sweeper {
  /**
   * One pass: (re-)arms every pending deadline firing before now + two
   * intervals, forgets expired idempotency keys and, when scheduled and due,
   * takes a signed audit checkpoint; returns how many deadlines it looked at.
   */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const PAGE = 1000;

/** How long a request's Idempotency-Key answers its retries. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Re-arms lost timers. Arming is idempotent (deterministic job ids), so the
 * pass simply re-adds the timers of every deadline due before the horizon:
 * those still in Redis are left as they are, lost ones come back, overdue ones
 * fire at once. A deadline further away is armed by a later pass in time.
 */
export function createSweeper(deps: SweeperDeps): Sweeper {
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  /**
   * Takes a checkpoint when the newest stored one is due for renewal. Several
   * sweepers may share a database; the age check keeps them from each taking
   * one per pass (two at the same moment are harmless, both are genuine).
   */
  async function checkpointIfDue(schedule: CheckpointSchedule): Promise<void> {
    const latest = await schedule.service.latest();
    if (latest !== undefined && new Date(latest.createdAt).getTime() + schedule.everyMs > now().getTime()) return;
    const checkpoint = await schedule.service.take();
    await schedule.publish(checkpoint);
    deps.logger.info({ checkpoint: checkpoint.id, cases: checkpoint.cases, root: checkpoint.root }, 'audit checkpoint taken');
  }

  async function sweep(): Promise<number> {
    await deps.housekeeping.forgetIdempotentResponsesBefore(new Date(now().getTime() - IDEMPOTENCY_KEY_TTL_MS));
    const horizon = new Date(now().getTime() + 2 * deps.everyMs);
    let seen = 0;
    let after: { nextFireAt: Date; id: string } | undefined;
    for (;;) {
      const rows = await deps.timers.listFiringBefore(horizon, PAGE, after);
      if (rows.length === 0) break;
      await deps.scheduler.arm(rows);
      seen += rows.length;
      const last = rows[rows.length - 1];
      if (last?.nextFireAt == null || rows.length < PAGE) break;
      after = { nextFireAt: last.nextFireAt, id: last.id };
    }
    // Apart from re-arming: a broken trail or an unreachable copy target must not stop the timers.
    if (deps.checkpoint !== undefined) {
      await checkpointIfDue(deps.checkpoint).catch((err: unknown) =>
        deps.logger.error({ err: (err as Error).message }, 'audit checkpoint failed'),
      );
    }
    return seen;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .then((n) => deps.logger.debug({ deadlines: n }, 'sweep done'))
        .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'sweep failed; retrying next interval'))
        .finally(() => schedule(deps.everyMs));
    }, delay);
  }

  return {
    sweep,
    start: () => schedule(0),
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
    },
  };
}
