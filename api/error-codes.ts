import type { ErrorCode } from '../engine/errors';

/**
 * Codes the HTTP layer itself answers with, for requests that never reach the engine: a body too large, a
 * content type it cannot read, and a failure nobody planned for.
 */
export type TransportErrorCode = 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'INTERNAL';

/**
 * Every `error.code` a route can answer with. Node's HTTP parser answers two more before any route runs
 * (`api/client-error.handler.ts`): 431 `HEADERS_TOO_LARGE` and 408 `REQUEST_TIMEOUT`, in the same envelope.
 */
export type ApiErrorCode = ErrorCode | TransportErrorCode;

/** What one error code means and the one HTTP status it is sent with. */
export interface ErrorCodeEntry {
  readonly status: number;
  readonly meaning: string;
}

/**
 * The one list of error codes: the error mapping sends each with its status, and the API description
 * documents each response status with exactly the codes listed for it here.
 */
export const ERROR_CODES: Readonly<Record<ApiErrorCode, ErrorCodeEntry>> = {
  VALIDATION: { status: 400, meaning: 'the request is malformed; `details.issues` lists `{ path, message }` per bad field (校验失败)' },
  UNAUTHORIZED: { status: 401, meaning: 'no valid bearer token (未认证)' },
  FORBIDDEN: { status: 403, meaning: 'your role never does this, or the unit lies outside your own (无权限)' },
  NOT_FOUND: { status: 404, meaning: 'no such case, incident or route, or it lies outside your units (never told apart) (不存在)' },
  VERSION_CONFLICT: {
    status: 409,
    meaning: '`expectedVersion` is not the case version; `details` has `expectedVersion` and `actualVersion` (版本冲突)',
  },
  TRAIL_BROKEN: {
    status: 409,
    meaning: 'the audit trail does not verify, so no checkpoint is signed over it; `details` names the case and sequence (审计链断裂)',
  },
  DOCUMENT_NOT_AVAILABLE: {
    status: 409,
    meaning: 'the case has not recorded the act of that document (yet); `details` has `kind` and `state` (文书尚不可出具)',
  },
  ATTACHMENT_PERSONAL: {
    status: 403,
    meaning: 'the attachment is marked personal and your role sees the case masked, so it is not sent (附件涉及个人信息)',
  },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'the body is over 1 MiB (请求体过大)' },
  ATTACHMENT_TOO_LARGE: { status: 413, meaning: 'the file is over the attachment size limit; `details.maxBytes` says it (附件过大)' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'the body is not `application/json` (不支持的内容类型)' },
  ATTACHMENT_TYPE: {
    status: 415,
    meaning:
      'the file is not of an accepted type, or its bytes are not what its type says; `details.accepted` lists the types (附件类型不符)',
  },
  EVENT_NOT_ALLOWED: {
    status: 422,
    meaning: 'the case state does not allow this event for your role; `details` has `state` and `allowedEvents` (当前状态不允许)',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, meaning: 'this `Idempotency-Key` was used for a different request (幂等键已用于其他请求)' },
  RATE_LIMITED: {
    status: 429,
    meaning: 'too many requests from your user or address in the window; `Retry-After` says when to try again (请求过于频繁)',
  },
  INTERNAL: { status: 500, meaning: 'a failure on our side; the message says nothing more (内部错误)' },
  UNAVAILABLE: { status: 503, meaning: 'the database or the queue cannot be reached right now; try again later (服务暂不可用)' },
};

/** Every code, in the order of the list above. */
export const API_ERROR_CODES = Object.keys(ERROR_CODES) as [ApiErrorCode, ...ApiErrorCode[]];

/** The codes sent with one HTTP status (e.g. 422: `EVENT_NOT_ALLOWED`, `IDEMPOTENCY_KEY_REUSED`). */
export function codesOfStatus(status: number): ApiErrorCode[] {
  return API_ERROR_CODES.filter((code) => ERROR_CODES[code].status === status);
}
