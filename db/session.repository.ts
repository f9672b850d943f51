import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from './schema';

/** A console session as stored (the secret itself is never stored, only its hash). */
export interface SessionRecord {
  readonly id: string;
  readonly userId: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  readonly userAgent: string | null;
  readonly address: string | null;
}

function toRecord(r: Selectable<SessionsTable>): SessionRecord {
  return {
    id: r.id,
    userId: r.user_id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    userAgent: r.user_agent,
    address: r.address,
  };
}

/** Stores a new session under the hash of its secret. */
export async function insertSession(db: Kysely<Database>, s: SessionRecord & { readonly secretHash: string }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      secret_hash: s.secretHash,
      user_id: s.userId,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      expires_at: s.expiresAt,
      revoked_at: s.revokedAt,
      user_agent: s.userAgent,
      address: s.address,
    })
    .execute();
}

/** The session whose secret hashes to `secretHash`, with its user's row, whatever their state. */
export async function findSessionBySecret(db: Kysely<Database>, secretHash: string): Promise<SessionRecord | undefined> {
  const row = await db.selectFrom('sessions').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

/** Moves a session's last activity forward. */
export async function touchSession(db: Kysely<Database>, id: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', id).execute();
}

/** A user's sessions not yet revoked nor expired, newest first. */
export async function listLiveSessions(db: Kysely<Database>, userId: string, now: Date): Promise<SessionRecord[]> {
  const rows = await db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
  return rows.map(toRecord);
}

/** Revokes one session of a user; false when the user has no such live session. */
export async function revokeSession(db: Kysely<Database>, userId: string, id: string, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Revokes every session of a user (disabled, or their password was reset). */
export async function revokeAllSessions(db: Kysely<Database>, userId: string, at: Date): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

/** Forgets a user's sessions that ended (expired or revoked) before `before`. */
export async function deleteEndedSessions(db: Kysely<Database>, userId: string, before: Date): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('expires_at', '<', before), eb('revoked_at', '<', before)]))
    .execute();
}
