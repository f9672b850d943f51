import { sql, type Kysely, type Selectable } from 'kysely';
import { keysetAfter } from './keyset.sql';
import type { AuditCheckpointsTable, Database } from './schema';

/** A stored checkpoint; `leaves` are `[caseId, version, headHash]` in case id order. */
export interface CheckpointRecord {
  readonly id: string;
  readonly createdAt: Date;
  readonly cases: number;
  readonly root: string;
  readonly publicKey: string;
  readonly signature: string;
  readonly leaves: readonly (readonly [string, number, string])[];
}

/** A checkpoint without its leaves, for lists. */
export type CheckpointSummary = Omit<CheckpointRecord, 'leaves'>;

function toRecord(r: Selectable<AuditCheckpointsTable>): CheckpointRecord {
  return {
    id: r.id,
    createdAt: r.created_at,
    cases: r.cases,
    root: r.root,
    publicKey: r.public_key,
    signature: r.signature,
    leaves: r.leaves,
  };
}

/** Appends a checkpoint (the table refuses UPDATE and DELETE). */
export async function insertCheckpoint(db: Kysely<Database>, c: CheckpointRecord): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({
      id: c.id,
      created_at: c.createdAt,
      cases: c.cases,
      root: c.root,
      public_key: c.publicKey,
      signature: c.signature,
      leaves: JSON.stringify(c.leaves),
    })
    .execute();
}

/** Checkpoints newest first, keyset-paged on (created_at, id), without their leaves. */
export async function listCheckpoints(
  db: Kysely<Database>,
  limit: number,
  after?: { createdAt: Date; id: string },
): Promise<CheckpointSummary[]> {
  let q = db.selectFrom('audit_checkpoints').select(['id', 'created_at', 'cases', 'root', 'public_key', 'signature']);
  if (after !== undefined) {
    q = q.where(keysetAfter(['created_at', 'id'], { at: after.createdAt, id: after.id }, 'desc'));
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    cases: r.cases,
    root: r.root,
    publicKey: r.public_key,
    signature: r.signature,
  }));
}

/** The newest checkpoint with its leaves. */
export async function findLatestCheckpoint(db: Kysely<Database>): Promise<CheckpointRecord | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** Every case's chain head as the trail itself records it (its highest seq), in case id order. */
export async function listTrailHeads(db: Kysely<Database>): Promise<{ caseId: string; version: number; head: string }[]> {
  const { rows } = await sql<{ case_id: string; seq: number; hash: string }>`
    select distinct on (case_id) case_id, seq, encode(hash, 'hex') as hash from case_events order by case_id, seq desc`.execute(db);
  return rows.map((r) => ({ caseId: r.case_id, version: r.seq, head: r.hash }));
}
