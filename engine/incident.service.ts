import type { Kysely } from 'kysely';
import { findCase } from '../db/case.repository';
import { findIncident, listIncidents, recordIncident, setIncidentStatus, type IncidentRecord } from '../db/incident.repository';
import type { Database } from '../db/schema';
import type { Actor } from '../machines/petition.roles';
import { requireCapability } from './access';
import { NotFoundError } from './errors';
import { decodePageCursor, pageOf } from './page-cursor';

export type { IncidentRecord };

/** What an incident list asks for: `open` incidents only unless `all`, newest first, at most `limit`. */
export interface IncidentListQuery {
  readonly all?: boolean | undefined;
  readonly limit: number;
  /** The `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

/** A page of incidents and the cursor of the next one (null on the last page). */
export interface IncidentPage {
  readonly items: IncidentRecord[];
  readonly nextCursor: string | null;
}

/** A new incident as the worker that gave up on a job describes it. */
export type NewIncident = Omit<IncidentRecord, 'id' | 'status' | 'createdAt' | 'updatedAt'>;

/**
 * Background jobs that failed for good. People see them through the access
 * rules (capability and unit scope); the workers and the operator's command
 * line work on them as the system.
 */
export interface IncidentService {
  /** A page of the incidents of the cases `actor` sees, newest first; FORBIDDEN without `incidents.list`. */
  listFor(actor: Actor, q: IncidentListQuery): Promise<IncidentPage>;
  /**
   * The incident `actor` asks to retry; FORBIDDEN without `incidents.retry`,
   * NOT_FOUND when it does not exist, names no case, or its case lies outside
   * the actor's units (never told apart).
   */
  findForRetry(id: string, actor: Actor): Promise<IncidentRecord>;
  /** Every incident, whatever its unit: the operator's view (`petitionflow incidents list`). */
  listAll(q: IncidentListQuery): Promise<IncidentRecord[]>;
  /** One incident by id, as the system sees it. */
  find(id: string): Promise<IncidentRecord | undefined>;
  /** Records a job that failed for good. */
  record(incident: NewIncident, at: Date): Promise<IncidentRecord>;
  /** Marks an incident retried (its job was put back to work). */
  markRetried(id: string, at: Date): Promise<void>;
}

/** Creates the incident service over the database. */
export function createIncidentService(db: Kysely<Database>): IncidentService {
  return {
    async listFor(actor, q) {
      requireCapability(actor, 'incidents.list');
      const after = q.cursor === undefined ? undefined : decodePageCursor(q.cursor, /^\d{1,18}$/);
      const rows = await listIncidents(db, { scopeUnit: actor.unit, all: q.all === true, limit: q.limit + 1, after });
      return pageOf(rows, q.limit, (i) => ({ at: i.createdAt, id: i.id }));
    },
    async findForRetry(id, actor) {
      requireCapability(actor, 'incidents.retry');
      const incident = await findIncident(db, id);
      // Looked up within the actor's units (the one scope predicate): a case outside them is as good as absent.
      const c = incident?.caseId == null ? undefined : await findCase(db, incident.caseId, actor.unit);
      if (incident === undefined || c === undefined) throw new NotFoundError('incident');
      return incident;
    },
    listAll: (q) => listIncidents(db, { all: q.all === true, limit: q.limit }),
    find: (id) => findIncident(db, id),
    record: (incident, at) => recordIncident(db, incident, at),
    markRetried: (id, at) => setIncidentStatus(db, id, 'retried', at),
  };
}
