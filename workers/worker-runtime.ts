import { Queue, Worker } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema';
import { NotFoundError } from '../engine/errors';
import { createHousekeeping } from '../engine/housekeeping.service';
import { createIncidentService, type IncidentRecord } from '../engine/incident.service';
import { createNotificationSource } from '../engine/notification-source.service';
import type { CommittedChange, PetitionEngine } from '../engine/petition.engine';
import { createTimerStore } from '../engine/timer-store.service';
import { createDeadlineProcessor } from './deadline.processor';
import { recordIncidentsOf } from './incident.recorder';
import { createLogChannel, createWebhookChannel, type NotificationChannel } from './notification.channels';
import { createNotificationProcessor } from './notification.processor';
import { DEADLINE_QUEUE, NOTIFICATION_QUEUE, notificationJobId } from './queues';
import { createRedisConnection, isClusterUrl } from './redis-connection';
import type { CheckpointSchedule } from './audit-checkpoint.publisher';
import { createSweeper, type Sweeper } from './sweeper';
import { createTimerBatcher } from './timer-batcher';
import { createTimerScheduler, type TimerScheduler } from './timer-scheduler';

/** What the deadline machinery needs from the process. */
export interface WorkerRuntimeOptions {
  readonly redisUrl: string;
  /** BullMQ key prefix (`QUEUE_PREFIX`); a hash tag such as `{pf}` keeps every key on one Redis Cluster slot. */
  readonly prefix: string;
  readonly db: Kysely<Database>;
  readonly logger: Logger;
  readonly reconcileEveryMs: number;
  /** Deadline jobs one process holds at once; timers that fall due together are fired in batches of up to this many. */
  readonly concurrency: number;
  readonly webhook?: { readonly url: string; readonly secret: string } | undefined;
  /** Signed audit checkpoints the sweeper takes on a schedule; undefined: none. */
  readonly checkpoint?: CheckpointSchedule | undefined;
  readonly now?: () => Date;
}

/** The queues, the timer scheduler and, once started, the workers and the sweeper of one process. */
export interface WorkerRuntime {
  readonly scheduler: TimerScheduler;
  readonly deadlineQueue: Queue;
  readonly notificationQueue: Queue;
  /** The engine's after-commit hook: arm or retire timers, enqueue notifications. Never throws. */
  onCommitted(change: CommittedChange): Promise<void>;
  /** Starts the deadline and notification workers and the sweeper in this process. */
  startWorkers(engine: PetitionEngine): Sweeper;
  /** Retries the job behind an incident and marks it retried. */
  retryIncident(id: string): Promise<IncidentRecord>;
  /** Stops the sweeper, lets running jobs finish, and closes every Redis connection. */
  close(): Promise<void>;
}

const NOTIFICATION_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: { count: 1000 },
  removeOnFail: { count: 10000 },
} as const;

