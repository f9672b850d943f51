import type { Kysely } from 'kysely';
import { findEvent, type CaseEventRecord } from '../db/case-event.repository';
import { findCase, type CaseRecord } from '../db/case.repository';
import type { Database } from '../db/schema';

/** A trail entry to notify about, with its case as stored now. */
export interface NotificationSubject {
  readonly case: CaseRecord;
  readonly event: CaseEventRecord;
}

/**
 * Where notifications are built from: the stored trail entry and its case,
 * read at send time so the job carries ids only, never personal data.
 */
export interface NotificationSource {
  /** The entry `seq` of case `caseId` with its case; undefined when either does not exist. */
  subjectOf(caseId: string, seq: number): Promise<NotificationSubject | undefined>;
}

/** Creates the notification source over the database (the system's view: no unit scope). */
export function createNotificationSource(db: Kysely<Database>): NotificationSource {
  return {
    async subjectOf(caseId, seq) {
      const rec = await findCase(db, caseId);
      const event = rec === undefined ? undefined : await findEvent(db, caseId, seq);
      return rec === undefined || event === undefined ? undefined : { case: rec, event };
    },
  };
}
