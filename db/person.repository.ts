/**
 * The person index (一人一档): people, their links to cases, the bigrams of
 * request summaries. Identifiers arrive here already digested; nothing in
 * this file sees a plain ID number or phone except to store it for display.
 */
import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import { inSubtree } from '../machines/unit-tree';
import { caseInUnitScope } from './case-scope.sql';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** A person as intake describes them, identifiers digested (null when absent). */
export interface PersonInput {
  readonly newId: string;
  readonly idHash: Buffer | null;
  readonly phoneHash: Buffer | null;
  readonly idNumber: string | null;
  readonly phone: string | null;
  readonly name: string;
  readonly nameKey: string;
  readonly address: string;
  readonly addressKey: string;
  readonly nameGrams: readonly string[];
  readonly at: Date;
}

/** How a person was recognised: by ID number, by phone, or not at all (a new file, to be confirmed by a clerk). */
export type Recognition = 'id' | 'phone' | 'new';

async function insertPerson(trx: Transaction<Database>, p: PersonInput): Promise<void> {
  await trx
    .insertInto('persons')
    .values({
      id: p.newId,
      id_hash: p.idHash,
      id_number: p.idNumber,
      phone: p.phone,
      name: p.name,
      name_key: p.nameKey,
      address: p.address,
      address_key: p.addressKey,
      name_grams: sql<string[]>`${[...p.nameGrams]}::text[]`,
      created_at: p.at,
      updated_at: p.at,
    })
    .execute();
}