/** Creates the runtime; nothing is consumed until {@link WorkerRuntime.startWorkers}. */
export function createWorkerRuntime(opts: WorkerRuntimeOptions): WorkerRuntime {
  const now = opts.now ?? (() => new Date());
  // A BullMQ queue's keys must share one slot (its Lua scripts touch several): the prefix must be a hash tag.
  if (isClusterUrl(opts.redisUrl) && !/\{[^}]+\}/.test(opts.prefix)) {
    throw new Error(`QUEUE_PREFIX "${opts.prefix}" on a Redis Cluster: use a hash tag such as {pf}, so each queue's keys share one slot`);
  }
  const producer = createRedisConnection(opts.redisUrl, 'producer');
  // Without a listener ioredis reports every reconnect attempt as an unhandled error event.
  producer.on('error', () => undefined);
  const deadlineQueue = new Queue(DEADLINE_QUEUE, { connection: producer, prefix: opts.prefix });
  const notificationQueue = new Queue(NOTIFICATION_QUEUE, { connection: producer, prefix: opts.prefix });
  // The sweeper looks two intervals ahead each interval; commits arm within the same horizon, so every timer is in
  // Redis at least one sweep before it is due and none sits there for weeks.
  const horizonMs = 2 * opts.reconcileEveryMs;
  // A step leaving a timer overdue by more than an interval (a backlog being caught up) leaves it to the sweeper,
  // which fires it from PostgreSQL in batches rather than through one Redis job per timer.
  const scheduler = createTimerScheduler(deadlineQueue, opts.logger, now, horizonMs, opts.reconcileEveryMs);
  const workers: Worker[] = [];
  const connections = [producer];
  let sweeper: Sweeper | undefined;

  // The database through the engine's services only: deadline rows, incidents, notification subjects.
  const store = createTimerStore(opts.db);
  const incidents = createIncidentService(opts.db);
  const channels: NotificationChannel[] = [createLogChannel(opts.logger)];
  if (opts.webhook !== undefined) channels.push(createWebhookChannel(opts.webhook.url, opts.webhook.secret, now));

  return {
    scheduler,
    deadlineQueue,
    notificationQueue,

    async onCommitted(change) {
      await scheduler.sync(change.deadlines);
      if (change.event.type !== 'DEADLINE_REMINDER' && change.event.type !== 'DEADLINE_BREACHED') return;
      const job = { caseId: change.caseId, seq: change.event.seq, state: change.state };
      try {
        await notificationQueue.add('notify', job, { ...NOTIFICATION_JOB_OPTIONS, jobId: notificationJobId(job) });
      } catch (err) {
        opts.logger.warn({ err: (err as Error).message, caseId: change.caseId, seq: change.event.seq }, 'could not enqueue notification');
      }
    },

    startWorkers(engine) {
      const connection = createRedisConnection(opts.redisUrl, 'worker');
      connection.on('error', () => undefined);
      connections.push(connection);
      // A few batches in flight: some committing while the next gathers the timers that fell due meanwhile.
      const timers = createTimerBatcher((ids) => engine.fireTimers(ids), { maxBatch: opts.concurrency, maxInFlight: 4 });
      const deadlineWorker = new Worker(DEADLINE_QUEUE, createDeadlineProcessor({ timers, store, logger: opts.logger }), {
        connection,
        prefix: opts.prefix,
        concurrency: opts.concurrency,
        // Retention is the worker's, not each job's (see the timer scheduler): a completed timer is dropped at once,
        // since the deadline row, not Redis, says what fired; failed ones stay for the incident retry.
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 10000 },
        // A deadline job takes well under a second; a short lock lets another process take over the timers a
        // killed worker held within seconds rather than BullMQ's default 30 s (the row check makes a retake harmless).
        lockDuration: 10_000,
        stalledInterval: 5_000,
      });
      const notificationWorker = new Worker(NOTIFICATION_QUEUE, createNotificationProcessor({ source: createNotificationSource(opts.db), channels }), {
        connection,
        prefix: opts.prefix,
        // Notifications read the database per job; a few at a time leave the pool to the timer batches.
        concurrency: Math.max(1, Math.min(8, Math.floor(opts.concurrency / 4))),
      });
      for (const w of [deadlineWorker, notificationWorker]) {
        w.on('error', (err) => opts.logger.warn({ err: err.message, queue: w.name }, 'worker error'));
        recordIncidentsOf(w, { incidents, store, logger: opts.logger, now });
        workers.push(w);
      }
      sweeper = createSweeper({
        timers: store,
        housekeeping: createHousekeeping(opts.db),
        scheduler,
        fire: (ids) => engine.fireTimers(ids),
        logger: opts.logger,
        everyMs: opts.reconcileEveryMs,
        checkpoint: opts.checkpoint,
        now,
      });
      sweeper.start();
      return sweeper;
    },

    async retryIncident(id) {
      const incident = await incidents.find(id);
      if (incident === undefined) throw new NotFoundError('incident');
      const queue = incident.queue === NOTIFICATION_QUEUE ? notificationQueue : deadlineQueue;
      const job = await queue.getJob(incident.jobId);
      if (job !== undefined && (await job.isFailed())) {
        // A fresh budget: the processor counts the job's starts, which a retry would otherwise keep.
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      } else if (incident.caseId !== null && incident.clock !== null && incident.generation !== null) {
        // The failed timer is gone from Redis: arm the deadline again from its row.
        const row = await store.find(incident.caseId, incident.clock, incident.generation);
        if (row !== undefined) await scheduler.arm([row]);
      }
      await incidents.markRetried(id, now());
      return { ...incident, status: 'retried' };
    },

    async close() {
      await sweeper?.stop();
      await Promise.all(workers.map((w) => w.close()));
      await deadlineQueue.close();
      await notificationQueue.close();
      // Connections handed to BullMQ stay ours to close.
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}
