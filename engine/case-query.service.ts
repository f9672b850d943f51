import type { Kysely } from 'kysely';
import { z } from 'zod';
import * as cases from '../db/case.repository';
import { listEvents } from '../db/case-event.repository';
import { listDeadlines, listDeadlinesOf } from '../db/deadline.repository';
import { listIncidents, listOpenIncidentsOf, type IncidentRecord } from '../db/incident.repository';
import type { Database } from '../db/schema';
import type { Actor } from '../machines/petition.roles';
import type { Role } from '../machines/petition.vocabulary';
import { toPetitionView, type PetitionView, type UrgencyInputs } from './case-view';
import { NotFoundError, ValidationError } from './errors';
import { INTAKE_EVENT } from './trail-entry';
import { intakeFor, showsIdentifiers, type MaskingFacts } from './access';
import { logUnmaskedReads } from './people/access-log';
import type { Intake } from '../machines/petition.schemas';
import { adapterFor } from '../machines/petition.registry';
import { stateOfRow } from './case-snapshot';
import { loadDirectory, type UnitDirectorySource } from './unit-directory';
import { createUnitDirectory } from './unit-directory.service';
import { sendTargets, type SendTargets } from './send-targets';
import { displayNamesOf } from '../db/user.repository';

/** One entry of a case's history as callers see it (`GET /petitions/:id/history`). */
export interface HistoryEvent {
  readonly seq: number;
  readonly type: string;
  /** Who sent it: the same `{ id, role, unit }` as everywhere else. */
  readonly actor: Actor;
  readonly at: string;
  readonly machineVersion: number;
  readonly fields: Record<string, unknown>;
  readonly hash: string;
  readonly prevHash: string;
}

