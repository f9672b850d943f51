/** The string codes of every error a caller can see (CONTRACT.md); each maps to one HTTP status in api/. */
export type ErrorCode =
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'VERSION_CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'EVENT_NOT_ALLOWED'
  | 'TRAIL_BROKEN'
  | 'UNAVAILABLE';

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
    super('VERSION_CONFLICT', `expected version ${expected}, the case is at version ${actual}`, { expectedVersion: expected, actualVersion: actual });
  }
}

/** The case's state (or the caller's role) does not allow the event; `details.allowedEvents` says what would be. */
export class EventNotAllowedError extends PetitionError {
  constructor(type: string, state: string, allowedEvents: readonly string[]) {
    super('EVENT_NOT_ALLOWED', `${type} is not allowed in state ${state} for this role`, { state, allowedEvents });
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

/** The audit trail does not verify, so nothing may vouch for it (no checkpoint is signed over it). */
export class TrailBrokenError extends PetitionError {
  constructor(at: { caseId: string; seq: number; reason: string }) {
    super('TRAIL_BROKEN', `the audit trail does not verify at case ${at.caseId} seq ${at.seq}: ${at.reason}`, { ...at });
  }
}
