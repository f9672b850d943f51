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
  /**
   * Fires timers straight from PostgreSQL (the engine's `fireTimers`, a group
   * commit): timers overdue by more than one interval (after an outage, or
   * lost from Redis) go through here in batches instead of one Redis job each.
   * Without it every timer is armed in Redis.
   */
  readonly fire?: ((deadlineIds: readonly string[]) => Promise<unknown>) | undefined;
  /** Deadline rows read per page (default 1000): what a pass holds in memory at once. */
  readonly pageSize?: number | undefined;
  /** The longest one pass may take (default: one interval); a pass cut short resumes where it stopped. */
  readonly maxPassMs?: number | undefined;
  /** Signed audit checkpoints to take when the latest is older than their interval (`AUDIT_CHECKPOINT_EVERY`). */
  readonly checkpoint?: CheckpointSchedule | undefined;
  readonly now?: () => Date;
}

/** The reconciliation loop that makes Redis rebuildable from PostgreSQL. */
export interface Sweeper {
  /**
   * One pass: fires the overdue timers from PostgreSQL (with `fire`), arms in
   * Redis every other pending deadline firing before now + two intervals,
   * forgets expired idempotency keys and, when scheduled and due, takes a
   * signed audit checkpoint; returns how many deadlines it looked at. A pass
   * longer than `maxPassMs` stops and the next one resumes after the last
   * deadline it handled.
   */
  sweep(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

const PAGE = 1000;
/** Overdue timers per `fireTimers` call, and calls in flight: a few group commits overlap, as the workers' batches do. */
const FIRE_BATCH = 250;
const FIRE_IN_FLIGHT = 2;

/** Where the sweep stopped: the last deadline handled, in (next fire time, id) order. */
type SweepCursor = { nextFireAt: Date; id: string };

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

  /** Where a pass cut short stopped; the next pass starts after it, then from the start again. */
  let resumeAfter: SweepCursor | undefined;

  /** Fires overdue timers in batches of {@link FIRE_BATCH}, {@link FIRE_IN_FLIGHT} at a time. */
  async function fireOverdue(fire: NonNullable<SweeperDeps['fire']>, ids: readonly string[]): Promise<void> {
    const batches: string[][] = [];
    for (let i = 0; i < ids.length; i += FIRE_BATCH) batches.push(ids.slice(i, i + FIRE_BATCH));
    const lanes = Array.from({ length: FIRE_IN_FLIGHT }, async (_, lane) => {
      for (let b = lane; b < batches.length; b += FIRE_IN_FLIGHT) await fire(batches[b] ?? []);
    });
    await Promise.all(lanes);
  }

  /** The timer part of a pass: one walk of the pending deadlines in fire-time order, bounded in time. */
  async function sweepTimers(): Promise<number> {
    const startedAt = Date.now();
    const t = now().getTime();
    const horizon = new Date(t + 2 * deps.everyMs);
    // Overdue by more than an interval: Redis evidently did not fire it (an outage, a lost job). Fired from here.
    const overdueBefore = t - deps.everyMs;
    const page = deps.pageSize ?? PAGE;
    let seen = 0;
    let after = resumeAfter;
    resumeAfter = undefined;
    for (;;) {
      const rows = await deps.timers.listFiringBefore(horizon, page, after);
      if (rows.length === 0) break;
      const overdue = deps.fire === undefined ? [] : rows.filter((r) => r.nextFireAt !== null && r.nextFireAt.getTime() < overdueBefore);
      const fired = new Set(overdue);
      const upcoming = fired.size === 0 ? rows : rows.filter((r) => !fired.has(r));
      if (deps.fire !== undefined && overdue.length > 0) await fireOverdue(deps.fire, overdue.map((r) => r.id));
      if (upcoming.length > 0) await deps.scheduler.arm(upcoming);
      seen += rows.length;
      const last = rows[rows.length - 1];
      if (last?.nextFireAt == null || rows.length < page) break;
      after = { nextFireAt: last.nextFireAt, id: last.id };
      if (Date.now() - startedAt >= (deps.maxPassMs ?? deps.everyMs)) {
        resumeAfter = after;
        break;
      }
    }
    return seen;
  }

  async function sweep(): Promise<number> {
    await deps.housekeeping.forgetIdempotentResponsesBefore(new Date(now().getTime() - IDEMPOTENCY_KEY_TTL_MS));
    const seen = await sweepTimers();
    // Apart from re-arming: a broken trail or an unreachable copy target must not stop the timers.
    if (deps.checkpoint !== undefined) {
      await checkpointIfDue(deps.checkpoint).catch((err: unknown) => deps.logger.error({ err: (err as Error).message }, 'audit checkpoint failed'));
    }
    return seen;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .then((n) => deps.logger.debug({ deadlines: n }, 'sweep done'))
        .catch((err: unknown) => deps.logger.warn({ err: (err as Error).message }, 'sweep failed; retrying next interval'))
        // A pass cut short continues at once: a backlog is worked off at full speed, in bounded steps.
        .finally(() => schedule(resumeAfter === undefined ? deps.everyMs : 0));
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