async function addPhone(trx: Transaction<Database>, personId: string, phoneHash: Buffer | null): Promise<void> {
  if (phoneHash === null) return;
  await trx
    .insertInto('person_phones')
    .values({ phone_hash: phoneHash, person_id: personId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The person of a valid ID number: found or created in one statement (concurrent intakes of one ID agree on one row). */
async function personOfId(trx: Transaction<Database>, p: PersonInput & { idHash: Buffer }): Promise<string> {
  const row = await sql<{ id: string }>`
    insert into persons (id, id_hash, id_number, phone, name, name_key, address, address_key, name_grams, created_at, updated_at)
    values (${p.newId}, ${p.idHash}, ${p.idNumber}, ${p.phone}, ${p.name}, ${p.nameKey}, ${p.address}, ${p.addressKey},
            ${[...p.nameGrams]}::text[], ${p.at}, ${p.at})
    on conflict (id_hash) do update set
      phone = coalesce(excluded.phone, persons.phone), address = excluded.address, address_key = excluded.address_key,
      updated_at = excluded.updated_at
    returning id`.execute(trx);
  const id = row.rows[0]?.id;
  if (id === undefined) throw new Error('person upsert returned no row');
  return id;
}

/**
 * The person of a phone (no ID number given): the earliest person holding
 * that phone, or a new one. An advisory lock on the digest serialises two
 * intakes of one new phone so they do not open two files.
 */
async function personOfPhone(trx: Transaction<Database>, p: PersonInput & { phoneHash: Buffer }): Promise<{ id: string; found: boolean }> {
  await sql`select pg_advisory_xact_lock(${p.phoneHash.readBigInt64BE(0).toString()}::bigint)`.execute(trx);
  const found = await trx
    .selectFrom('person_phones as pp')
    .innerJoin('persons as p', 'p.id', 'pp.person_id')
    .select('p.id')
    .where('pp.phone_hash', '=', p.phoneHash)
    .orderBy('p.created_at')
    .orderBy('p.id')
    .limit(1)
    .executeTakeFirst();
  if (found !== undefined) {
    await trx
      .updateTable('persons')
      .set({ address: p.address, address_key: p.addressKey, updated_at: p.at })
      .where('id', '=', found.id)
      .execute();
    return { id: found.id, found: true };
  }
  await insertPerson(trx, p);
  return { id: p.newId, found: false };
}

/** Finds or creates the person of an intake: by ID number first, else by phone, else a new file. */
export async function resolvePerson(trx: Transaction<Database>, p: PersonInput): Promise<{ id: string; recognised: Recognition }> {
  if (p.idHash !== null) {
    const id = await personOfId(trx, { ...p, idHash: p.idHash });
    await addPhone(trx, id, p.phoneHash);
    return { id, recognised: id === p.newId ? 'new' : 'id' };
  }
  if (p.phoneHash !== null) {
    const { id, found } = await personOfPhone(trx, { ...p, phoneHash: p.phoneHash });
    await addPhone(trx, id, p.phoneHash);
    return { id, recognised: found ? 'phone' : 'new' };
  }
  await insertPerson(trx, p);
  return { id: p.newId, recognised: 'new' };
}

/** Bigrams qualified by the unit (`411621|纠纷`), as `case_summaries.unit_grams` holds them. */
export function unitGrams(unit: string, grams: readonly string[]): string[] {
  return grams.map((g) => `${unit}|${g}`);
}

/** One case's links to people and its summary bigrams, written in the intake transaction after the case row. */
export async function indexCase(
  trx: Transaction<Database>,
  c: {
    caseId: string;
    unit: string;
    grams: readonly string[];
    persons: readonly { personId: string; role: 'petitioner' | 'representative' }[];
  },
): Promise<void> {
  if (c.persons.length > 0) {
    await trx
      .insertInto('case_persons')
      .values(c.persons.map((p) => ({ case_id: c.caseId, person_id: p.personId, role: p.role, confirmed_by: null, confirmed_at: null })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  await sql`insert into case_summaries (case_id, unit, grams, unit_grams)
    values (${c.caseId}, ${c.unit}, ${[...c.grams]}::text[], ${unitGrams(c.unit, c.grams)}::text[])`.execute(trx);
}

/** A matter (case) as the person index lists it. */
export interface MatterRow {
  readonly caseId: string;
  readonly personId: string;
  readonly role: 'petitioner' | 'representative';
  readonly number: string | null;
  readonly state: string;
  readonly unit: string;
  readonly unitName: string | null;
  readonly assigneeUnit: string | null;
  readonly createdAt: Date;
  readonly summary: string;
  readonly closure: string | null;
  readonly accusation: boolean;
  readonly accusedUnit: string | null;
  readonly grams: string[];
}

function mattersQuery(db: Executor) {
  return (
    db
      .selectFrom('case_persons as cp')
      .innerJoin('cases', 'cases.id', 'cp.case_id')
      .leftJoin('units as u', 'u.code', 'cases.unit')
      .leftJoin('case_summaries as cs', 'cs.case_id', 'cases.id')
      // The matter is read from the intake entry: the stored snapshot leaves the intake out (machines/stored-form.ts).
      .innerJoin('case_events as ie', (j) => j.onRef('ie.case_id', '=', 'cases.id').on('ie.seq', '=', 1))
      .select([
        'cases.id as caseId',
        'cp.person_id as personId',
        'cp.role as role',
        'cases.number as number',
        'cases.state as state',
        'cases.unit as unit',
        'u.name as unitName',
        'cases.assignee_unit as assigneeUnit',
        'cases.created_at as createdAt',
        sql<string>`ie.fields #>> '{matter,summary}'`.as('summary'),
        sql<string | null>`cases.snapshot #>> '{context,closure}'`.as('closure'),
        sql<boolean>`coalesce((ie.fields #>> '{matter,accusation}')::boolean, false)`.as('accusation'),
        sql<string | null>`ie.fields #>> '{matter,accusedUnit}'`.as('accusedUnit'),
        sql<string[]>`coalesce(cs.grams, '{}')`.as('grams'),
      ])
  );
}

/** The matters of some people, newest first; within `scopeUnit` when given (the one scope predicate), else all of them. */
export async function mattersOfPersons(db: Executor, personIds: readonly string[], scopeUnit?: string, limit = 200): Promise<MatterRow[]> {
  if (personIds.length === 0) return [];
  let q = mattersQuery(db).where('cp.person_id', 'in', personIds);
  if (scopeUnit !== undefined) q = q.where(caseInUnitScope(scopeUnit));
  return q.orderBy('cases.created_at', 'desc').orderBy('cases.id', 'desc').limit(limit).execute();
}

/** The people linked to one case. */
export async function personsOfCase(db: Executor, caseId: string): Promise<{ personId: string; role: 'petitioner' | 'representative' }[]> {
  return db.selectFrom('case_persons').select(['person_id as personId', 'role']).where('case_id', '=', caseId).execute();
}

/**
 * A person (aliased `p`) is visible from `scopeUnit` when one of their cases
 * is: the one scope predicate, applied to their cases.
 */
function personHasCaseIn(scopeUnit: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from case_persons cp join cases on cases.id = cp.case_id where cp.person_id = p.id and ${caseInUnitScope(scopeUnit)})`;
}

/** What a people search looks for: a digested identifier, name grams, or a case (by number or id). */
export type PersonLookup =
  | { readonly by: 'idHash'; readonly hash: Buffer }
  | { readonly by: 'phoneHash'; readonly hash: Buffer }
  | { readonly by: 'name'; readonly grams: readonly string[]; readonly key: string }
  | { readonly by: 'case'; readonly number?: string; readonly caseId?: string };

/** A person as stored (identifiers in plain: masking is the caller's). */
export interface PersonRow {
  readonly id: string;
  readonly name: string;
  readonly idNumber: string | null;
  readonly phone: string | null;
  readonly address: string;
}

/**
 * People matching a lookup who have at least one case within `scopeUnit`
 * (the one scope predicate): a person outside the caller's units is not
 * found at all.
 */
export async function findPersons(db: Executor, lookup: PersonLookup, scopeUnit: string, limit: number): Promise<PersonRow[]> {
  let q = db.selectFrom('persons as p').select(['p.id', 'p.name', 'p.id_number as idNumber', 'p.phone', 'p.address']);
  if (lookup.by === 'idHash') q = q.where('p.id_hash', '=', lookup.hash);
  else if (lookup.by === 'phoneHash') {
    const hash = lookup.hash;
    q = q.where('p.id', 'in', (eb) => eb.selectFrom('person_phones').select('person_id').where('phone_hash', '=', hash));
  } else if (lookup.by === 'name') {
    q = q.where(sql<boolean>`p.name_grams @> ${[...lookup.grams]}::text[]`).where('p.name_key', 'like', `%${lookup.key}%`);
  } else {
    const { number, caseId } = lookup;
    q = q.where('p.id', 'in', (eb) =>
      eb
        .selectFrom('case_persons as cp')
        .innerJoin('cases', 'cases.id', 'cp.case_id')
        .select('cp.person_id')
        .where((w) => (number !== undefined ? w('cases.number', '=', number) : w('cases.id', '=', caseId ?? '')))
        // The case itself must be the caller's: a number from another county finds nobody.
        .where(caseInUnitScope(scopeUnit)),
    );
  }
  return q.where(personHasCaseIn(scopeUnit)).orderBy('p.name_key').orderBy('p.id').limit(limit).execute();
}

/** Other people with the same name and address (a weak match a clerk may confirm), who have a case within `scopeUnit`. */
export async function weakMatches(db: Executor, personId: string, scopeUnit: string, limit = 10): Promise<PersonRow[]> {
  const me = await db.selectFrom('persons').select(['name_key', 'address_key']).where('id', '=', personId).executeTakeFirst();
  if (me === undefined) return [];
  return db
    .selectFrom('persons as p')
    .select(['p.id', 'p.name', 'p.id_number as idNumber', 'p.phone', 'p.address'])
    .where('p.name_key', '=', me.name_key)
    .where('p.address_key', '=', me.address_key)
    .where('p.id', '<>', personId)
    .where(personHasCaseIn(scopeUnit))
    .orderBy('p.created_at')
    .limit(limit)
    .execute();
}

/** One person by id, if they have a case within `scopeUnit`. */
export async function findPersonInScope(db: Executor, personId: string, scopeUnit: string): Promise<PersonRow | undefined> {
  const rows = await db
    .selectFrom('persons as p')
    .select(['p.id', 'p.name', 'p.id_number as idNumber', 'p.phone', 'p.address'])
    .where('p.id', '=', personId)
    .where(personHasCaseIn(scopeUnit))
    .execute();
  return rows[0];
}

/** Moves a case's petitioner link to another person (a clerk confirmed a weak match), recording who confirmed it. */
export async function relinkPetitioner(db: Executor, caseId: string, personId: string, confirmedBy: string, at: Date): Promise<void> {
  await db
    .updateTable('case_persons')
    .set({ person_id: personId, confirmed_by: confirmedBy, confirmed_at: at })
    .where('case_id', '=', caseId)
    .where('role', '=', 'petitioner')
    .execute();
}

/** A case similar to another: same registering unit (or handled there), sharing request bigrams. */
export interface SimilarRow {
  readonly caseId: string;
  readonly number: string | null;
  readonly state: string;
  readonly unit: string;
  readonly unitName: string | null;
  readonly createdAt: Date;
  readonly summary: string;
  readonly similarity: number;
}

/** What {@link similarCases} looks for. */
export interface SimilarQuery {
  readonly unit: string;
  readonly grams: readonly string[];
  readonly probe: readonly string[];
  readonly excludeCaseId: string;
  readonly scopeUnit: string;
  readonly threshold: number;
  readonly limit: number;
}

/**
 * The best `limit` candidates of {@link similarCases} as (case_id,
 * similarity, created_at), in the final order. The Jaccard share is computed
 * once per candidate in a fenced subquery (`offset 0`): unfenced, PostgreSQL
 * would compute it again in the filter and in the sort. The scope is tested
 * here only when the viewer's units do not hold `unit`: otherwise every case
 * registered there is in scope (its registering unit is among its
 * `case_units`), and the test is left to the few top rows.
 */
function topSimilar(db: Executor, q: SimilarQuery) {
  const grams = [...q.grams];
  const shared = sql<number>`(select count(*) from unnest(cs.grams) g where g = any(${grams}::text[]))`;
  const candidates = db
    .selectFrom('case_summaries as cs')
    .select([
      'cs.case_id',
      sql<number>`(${shared})::float8 / greatest(1, cardinality(cs.grams) + ${grams.length} - ${shared})`.as('similarity'),
    ])
    .where(sql<boolean>`cs.unit_grams && ${unitGrams(q.unit, q.probe)}::text[]`)
    .where('cs.unit', '=', q.unit)
    .where('cs.case_id', '<>', q.excludeCaseId)
    .offset(0);
  let top = db
    .selectFrom(candidates.as('c'))
    .innerJoin('cases', 'cases.id', 'c.case_id')
    .select(['c.case_id', 'c.similarity', 'cases.created_at'])
    .where('c.similarity', '>=', q.threshold);
  if (!inSubtree(q.unit, q.scopeUnit)) top = top.where(caseInUnitScope(q.scopeUnit));
  return top.orderBy('c.similarity', 'desc').orderBy('cases.created_at', 'desc').orderBy('c.case_id', 'desc').limit(q.limit);
}

/**
 * Cases registered at `unit` whose summary shares at least `threshold` of its
 * bigrams (Jaccard) with `grams`, most similar first (then newest, then by
 * id), within `scopeUnit`. Candidates are the unit's summaries holding one of
 * the `probe` grams (the GIN index over unit-qualified grams); the Jaccard
 * share is computed on those only, and the case rows are read for the top
 * `limit` only.
 */
export async function similarCases(db: Executor, q: SimilarQuery): Promise<SimilarRow[]> {
  if (q.grams.length === 0) return [];
  const rows = await db
    .selectFrom(topSimilar(db, q).as('t'))
    .innerJoin('cases', 'cases.id', 't.case_id')
    .leftJoin('units as u', 'u.code', 'cases.unit')
    .innerJoin('case_events as ie', (j) => j.onRef('ie.case_id', '=', 'cases.id').on('ie.seq', '=', 1))
    .select([
      'cases.id as caseId',
      'cases.number as number',
      'cases.state as state',
      'cases.unit as unit',
      'u.name as unitName',
      'cases.created_at as createdAt',
      sql<string>`ie.fields #>> '{matter,summary}'`.as('summary'),
      't.similarity',
    ])
    .where(caseInUnitScope(q.scopeUnit))
    .orderBy('t.similarity', 'desc')
    .orderBy('cases.created_at', 'desc')
    .orderBy('cases.id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({ ...r, similarity: Number(r.similarity) }));
}

/** The summary bigrams of one case (empty for cases recorded before the index). */
export async function summaryGramsOf(db: Executor, caseId: string): Promise<string[]> {
  const row = await db.selectFrom('case_summaries').select('grams').where('case_id', '=', caseId).executeTakeFirst();
  return row?.grams ?? [];
}

/**
 * How often the commonest summary bigrams occur (a share of summaries), from
 * PostgreSQL's own statistics of the column (`ANALYZE`): no counter table to
 * keep up at every intake. Empty before the first analyze.
 */
export async function summaryGramFrequencies(db: Executor): Promise<Map<string, number>> {
  const r = await sql<{ elems: string[] | null; freqs: number[] | null }>`
    select most_common_elems::text::text[] as elems, most_common_elem_freqs as freqs
    from pg_stats where tablename = 'case_summaries' and attname = 'grams' and schemaname = current_schema()`.execute(db);
  const row = r.rows[0];
  const freq = new Map<string, number>();
  (row?.elems ?? []).forEach((g, i) => freq.set(g, Number(row?.freqs?.[i] ?? 0)));
  return freq;
}
