/**
 * Reads of the person index: `GET /people?q=`, a case's related matters, and
 * the clerk's confirmation of a weak match. Always within the caller's units
 * (the one scope predicate), identifiers masked per role, accusers withheld
 * from the unit they accuse, unmasked results written to the access log.
 */
import type { Kysely } from 'kysely';
import { findCase } from '../../db/case.repository';
import * as people from '../../db/person.repository';
import type { Database } from '../../db/schema';
import type { Actor } from '../../machines/petition.roles';
import { isFinalState } from '../../machines/petition.vocabulary';
import { isValidResidentId } from '../../machines/resident-id';
import { inSubtree } from '../../machines/unit-tree';
import { maskPerson, requireCapability, seesIdentity } from '../access';
import { NotFoundError, ValidationError } from '../errors';
import { logUnmaskedReads } from './access-log';
import { looksLikeCaseNumber } from './case-number';
import { gramSimilarity, identifierDigest, nameQueryGrams, probeGrams, SIMILARITY_THRESHOLD, textKey } from './person-keys';

/** A matter as people search and related matters show it. */
export interface MatterView {
  readonly caseId: string;
  readonly number: string | null;
  readonly state: string;
  readonly unit: { readonly code: string; readonly name: string | null };
  readonly createdAt: string;
  readonly summary: string;
}

/** A person found, with their matters in the caller's units. */
export interface PersonView {
  readonly id: string;
  readonly name: string;
  readonly idNumber: string | null;
  readonly phone: string | null;
  readonly address: string;
  readonly matters: (MatterView & { readonly role: 'petitioner' | 'representative' })[];
}

/** A related matter with how similar its request is to the case's. */
export type RelatedMatterView = MatterView & { readonly similarity: number };

/** `GET /petitions/:id/related`. */
export interface RelatedView {
  readonly samePerson: RelatedMatterView[];
  readonly similar: RelatedMatterView[];
  readonly finalMatches: RelatedMatterView[];
  readonly inProgressBelow: RelatedMatterView[];
  /** Other people on file with the petitioner's name and address: a weak match the clerk may confirm (`PUT /petitions/:id/person`). */
  readonly personCandidates: { readonly id: string; readonly name: string; readonly address: string }[];
}

/** The most people one search returns. */
const SEARCH_LIMIT = 20;
/** How long the summary bigram frequencies are reused. */
const FREQUENCY_TTL_MS = 5 * 60 * 1000;
/** The most similar requests of others proposed. */
const SIMILAR_LIMIT = 10;

/** What a search term is: an ID number, a phone, a case (number or id), else a partial name. */
export function lookupOf(q: string, key: Buffer): people.PersonLookup {
  const term = q.trim();
  const compact = term.replace(/[\s-]/g, '');
  if (/^\d{17}[\dXx]$/.test(compact)) {
    const id = compact.toUpperCase();
    if (!isValidResidentId(id))
      throw new ValidationError('invalid search', [{ path: ['q'], message: 'the check character does not match (GB 11643)' }]);
    return { by: 'idHash', hash: identifierDigest(key, 'id', id) };
  }
  if (/^\+?\d{5,20}$/.test(compact)) return { by: 'phoneHash', hash: identifierDigest(key, 'phone', compact) };
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(term)) return { by: 'case', caseId: term.toLowerCase() };
  if (looksLikeCaseNumber(term)) return { by: 'case', number: term };
  const nameKey = textKey(term);
  if (nameKey === '') throw new ValidationError('invalid search', [{ path: ['q'], message: 'a name, ID number, phone or case number' }]);
  return { by: 'name', grams: nameQueryGrams(term), key: nameKey };
}

/** Whether a matter may be shown to `viewer`: never an accusation to the unit it accuses (Arts 30, 46). */
function visibleTo(m: people.MatterRow, viewer: Actor): boolean {
  return !(m.accusation && m.accusedUnit !== null && inSubtree(viewer.unit, m.accusedUnit));
}

function matterView(m: {
  caseId: string;
  number: string | null;
  state: string;
  unit: string;
  unitName: string | null;
  createdAt: Date;
  summary: string;
}): MatterView {
  return {
    caseId: m.caseId,
    number: m.number,
    state: m.state,
    unit: { code: m.unit, name: m.unitName },
    createdAt: m.createdAt.toISOString(),
    summary: m.summary,
  };
}

/** The division a unit belongs to (a bureau or department code `411621-01` → `411621`), for "below this body". */
function divisionPart(unit: string): string {
  return unit.replace(/-\d+$/, '');
}

/** Whether a matter is open at a body strictly below `unit` (Art 19 ¶3). */
function openBelow(m: people.MatterRow, unit: string): boolean {
  if (isFinalState(m.state)) return false;
  const division = divisionPart(unit);
  return [m.unit, m.assigneeUnit].some((u) => u !== null && divisionPart(u) !== division && inSubtree(u, division));
}

