import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { recordIncident } from '../db/incident.repository';
import type { Database } from '../db/schema';

/**
 * Turns a job that failed for good (retries exhausted, or an unrecoverable
 * error) into an incident row: visible on the case and in the incident list,
 * and retried by command.
 */
export function recordIncidentsOf(worker: Worker, db: Kysely<Database>, logger: Logger, now: () => Date = () => new Date()): void {
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (job === undefined) return;
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const data = (job.data ?? {}) as { caseId?: unknown; clock?: unknown; generation?: unknown };
    recordIncident(
      db,
      {
        queue: worker.name,
        jobId: job.id ?? 'unknown',
        jobName: job.name,
        caseId: typeof data.caseId === 'string' && /^[0-9a-f-]{36}$/.test(data.caseId) ? data.caseId : null,
        clock: typeof data.clock === 'string' ? data.clock : null,
        generation: typeof data.generation === 'number' ? data.generation : null,
        attempts: job.attemptsMade,
        error: err.message,
      },
      now(),
    ).then(
      (incident) => logger.error({ incident: incident.id, queue: worker.name, jobId: job.id }, 'job failed for good; incident recorded'),
      (dbErr: unknown) => logger.error({ err: (dbErr as Error).message, jobId: job.id }, 'could not record incident'),
    );
  });
}
