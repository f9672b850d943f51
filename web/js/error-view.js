/**
 * The API's refusals, shown plainly: the code and its meaning, the API's
 * message, the field paths of a 400 and the events a 422 says are allowed.
 */
import { ApiError } from './api-client.js';
import { h } from './dom.js';
import { ERRORS, EVENTS, labelled } from './labels.js';

/** `['petitioner', 'idNumber']` → `petitioner.idNumber`, the key of a form's inputs. */
export function pathKey(path) {
  return path.join('.');
}

/** The field issues of a 400 (`details.issues`), or none. */
export function issuesOf(err) {
  return err instanceof ApiError && Array.isArray(err.details?.issues) ? err.details.issues : [];
}

/** An alert describing `err` (an {@link ApiError} or a network failure). */
export function errorAlert(err) {
  if (!(err instanceof ApiError)) {
    return h(
      'div',
      { role: 'alert', class: 'error' },
      h('p', null, h('strong', null, '无法连接服务器 '), 'The server could not be reached: ', err.message),
    );
  }
  const issues = issuesOf(err);
  const allowed = err.details?.allowedEvents;
  return h(
    'div',
    { role: 'alert', class: 'error', 'data-error-code': err.code },
    h('p', null, h('strong', null, ERRORS[err.code] ?? '请求被拒绝'), ` (${err.status} `, h('code', null, err.code), ')'),
    h('p', { class: 'error-message' }, err.message),
    issues.length > 0 &&
      h(
        'ul',
        { class: 'issues' },
        issues.map((issue) => h('li', null, h('code', null, pathKey(issue.path) || '(请求)'), '：', issue.message)),
      ),
    Array.isArray(allowed) &&
      h(
        'p',
        null,
        '当前可执行 Allowed now: ',
        allowed.length === 0 ? '无' : allowed.map((type, i) => [i > 0 && '、', labelled(EVENTS, type)]),
      ),
  );
}