/** The person index's reads. */
export interface PeopleQueryService {
  search(q: string, viewer: Actor): Promise<{ items: PersonView[] }>;
  related(caseId: string, viewer: Actor): Promise<RelatedView>;
  /** Links a case's petitioner to a person on file (the clerk confirms a weak match); answers the related matters again. */
  confirmPerson(caseId: string, personId: string, viewer: Actor): Promise<RelatedView>;
}

/** Creates the person index's read side over the database and the index key. */
export function createPeopleQueryService(db: Kysely<Database>, key: Buffer, now: () => Date = () => new Date()): PeopleQueryService {
  // Bigram frequencies change slowly (they come from ANALYZE): read them at most every few minutes.
  let cached: { at: number; freq: Promise<Map<string, number>> } | undefined;
  function frequencies(): Promise<Map<string, number>> {
    const t = Date.now();
    if (cached === undefined || t - cached.at > FREQUENCY_TTL_MS)
      cached = { at: t, freq: people.summaryGramFrequencies(db).catch(() => new Map<string, number>()) };
    return cached.freq;
  }

  async function search(q: string, viewer: Actor): Promise<{ items: PersonView[] }> {
    requireCapability(viewer, 'people.search');
    const found = await people.findPersons(db, lookupOf(q, key), viewer.unit, SEARCH_LIMIT);
    const matters = (
      await people.mattersOfPersons(
        db,
        found.map((p) => p.id),
        viewer.unit,
        20 * SEARCH_LIMIT,
      )
    ).filter((m) => visibleTo(m, viewer));
    const items = found
      .map((p) => ({
        ...maskPerson(
          { id: p.id, name: p.name, idNumber: p.idNumber ?? undefined, phone: p.phone ?? undefined, address: p.address },
          viewer.role,
        ),
        matters: matters.filter((m) => m.personId === p.id).map((m) => ({ ...matterView(m), role: m.role })),
      }))
      .filter((p) => p.matters.length > 0)
      .map((p) => ({ ...p, idNumber: p.idNumber ?? null, phone: p.phone ?? null }));
    // Search shows identifiers in full to the roles that see them whatever the case (the clerk) only.
    const unmasked = seesIdentity(viewer.role) ? items.flatMap((p) => p.matters.map((m) => ({ caseId: m.caseId, personId: p.id }))) : [];
    await logUnmaskedReads(db, viewer, unmasked, 'people.search', now());
    return { items };
  }

  async function related(caseId: string, viewer: Actor): Promise<RelatedView> {
    requireCapability(viewer, 'people.search');
    const rec = await findCase(db, caseId, viewer.unit);
    if (rec === undefined) throw new NotFoundError();
    const links = await people.personsOfCase(db, caseId);
    const grams = await people.summaryGramsOf(db, caseId);
    const mine = (
      await people.mattersOfPersons(
        db,
        links.map((l) => l.personId),
        viewer.unit,
      )
    ).filter((m) => m.caseId !== caseId && visibleTo(m, viewer));
    const byCase = new Map(mine.map((m) => [m.caseId, m]));
    const scored = [...byCase.values()].map((m) => ({ row: m, view: { ...matterView(m), similarity: gramSimilarity(m.grams, grams) } }));
    const probe = probeGrams(grams, await frequencies(), SIMILARITY_THRESHOLD);
    const similarRows = await people.similarCases(db, {
      unit: rec.unit,
      grams,
      probe,
      excludeCaseId: caseId,
      scopeUnit: viewer.unit,
      threshold: SIMILARITY_THRESHOLD,
      limit: SIMILAR_LIMIT + byCase.size,
    });
    const petitioner = links.find((l) => l.role === 'petitioner');
    const candidates = petitioner === undefined ? [] : await people.weakMatches(db, petitioner.personId, viewer.unit);
    return {
      samePerson: scored.map((s) => s.view),
      similar: similarRows
        .filter((r) => !byCase.has(r.caseId))
        .slice(0, SIMILAR_LIMIT)
        .map((r) => ({ ...matterView(r), similarity: r.similarity })),
      finalMatches: scored
        .filter((s) => s.row.state === 'closed' && s.row.closure === 'final' && s.view.similarity >= SIMILARITY_THRESHOLD)
        .map((s) => s.view),
      inProgressBelow: scored.filter((s) => openBelow(s.row, rec.unit)).map((s) => s.view),
      personCandidates: candidates.map((c) => ({ id: c.id, name: c.name, address: c.address })),
    };
  }

  async function confirmPerson(caseId: string, personId: string, viewer: Actor): Promise<RelatedView> {
    requireCapability(viewer, 'people.link');
    if ((await findCase(db, caseId, viewer.unit)) === undefined) throw new NotFoundError();
    // A person outside the caller's units is refused exactly as one that does not exist.
    const person = await people.findPersonInScope(db, personId, viewer.unit);
    if (person === undefined)
      throw new ValidationError('invalid person', [{ path: ['personId'], message: 'no such person in your units' }]);
    await people.relinkPetitioner(db, caseId, personId, viewer.id, now());
    return related(caseId, viewer);
  }

  return { search, related, confirmPerson };
}
