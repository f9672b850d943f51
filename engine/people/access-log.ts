/**
 * The access log: every read that showed a person's ID number or phone in
 * full (the clerk's view), and every download of a case's attachment, is
 * recorded with who, which case, when and why, so auditors can see who
 * reached which petitioner's contact details and files.
 */
import type { Kysely } from 'kysely';
import { appendAccessLog, listAccessLog, type AccessLogRecord } from '../../db/access-log.repository';
import type { Database } from '../../db/schema';
import type { Actor } from '../../machines/petition.roles';
import { ValidationError } from '../errors';

/** Why a read was logged: the route that showed it (an unmasked case or person, or a downloaded attachment). */
export type AccessReason = 'petitions.get' | 'people.search' | 'attachments.download';

/** One case (and person) shown unmasked. */
export interface UnmaskedRead {
  readonly caseId: string;
  readonly personId?: string | null;
}

/** Records the reads `viewer` was shown unmasked (the caller passes only those: masking decides, see `showsIdentifiers`). */
export async function logUnmaskedReads(
  db: Kysely<Database>,
  viewer: Actor,
  reads: readonly UnmaskedRead[],
  reason: AccessReason,
  at: Date,
): Promise<void> {
  if (reads.length === 0) return;
  await appendAccessLog(
    db,
    reads.map((r) => ({
      actor: { id: viewer.id, role: viewer.role, unit: viewer.unit },
      caseId: r.caseId,
      personId: r.personId ?? null,
      reason,
      at,
    })),
  );
}

/** One access log entry as auditors read it. */
export interface AccessLogView {
  readonly id: string;
  readonly actor: { readonly id: string; readonly role: string; readonly unit: string };
  readonly caseId: string;
  readonly personId: string | null;
  readonly reason: string;
  readonly at: string;
}

/** The auditors' read of the access log. */
export interface AccessLogService {
  /** A page of the access log of cases in the viewer's units, newest first; the cursor is the last row's id. */
  page(viewer: Actor, limit: number, cursor: string | undefined): Promise<{ items: AccessLogView[]; nextCursor: string | null }>;
}

/** Creates the access log's read side. */
export function createAccessLogService(db: Kysely<Database>): AccessLogService {
  return { page: (viewer, limit, cursor) => accessLogPage(db, viewer, limit, cursor) };
}

async function accessLogPage(
  db: Kysely<Database>,
  viewer: Actor,
  limit: number,
  cursor: string | undefined,
): Promise<{ items: AccessLogView[]; nextCursor: string | null }> {
  if (cursor !== undefined && !/^[1-9]\d{0,17}$/.test(cursor)) {
    throw new ValidationError('invalid cursor', [{ path: ['cursor'], message: 'not a cursor returned by this API' }]);
  }
  const rows = await listAccessLog(db, viewer.unit, limit + 1, cursor);
  const page = rows.slice(0, limit);
  const view = (r: AccessLogRecord): AccessLogView => ({ ...r, at: r.at.toISOString() });
  return { items: page.map(view), nextCursor: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null };
}
