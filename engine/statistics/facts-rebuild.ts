import type { Kysely } from 'kysely';
import { listEventsOfCases, type CaseEventRecord } from '../../db/case-event.repository';
import type { Database } from '../../db/schema';
import { caseIdsPage, readFacts, upsertFacts } from '../../db/statistics.repository';
import type { CaseFacts } from '../../machines/case-facts';
import { factsFromTrail } from './facts-replay';

/** Cases handled per round trip. */
const PAGE = 200;

/** One fact of one case whose stored value differs from what the trail rebuilds. */
export interface FactDivergence {
  readonly caseId: string;
  readonly field: string;
  readonly stored: unknown;
  readonly rebuilt: unknown;
}

function byCase(events: readonly CaseEventRecord[]): Map<string, CaseEventRecord[]> {
  const out = new Map<string, CaseEventRecord[]>();
  for (const e of events) out.set(e.caseId, [...(out.get(e.caseId) ?? []), e]);
  return out;
}

function compare(caseId: string, stored: CaseFacts | undefined, rebuilt: CaseFacts | undefined): FactDivergence[] {
  if (stored === undefined || rebuilt === undefined)
    return stored === rebuilt ? [] : [{ caseId, field: '(row)', stored: stored ?? null, rebuilt: rebuilt ?? null }];
  const flat = (f: CaseFacts) => ({
    ...f,
    ...Object.fromEntries(Object.entries(f.flags).map(([k, v]) => [`flags.${k}`, v])),
    flags: undefined,
  });
  const s: Record<string, unknown> = flat(stored);
  const r: Record<string, unknown> = flat(rebuilt);
  return Object.keys(r).flatMap((field) =>
    JSON.stringify(s[field]) === JSON.stringify(r[field]) ? [] : [{ caseId, field, stored: s[field], rebuilt: r[field] }],
  );
}

/** Pages through the cases (all of them, or only those without facts), handing each page's ids to `visit`. */
async function eachPage(db: Kysely<Database>, missingOnly: boolean, visit: (ids: string[]) => Promise<void>): Promise<void> {
  for (let after: string | null = null; ;) {
    const ids = await caseIdsPage(db, missingOnly ? null : after, PAGE, missingOnly);
    if (ids.length === 0) return;
    await visit(ids);
    after = ids.at(-1) ?? null;
  }
}

/**
 * Every stored facts row against the facts its case's trail rebuilds: the
 * check that the rows are maintained exactly. Empty when they all agree.
 */
export async function factsDivergences(db: Kysely<Database>): Promise<FactDivergence[]> {
  const out: FactDivergence[] = [];
  await eachPage(db, false, async (ids) => {
    const [events, stored] = await Promise.all([listEventsOfCases(db, ids), readFacts(db, ids)]);
    const trails = byCase(events);
    for (const id of ids) out.push(...compare(id, stored.get(id), factsFromTrail(trails.get(id) ?? [])));
  });
  return out;
}

/**
 * Writes the facts of every case that has none, rebuilt from its trail (cases
 * recorded before the facts table existed). Returns how many were written.
 */
export async function backfillFacts(db: Kysely<Database>): Promise<number> {
  let written = 0;
  await eachPage(db, true, async (ids) => {
    const trails = byCase(await listEventsOfCases(db, ids));
    const facts = ids.flatMap((id) => factsFromTrail(trails.get(id) ?? []) ?? []);
    if (facts.length < ids.length) throw new Error('a case without an intake in its trail cannot be given facts');
    await upsertFacts(db, facts);
    written += facts.length;
  });
  return written;
}

/** The migration that created the facts table: cases recorded before it get their facts from their trails. */
export const FACTS_MIGRATION = '0011-case-facts';

/** Backfills the facts when the migrations just applied include the one creating their table. */
export async function backfillFactsAfter(db: Kysely<Database>, applied: readonly string[]): Promise<number> {
  return applied.includes(FACTS_MIGRATION) ? backfillFacts(db) : 0;
}
