import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** Every case id in id order, for whole-database checks (replay of every trail, every pending deadline). */
export async function listCaseIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom('cases').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}
