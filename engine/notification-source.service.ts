import type { Kysely } from 'kysely';
import { findEvent, type CaseEventRecord } from '../db/case-event.repository';
import { findCase, type CaseRecord } from '../db/case.repository';
import type { Database } from '../db/schema';
import type { Recipient } from '../machines/machine-adapter';
import { adapterFor } from '../machines/petition.registry';
import { restoreCase } from './case-snapshot';
import { loadDirectory, type UnitDirectory, type UnitDirectorySource } from './unit-directory';
import { createUnitDirectory } from './unit-directory.service';

export type { Recipient };

/** A trail entry to notify about, with its case as stored now and who should hear of it. */
export interface NotificationSubject {
  readonly case: CaseRecord;
  readonly event: CaseEventRecord;
  /** By role and id or unit, read from the case's own version; never names or phones. */
  readonly recipients: readonly Recipient[];
}

/**
 * Where notifications are built from: the stored trail entry and its case,
 * read at send time so the job carries ids only, never personal data.
 */
export interface NotificationSource {
  /** The entry `seq` of case `caseId` with its case; undefined when either does not exist. */
  subjectOf(caseId: string, seq: number): Promise<NotificationSubject | undefined>;
}

/**
 * The unit one level above `unit`: the parent of its division (a bureau's or
 * department's code is its division's plus a suffix, so the county bureau's
 * level above is the city, not its own county).
 */
export function levelAbove(units: UnitDirectory, unit: string): string | null {
  const division = unit.split('-')[0] ?? unit;
  return units.parentOf(division);
}

/** Creates the notification source over the database (the system's view: no unit scope). */
export function createNotificationSource(
  db: Kysely<Database>,
  unitSource: UnitDirectorySource = createUnitDirectory(db),
): NotificationSource {
  return {
    async subjectOf(caseId, seq) {
      const rec = await findCase(db, caseId);
      const event = rec === undefined ? undefined : await findEvent(db, caseId, seq);
      if (rec === undefined || event === undefined) return undefined;
      const adapter = adapterFor(rec.machineVersion);
      const { directory: units } = await loadDirectory(unitSource);
      const snapshot = restoreCase(adapter, rec);
      const recipients = adapter.recipientsOf(snapshot, { type: event.type, fields: event.fields }, (unit) => levelAbove(units, unit));
      return { case: rec, event, recipients };
    },
  };
}