/** Filters of the case list (`GET /petitions`). */
export interface ListQuery {
  readonly state?: string | undefined;
  readonly unit?: string | undefined;
  readonly overdue?: boolean | undefined;
  /** `newest` (the default): newest first; `urgency`: the nearest live due time first, overdue cases on top. */
  readonly sort?: ListSort | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** The orders of the case list. */
export const LIST_SORTS = ['newest', 'urgency'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

function encodeCursor(c: cases.CaseRecord): string {
  return Buffer.from(JSON.stringify([c.createdAt.toISOString(), c.id])).toString('base64url');
}

/**
 * A cursor as {@link encodeCursor} writes it: exactly `[ISO time, UUID]`. The
 * time must be the canonical form `toISOString` gives (a year outside
 * 0000-9999, e.g. -271821, is past what PostgreSQL stores) and the id a real
 * UUID (`------…` passed a looser check and failed in the database as a 500).
 */
const cursorSchema = z.tuple([z.iso.datetime({ precision: 3 }), z.uuid()]);

/** A cursor's JSON, or undefined when it is not base64url JSON. */
function cursorJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const BAD_CURSOR = () => new ValidationError('invalid cursor', [{ path: ['cursor'], message: 'not a cursor returned by this API' }]);

/** The urgency order's cursor: `["urgency", nearest due time or null, id]`. */
const urgencyCursorSchema = z.tuple([z.literal('urgency'), z.iso.datetime({ precision: 3 }).nullable(), z.uuid()]);

function encodeUrgencyCursor(c: cases.UrgencyKey): string {
  return Buffer.from(JSON.stringify(['urgency', c.nextDue?.toISOString() ?? null, c.id])).toString('base64url');
}

function decodeUrgencyCursor(cursor: string): cases.UrgencyKey {
  const parsed = urgencyCursorSchema.safeParse(cursorJson(cursor));
  if (!parsed.success) throw BAD_CURSOR();
  const [, due, id] = parsed.data;
  const nextDue = due === null ? null : new Date(due);
  if (nextDue !== null && (Number.isNaN(nextDue.getTime()) || nextDue.toISOString() !== due)) throw BAD_CURSOR();
  return { nextDue, id };
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const decoded = cursorJson(cursor);
  const parsed = cursorSchema.safeParse(decoded);
  const createdAt = parsed.success ? new Date(parsed.data[0]) : undefined;
  if (!parsed.success || createdAt === undefined || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== parsed.data[0]) {
    throw BAD_CURSOR();
  }
  return { createdAt, id: parsed.data[1] };
}

/** An intake event's fields as the viewer may see them (masking, and accusers withheld from the accused unit). */
function maskFields(type: string, fields: Record<string, unknown>, viewer: Actor, facts: MaskingFacts): Record<string, unknown> {
  if (type !== INTAKE_EVENT) return fields;
  return intakeFor(fields as unknown as Intake, viewer, facts);
}

/** The masking facts of a case as it stands (its version reads them from its snapshot). */
export function maskingFactsOf(rec: cases.CaseRecord): MaskingFacts {
  const adapter = adapterFor(rec.machineVersion);
  const { accusedUnit, handlingUnit } = adapter.intakeFacts(stateOfRow(adapter, rec));
  return { accusedUnit, handlingUnit };
}

/** How many of a case's open incidents its view shows. */
const VIEW_INCIDENTS = 50;

/** An incident as a case view shows it. */
function incidentView(i: IncidentRecord): NonNullable<PetitionView['incidents']>[number] {
  return { id: i.id, clock: i.clock, error: i.error, createdAt: i.createdAt.toISOString() };
}

/** Reads of cases, always within the viewer's unit subtree. */
export interface CaseQueryService {
  get(caseId: string, viewer: Actor): Promise<PetitionView>;
  /**
   * The views {@link get} gives of many cases, built in one round of queries (cases, deadlines,
   * incidents); in the order of `caseIds`, leaving out those the viewer cannot see.
   */
  getMany(caseIds: readonly string[], viewer: Actor): Promise<PetitionView[]>;
  list(q: ListQuery, viewer: Actor): Promise<{ items: PetitionView[]; nextCursor: string | null }>;
  history(caseId: string, viewer: Actor): Promise<HistoryEvent[]>;
  /** How many cases a unit's subtree holds (its own and those assigned into it). */
  count(scopeUnit: string): Promise<number>;
  /** The id of the oldest case the viewer may see whose intake matches (unit, petitioner's name, summary), if any. */
  findByIntake(match: cases.IntakeMatch, viewer: Actor): Promise<string | undefined>;
  /** The units a command that sends the case on may name now (engine/send-targets.ts). */
  sendTargets(caseId: string, eventType: string, viewer: Actor): Promise<SendTargets>;
  /** The display names of the people a trail names (its actors, a 包案 leader), by user id, for those with an account. */
  trailNames(events: readonly HistoryEvent[]): Promise<Record<string, string>>;
}

/**
 * The fields of a trail entry whose value may be a user id: ASSIGN_LEADER's leader (told of breaches by id),
 * a mediator and a legacy handler as the console's pickers fill them (free text names no account and gets no name).
 */
const USER_ID_FIELDS = ['leader', 'mediator', 'handler'];

/** The user ids a trail names: every actor but the deadline workers, and the values of {@link USER_ID_FIELDS}. */
function userIdsOf(events: readonly HistoryEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.actor.role !== 'system') ids.add(e.actor.id);
    for (const field of USER_ID_FIELDS) {
      const value = e.fields[field];
      if (typeof value === 'string') ids.add(value);
    }
  }
  return [...ids];
}

