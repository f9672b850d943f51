/** The string codes of every error a caller can see (listed in docs/api.md); each maps to one HTTP status in api/. */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'EVENT_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'TRAIL_BROKEN'
  | 'DOCUMENT_NOT_AVAILABLE'
  | AttachmentRefusal
  | 'UNAVAILABLE';

/** Why an attachment is refused: over the size limit, a media type not taken, or personal to a masked reader. */
export type AttachmentRefusal = 'ATTACHMENT_TOO_LARGE' | 'ATTACHMENT_TYPE' | 'ATTACHMENT_PERSONAL';

/** Base of the engine's errors: a code, a message without personal data, optional details. */
export class PetitionError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input: `details.issues` lists `{ path, message }` per bad field. */
export class ValidationError extends PetitionError {
  constructor(message: string, issues: readonly { path: (string | number)[]; message: string }[]) {
    super('VALIDATION', message, { issues });
  }
}

/** A case that does not exist or lies outside the caller's units (never told apart). */
export class NotFoundError extends PetitionError {
  constructor(what = 'petition') {
    super('NOT_FOUND', `${what} not found`);
  }
}

/** The caller's `expectedVersion` is not the case's version. */
export class VersionConflictError extends PetitionError {
  constructor(expected: number, actual: number) {
    super('VERSION_CONFLICT', `expected version ${expected}, the case is at version ${actual}`, {
      expectedVersion: expected,
      actualVersion: actual,
    });
  }
}

/** The case's state (or the caller's role) does not allow the event; `details.allowedEvents` says what would be. */
export class EventNotAllowedError extends PetitionError {
  constructor(type: string, state: string, allowedEvents: readonly string[], why?: string) {
    super('EVENT_NOT_ALLOWED', `${type} is not allowed in state ${state} ${why === undefined ? 'for this role' : `here: ${why}`}`, {
      state,
      allowedEvents,
    });
  }
}

/**
 * A rule of the regulation refuses the event whatever the state allows (an
 * accusation sent to the unit it accuses, Arts 30, 46): a 422 like any event
 * the case cannot take now, whose message says why; `details.rule` names it.
 */
export class RuleRefusalError extends PetitionError {
  constructor(rule: string, message: string, details: Record<string, unknown> = {}) {
    super('EVENT_NOT_ALLOWED', message, { rule, ...details });
  }
}

/** Authentication or role problems: `UNAUTHORIZED` (no valid token) or `FORBIDDEN`. */
export class AccessError extends PetitionError {
  constructor(code: 'UNAUTHORIZED' | 'FORBIDDEN', message: string) {
    super(code, message);
  }
}

/** An `Idempotency-Key` sent again with a different request. */
export class IdempotencyKeyReusedError extends PetitionError {
  constructor() {
    super('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request');
  }
}

/** A backing service (the database, the queue) cannot be reached right now; the same request may succeed later. */
export class UnavailableError extends PetitionError {
  constructor() {
    super('UNAVAILABLE', 'a backing service is unavailable; try again later');
  }
}

/**
 * SQLSTATEs of a refused or lost database connection: class 08 (connection
 * exception), 57P01-57P03 (the server shut down, crashed, or cannot connect
 * now), 53300 (too many connections) and 3D000 (the database named in the
 * configuration is not there: dropped, or not yet restored).
 */
const UNAVAILABLE_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300|3D000)$/;
/** Socket errors of a server that is down, unreachable or gone mid-request. */
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** node-postgres reports a dropped connection and a pool that cannot connect in time by message only. */
const UNAVAILABLE_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * Whether an error (or what caused it, or any error of an AggregateError) says
 * a backing service could not be reached, rather than that the request or
 * the code was wrong. The error mapping turns these into `UNAVAILABLE`.
 */
export function isUnavailable(err: unknown, depth = 0): boolean {
  // Duck-typed, not `instanceof Error`: socket errors are built by Node's own realm, which a VM context
  // (a test runner, a sandbox) does not share.
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const { code, message, errors, cause } = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
  // AggregateError: every address of a host name refused, say.
  if (Array.isArray(errors) && errors.some((e) => isUnavailable(e, depth + 1))) return true;
  return isUnavailable(cause, depth + 1);
}
/** Too many requests from one user or one address in the configured window; `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends PetitionError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `too many requests; retry in ${retryAfterSeconds} s`);
  }
}

/** The audit trail does not verify, so nothing may vouch for it (no checkpoint is signed over it). */
export class TrailBrokenError extends PetitionError {
  constructor(at: { caseId: string; seq: number; reason: string }) {
    super('TRAIL_BROKEN', `the audit trail does not verify at case ${at.caseId} seq ${at.seq}: ${at.reason}`, { ...at });
  }
}

/** Why a sign-in was refused: wrong name or password, a disabled account, or one locked after repeated failures. */
export type SignInRefusal = 'credentials' | 'disabled' | 'locked';

/**
 * A refused sign-in (401). `details.reason` says which refusal; a locked
 * account also says until when. Only a caller who gave the right password
 * learns that the account is disabled or locked: to anyone guessing, every
 * refusal reads "wrong sign-in name or password".
 */
export class SignInRefusedError extends PetitionError {
  constructor(reason: SignInRefusal, lockedUntil?: Date) {
    const message =
      reason === 'credentials'
        ? 'wrong sign-in name or password'
        : reason === 'disabled'
          ? 'this account is disabled'
          : 'this account is locked after repeated failed sign-ins';
    super('UNAUTHORIZED', message, { reason, ...(lockedUntil !== undefined && { lockedUntil: lockedUntil.toISOString() }) });
  }
}

/** A written act the case has not recorded (a 信访处理意见书 before the answer, say): nothing to print yet. */
export class DocumentNotAvailableError extends PetitionError {
  constructor(kind: string, state: string) {
    super('DOCUMENT_NOT_AVAILABLE', `the case (in state ${state}) has not recorded the act of a ${kind} document`, { kind, state });
  }
}

/** An attachment refused: too large, of a media type not taken, or marked personal and the reader sees the case masked. */
export class AttachmentRefusedError extends PetitionError {
  constructor(code: AttachmentRefusal, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
