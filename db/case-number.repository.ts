import { sql, type Transaction } from 'kysely';
import type { Database } from './schema';

/**
 * The next counter value of a registering unit and year, taken under the
 * counter row's lock (held until the intake transaction ends): concurrent
 * intakes of one unit queue on that row and never share a number, and a
 * rolled-back intake gives its number back.
 */
export async function nextCaseCounter(trx: Transaction<Database>, unit: string, year: number): Promise<number> {
  const row = await sql<{ last: number }>`
    insert into case_number_counters (unit, year, last) values (${unit}, ${year}, 1)
    on conflict (unit, year) do update set last = case_number_counters.last + 1
    returning last`.execute(trx);
  const last = row.rows[0]?.last;
  if (last === undefined) throw new Error('case number counter returned no row');
  return last;
}

/** A unit's name and short name (either may be absent when the unit is not in the tree). */
export async function unitNaming(trx: Transaction<Database>, unit: string): Promise<{ name: string | null; shortName: string | null }> {
  const row = await trx.selectFrom('units').select(['name', 'short_name']).where('code', '=', unit).executeTakeFirst();
  return { name: row?.name ?? null, shortName: row?.short_name ?? null };
}
