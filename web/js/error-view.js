/**
 * The API's refusals in the user's words: what the error code means, each
 * field issue of a 400 as a sentence naming the field («渠道»必填), and the
 * events a 422 says are allowed. The API's own (English) message, status and
 * code stay in a folded 技术信息 part for support and auditors.
 */
import { ApiError } from './api-client.js';
import { h } from './dom.js';
import { t } from './i18n/i18n.js';
import { ERRORS, EVENTS, fieldLabel, labelled } from './labels.js';

/** `['petitioner', 'idNumber']` → `petitioner.idNumber`, the key of a form's inputs. */
export function pathKey(path) {
  return path.join('.');
}

/** The field issues of a 400 (`details.issues`), or none. */
export function issuesOf(err) {
  return err instanceof ApiError && Array.isArray(err.details?.issues) ? err.details.issues : [];
}

/**
 * The kinds of issue the API's validation words (zod's messages, the engine's own), each to a catalogue
 * key; the first that matches wins, anything else is 格式不正确.
 */
const ISSUE_KINDS = [
  [/received undefined|required/i, 'issue.required'],
  [/too small|at least|>=\s*1/i, 'issue.tooSmall'],
  [/too big|at most|too long|<=/i, 'issue.tooBig'],
  [/invalid option|invalid enum|expected one of/i, 'issue.notAChoice'],
  [/duration/i, 'issue.duration'],
  [/unrecognized key/i, 'issue.unknownField'],
  [/datetime|date/i, 'issue.dateTime'],
];

/** A field path in words: `['petitioner', 'name']` → 信访人·姓名; item indexes as 第2项. */
export function pathWords(path, eventType) {
  if (path.length === 0) return t('issue.request');
  return path.map((part) => (typeof part === 'number' ? t('issue.item', { n: part + 1 }) : fieldLabel(part, eventType))).join('·');
}

/** One issue as a sentence, without the field (for the slot under its input): 必填, 不是可选的值 … */
export function issueWords(issue) {
  const kind = ISSUE_KINDS.find(([pattern]) => pattern.test(issue.message ?? ''))?.[1] ?? 'issue.invalid';
  return t(kind);
}

/** One issue as a sentence naming its field: «渠道»必填. */
export function issueSentence(issue, eventType) {
  return t('issue.sentence', { field: pathWords(issue.path ?? [], eventType), problem: issueWords(issue) });
}

/** The API's own message, status and code, folded away: support and auditors read it, clerks need not. */
function technical(err) {
  return h(
    'details',
    { class: 'technical' },
    h('summary', null, t('error.technical')),
    h('p', null, h('code', null, `${err.status ?? ''} ${err.code ?? ''}`.trim()), ' ', err.message),
  );
}

/** An alert describing `err` (an {@link ApiError} or a network failure). */
export function errorAlert(err, { eventType } = {}) {
  if (!(err instanceof ApiError)) {
    return h('div', { role: 'alert', class: 'error' }, h('p', null, h('strong', null, t('error.unreachable'))), technical(err));
  }
  const issues = issuesOf(err);
  const allowed = err.details?.allowedEvents;
  return h(
    'div',
    { role: 'alert', class: 'error', 'data-error-code': err.code },
    h(
      'p',
      null,
      h('strong', { title: err.code }, ERRORS[err.code] ?? t('error.unknown')),
      issues.length > 0 && [t('issue.colon'), issues.map((issue, i) => [i > 0 && t('issue.separator'), issueSentence(issue, eventType)])],
    ),
    Array.isArray(allowed) &&
      h(
        'p',
        null,
        t('error.allowedNow'),
        allowed.length === 0 ? t('error.noneAllowed') : allowed.map((type, i) => [i > 0 && t('issue.separator'), labelled(EVENTS, type)]),
      ),
    technical(err),
  );
}
