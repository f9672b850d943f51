import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { findDeadlineById } from '../db/deadline.repository';
import { recordIncident } from '../db/incident.repository';
import type { Database } from '../db/schema';
import { parseDeadlineJobId } from './queues';

/** The case, clock and generation a failed job was about, as far as it says. */
async function subjectOf(db: Kysely<Database>, job: Job): Promise<{ caseId: string | null; clock: string | null; generation: number | null }> {
  const timer = parseDeadlineJobId(job.id);
  if (timer !== undefined) {
    // A deadline timer names its deadline row only.
    const row = await findDeadlineById(db, timer.deadlineId);
    return { caseId: row?.caseId ?? null, clock: row?.clock ?? null, generation: row?.generation ?? null };
  }
  const data = (job.data ?? {}) as { caseId?: unknown };
  return { caseId: typeof data.caseId === 'string' && /^[0-9a-f-]{36}$/.test(data.caseId) ? data.caseId : null, clock: null, generation: null };
}

/**
 * Turns a job that failed for good (retries exhausted, or an unrecoverable
 * error) into an incident row: visible on the case and in the incident list,
 * and retried by command.
 */
export function recordIncidentsOf(worker: Worker, db: Kysely<Database>, logger: Logger, now: () => Date = () => new Date()): void {
  worker.on('failed', (job: Job | undefined, err: Error) => {
    if (job === undefined) return;
    // Deadline timers retry in their processor and carry no `attempts`: their first failure here is their last.
    const final = err instanceof UnrecoverableError || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts || 1);
    if (!final) return;
    subjectOf(db, job)
      .then((subject) =>
        recordIncident(
          db,
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