/** Creates the read side over the database. */
export function createCaseQueryService(
  db: Kysely<Database>,
  now: () => Date = () => new Date(),
  unitSource: UnitDirectorySource = createUnitDirectory(db),
  urgency?: UrgencyInputs,
): CaseQueryService {
  async function load(caseId: string, viewer: Actor): Promise<cases.CaseRecord> {
    const rec = await cases.findCase(db, caseId, viewer.unit);
    if (rec === undefined) throw new NotFoundError();
    return rec;
  }
  /** The urgency order's page, each case with its deadline rows. */
  async function listByUrgencyWithDeadlines(q: Parameters<typeof cases.listCasesByUrgency>[1]): Promise<cases.ListedCase[]> {
    const rows = await cases.listCasesByUrgency(db, q);
    const dl = await listDeadlinesOf(
      db,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({ ...r, deadlines: dl.get(r.id) ?? [] }));
  }
  return {
    async get(caseId, viewer) {
      const rec = await load(caseId, viewer);
      const at = now();
      const [dl, incidents, units] = await Promise.all([
        listDeadlines(db, caseId),
        listIncidents(db, { caseId, limit: VIEW_INCIDENTS }),
        loadDirectory(unitSource),
      ]);
      // A single-case read that shows identifiers in full (a clerk, the handling body's handlers) is logged for auditors.
      if (showsIdentifiers(viewer, maskingFactsOf(rec))) await logUnmaskedReads(db, viewer, [{ caseId }], 'petitions.get', at);
      return {
        ...toPetitionView(rec, dl, viewer, at, { units: units.directory, urgency }),
        incidents: incidents.map(incidentView),
      };
    },
    async getMany(caseIds, viewer) {
      const [found, dl, incidents, units] = await Promise.all([
        cases.findCases(db, caseIds, viewer.unit),
        listDeadlinesOf(db, caseIds),
        listOpenIncidentsOf(db, caseIds, VIEW_INCIDENTS),
        loadDirectory(unitSource),
      ]);
      const at = now();
      return caseIds.flatMap((id) => {
        const rec = found.get(id);
        if (rec === undefined) return [];
        const view = toPetitionView(rec, dl.get(id) ?? [], viewer, at, { units: units.directory, urgency });
        return [{ ...view, incidents: (incidents.get(id) ?? []).map(incidentView) }];
      });
    },
    async list(q, viewer) {
      const at = now();
      const filters = {
        scopeUnit: viewer.unit,
        unit: q.unit,
        state: q.state,
        overdueAt: q.overdue === true ? at : undefined,
        limit: q.limit + 1,
      };
      const urgent = q.sort === 'urgency';
      const [rows, units] = await Promise.all([
        urgent
          ? listByUrgencyWithDeadlines({ ...filters, after: q.cursor === undefined ? undefined : decodeUrgencyCursor(q.cursor) })
          : cases.listCases(db, { ...filters, after: q.cursor === undefined ? undefined : decodeCursor(q.cursor) }),
        loadDirectory(unitSource),
      ]);
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      const cursorOf = (r: cases.CaseRecord) => (urgent ? encodeUrgencyCursor(r as cases.CaseRecord & cases.UrgencyKey) : encodeCursor(r));
      return {
        items: page.map((r) => toPetitionView(r, r.deadlines, viewer, at, { units: units.directory, urgency })),
        nextCursor: rows.length > q.limit && last !== undefined ? cursorOf(last) : null,
      };
    },
    count: (scopeUnit) => cases.countCases(db, scopeUnit),
    findByIntake: (match, viewer) => cases.findCaseIdByIntake(db, match, viewer.unit),
    sendTargets: (caseId, eventType, viewer) => sendTargets(db, unitSource, caseId, eventType, viewer, now()),
    trailNames: (events) => displayNamesOf(db, userIdsOf(events)),
    async history(caseId, viewer) {
      const facts = maskingFactsOf(await load(caseId, viewer));
      const events = await listEvents(db, caseId);
      return events.map((e) => ({
        seq: e.seq,
        type: e.type,
        // The trail only records roles of ROLES (the actor of a validated command or the workers' `system`).
        actor: { id: e.actor.id, role: e.actor.role as Role, unit: e.actor.unit },
        at: e.at,
        machineVersion: e.machineVersion,
        fields: maskFields(e.type, e.fields, viewer, facts),
        hash: e.hash,
        prevHash: e.prevHash,
      }));
    },
  };
}
