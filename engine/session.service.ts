/**
 * Signing in with a name and password, and the console sessions that follow.
 *
 * A session's secret is 32 random bytes (the cookie's value); only its
 * SHA-256 is stored, so the sessions table signs nobody in. Every request
 * re-reads the session and its account: a revoked or expired session, an
 * idle one, or one whose account was disabled stops working on the next
 * request, and a change of role or unit applies at once.
 *
 * Consecutive wrong passwords lock an account for a while (`maxFailures`,
 * `lockout`). While locked, a wrong password is refused as any wrong password
 * is, and only the right one learns of the lock, so the lock tells a guesser
 * nothing; per-name and per-address rate limits (api/http-hardening.ts) bound
 * the guesses anyway.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SessionSettings } from '../config/load-config';
import * as sessions from '../db/session.repository';
import * as users from '../db/user.repository';
import type { Database } from '../db/schema';
import { durationMillis } from '../machines/iso-duration';
import type { Actor } from '../machines/petition.roles';
import type { HumanRole } from '../machines/petition.vocabulary';
import { AccessError, NotFoundError, SignInRefusedError } from './errors';
import { burnVerification, hashPassword, needsRehash, verifyPassword } from './password-hash';

/** Where a sign-in came from, kept for the user's list of sessions. */
export interface SignInOrigin {
  readonly userAgent: string | null;
  readonly address: string | null;
}

/** A session as its owner sees it in the list. */
export interface SessionView {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly userAgent: string | null;
  readonly address: string | null;
  /** Whether this is the session the list was asked with. */
  readonly current: boolean;
}

/** A new session: the secret goes into the cookie and nowhere else. */
export interface NewSession {
  readonly secret: string;
  readonly session: SessionView;
  readonly actor: Actor;
}

/** The actor a session secret stands for, and the session's id. */
export interface SessionActor {
  readonly actor: Actor;
  readonly sessionId: string;
}

/** Sign-in and sessions. */
export interface SessionService {
  signIn(name: string, password: string, origin: SignInOrigin): Promise<NewSession>;
  /** The actor of a live session; UNAUTHORIZED otherwise. Moves the session's last activity forward. */
  authenticate(secret: string): Promise<SessionActor>;
  list(userId: string, currentSessionId: string | null): Promise<SessionView[]>;
  /** Revokes one of the user's own sessions; NOT_FOUND if they have no such live session. */
  revoke(userId: string, sessionId: string): Promise<void>;
}

/** How stale `last_seen_at` may get before a request writes it again: sessions are read far more than written. */
const TOUCH_EVERY_MS = 60_000;
/** Sessions that ended this long ago are forgotten at the user's next sign-in. */
const KEEP_ENDED_MS = 30 * 24 * 3600 * 1000;

/** The stored form of a session secret. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function viewOf(s: sessions.SessionRecord, currentId: string | null): SessionView {
  return {
    id: s.id,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    userAgent: s.userAgent,
    address: s.address,
    current: s.id === currentId,
  };
}

function actorOf(u: users.UserRecord): Actor {
  return { id: u.id, role: u.role as HumanRole, unit: u.unit };
}

/** Creates the session service over the database. */
export function createSessionService(db: Kysely<Database>, settings: SessionSettings, now: () => Date = () => new Date()): SessionService {
  const lifetimeMs = durationMillis(settings.lifetime);
  const idleMs = durationMillis(settings.idleTimeout);
  const lockoutMs = durationMillis(settings.lockout);
  const unauthorized = () => new AccessError('UNAUTHORIZED', 'the session has ended; sign in again');

  /** Checks the password; a wrong one is counted (unless a lock is running) and refused. */
  async function checkPassword(u: users.UserRecord, password: string, at: Date): Promise<void> {
    if (await verifyPassword(password, u.passwordHash)) return;
    const locked = u.lockedUntil !== null && u.lockedUntil > at;
    if (!locked) await users.recordFailedSignIn(db, u.id, settings.maxFailures, new Date(at.getTime() + lockoutMs), at);
    throw new SignInRefusedError('credentials');
  }

  async function open(u: users.UserRecord, origin: SignInOrigin, at: Date): Promise<NewSession> {
    const secret = randomBytes(32).toString('base64url');
    const record: sessions.SessionRecord = {
      id: randomUUID(),
      userId: u.id,
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(at.getTime() + lifetimeMs),
      revokedAt: null,
      userAgent: origin.userAgent?.slice(0, 256) ?? null,
      address: origin.address,
    };
    await sessions.insertSession(db, { ...record, secretHash: secretHash(secret) });
    await sessions.deleteEndedSessions(db, u.id, new Date(at.getTime() - KEEP_ENDED_MS));
    return { secret, session: viewOf(record, record.id), actor: actorOf(u) };
  }

  return {
    async signIn(name, password, origin) {
      const at = now();
      const u = await users.findUser(db, name);
      if (u === undefined) {
        await burnVerification(password);
        throw new SignInRefusedError('credentials');
      }
      await checkPassword(u, password, at);
      if (u.disabled) throw new SignInRefusedError('disabled');
      if (u.lockedUntil !== null && u.lockedUntil > at) throw new SignInRefusedError('locked', u.lockedUntil);
      const rehash = needsRehash(u.passwordHash) ? { passwordHash: await hashPassword(password) } : {};
      if (u.failedAttempts > 0 || u.lockedUntil !== null || 'passwordHash' in rehash) {
        await users.updateUser(db, u.id, { failedAttempts: 0, lockedUntil: null, ...rehash }, at);
      }
      return open(u, origin, at);
    },

    async authenticate(secret) {
      const at = now();
      const s = await sessions.findSessionBySecret(db, secretHash(secret));
      if (s === undefined || s.revokedAt !== null || s.expiresAt <= at || s.lastSeenAt.getTime() + idleMs <= at.getTime())
        throw unauthorized();
      const u = await users.findUser(db, s.userId);
      if (u === undefined || u.disabled) throw unauthorized();
      if (at.getTime() - s.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await sessions.touchSession(db, s.id, at);
      return { actor: actorOf(u), sessionId: s.id };
    },

    async list(userId, currentSessionId) {
      const at = now().getTime();
      const live = await sessions.listLiveSessions(db, userId, new Date(at));
      return live.filter((s) => s.lastSeenAt.getTime() + idleMs > at).map((s) => viewOf(s, currentSessionId));
    },

    async revoke(userId, sessionId) {
      if (!(await sessions.revokeSession(db, userId, sessionId, now()))) throw new NotFoundError('session');
    },
  };
}
