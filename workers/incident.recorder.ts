import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { IncidentService } from '../engine/incident.service';
import type { TimerStore } from '../engine/timer-store.service';
import { parseDeadlineJobId } from './queues';

/** What the incident recorder needs: where incidents go, and the deadline rows a timer's id names. */
export interface IncidentRecorderDeps {
  readonly incidents: Pick<IncidentService, 'record'>;
  readonly store: Pick<TimerStore, 'findById'>;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** The case, clock and generation a failed job was about, as far as it says. */
async function subjectOf(
  store: IncidentRecorderDeps['store'],
  job: Job,
): Promise<{ caseId: string | null; clock: string | null; generation: number | null }> {
  const timer = parseDeadlineJobId(job.id);
  if (timer !== undefined) {
    // A deadline timer names its deadline row only.
    const row = await store.findById(timer.deadlineId);
    return { caseId: row?.caseId ?? null, clock: row?.clock ?? null, generation: row?.generation ?? null };
  }
  const data = (job.data ?? {}) as { caseId?: unknown };
  return {
    caseId: typeof data.caseId === 'string' && /^[0-9a-f-]{36}$/.test(data.caseId) ? data.caseId : null,
    clock: null,
    generation: null,
  };
}

/**
 * Turns a job that failed for good (retries exhausted, or an unrecoverable
 * error) into an incident row: visible on the case and in the incident list,
 * and retried by command.
 */
export function recordIncidentsOf(worker: Worker, deps: IncidentRecorderDeps): void {
  const { logger } = deps;
  const now = deps.now ?? (() => new Date());
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (job === undefined) return;
    // Deadline timers retry in their processor and carry no `attempts`: their first failure here is their last.
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts || 1);
    if (!final) return;
    subjectOf(deps.store, job)
      .then((subject) =>
        deps.incidents.record(
          {
            queue: worker.name,
            jobId: job.id ?? 'unknown',
            jobName: job.name,
            ...subject,
            attempts: Math.max(job.attemptsMade, job.attemptsStarted),
            error: err.message,
          },
          now(),
        ),
      )
      .then(
        (incident) => logger.error({ incident: incident.id, queue: worker.name, jobId: job.id }, 'job failed for good; incident recorded'),
        (dbErr: unknown) => logger.error({ err: (dbErr as Error).message, jobId: job.id }, 'could not record incident'),
      );
  });
}
