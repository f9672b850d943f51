/**
 * How values read on screen. Times are shown in Beijing time whatever the
 * browser's zone: statutory deadlines are days in China (Asia/Shanghai).
 */
import { bilingual, definitions, h } from './dom.js';
import { t } from './i18n/i18n.js';
import { CLOCKS, fieldLabel, nameOf, valuesOf } from './labels.js';
import { unitLabel } from './unit-directory.js';
import { userLabel, userName } from './user-names.js';

/** Fields whose value is a unit's code: shown by the unit's name. */
const UNIT_FIELDS = new Set(['unit', 'toUnit', 'accusedUnit', 'registeredBy']);
/** Fields whose value is a person's user id: shown by their display name. */
const USER_FIELDS = new Set(['by', 'leader', 'handler', 'mediator']);

/** Fields whose value is a record's id: only its start on screen (ids are for support), the whole in the tooltip. */
const ID_FIELDS = new Set(['attachmentId', 'personId']);
/** The media types of attachments as a clerk names them (`attachment.type.<key>`). */
const MEDIA_TYPE_KEYS = { 'application/pdf': 'pdf', 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/tiff': 'tiff' };

/** A media type by its name (one not named here as sent). */
export function mediaTypeName(type) {
  return MEDIA_TYPE_KEYS[type] === undefined ? type : t(`attachment.type.${MEDIA_TYPE_KEYS[type]}`);
}

/** Bytes as a clerk reads them: 812 字节, 35.2 KB, 2.4 MB. */
export function fileSize(bytes) {
  if (bytes < 1024) return t('attachment.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A unit as a view names it (`{unit, name}`: the handling body, the review body). */
const isNamedUnit = (value) => typeof value.unit === 'string' && 'name' in value && Object.keys(value).length === 2;

const TIME_ZONE = 'Asia/Shanghai';
const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const CODE = /^[a-zA-Z][a-zA-Z_-]*$/;
/**
 * The reasons the machines write themselves when a period runs out (versions 1-2 and 3), worded in the
 * catalogue; a person's reason is free text and shown as typed.
 */
const MACHINE_REASONS = [/^the (\w+) clock ran out$/, /^(\w+) clock breached$/];

/** A machine's reason in words, or null when the text is a person's. */
function machineReason(text) {
  const clock = MACHINE_REASONS.map((pattern) => pattern.exec(text)?.[1]).find((c) => c !== undefined);
  return clock === undefined ? null : h('span', { title: text }, t('format.clockRanOut', { clock: nameOf(CLOCKS, clock) }));
}

/** A whole number of days as ISO 8601 (`P15D`), the form the console's own inputs send. */
const DAYS = /^P(\d+)D$/;

/** Month, day and time of day in Beijing (for sentences): 12月1日08:10 in Chinese. */
const monthDayTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An ISO instant as Beijing time in a `<time>` element (the instant itself kept in `datetime`). */
export function time(iso) {
  return h('time', { datetime: iso }, dateTime.format(new Date(iso)));
}

/** An ISO instant as a short Beijing time for sentences (12月1日08:10), in a `<time>` element. */
export function shortTime(iso) {
  const parts = Object.fromEntries(monthDayTime.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return h('time', { datetime: iso }, t('format.monthDayTime', parts));
}

/** A `datetime-local` value (`2026-03-02T09:30`), read as Beijing time, as an ISO instant with its offset. */
export function beijingInputToIso(value) {
  return `${value.length === 16 ? `${value}:00` : value}+08:00`;
}

/** The first characters of a case id: enough to tell cases apart in a table, the full id in the link. */
export function shortId(id) {
  return id.slice(0, 8);
}

/** Whether a deadline is past due now (breached, or still running after its due time). */
export function isOverdue(deadline, now = Date.now()) {
  return deadline.status === 'breached' || (deadline.status === 'pending' && Date.parse(deadline.dueAt) < now);
}

/**
 * Any value of a view or an event's fields, readably: codes translated by the
 * field they sit in, times in Beijing time, objects as nested definition lists.
 */
export function describe(value, fieldName, eventType) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? t('format.yes') : t('format.no');
  if (typeof value === 'number') return fieldName === 'size' ? fileSize(value) : String(value);
  if (typeof value === 'string') {
    if (ID_FIELDS.has(fieldName)) return h('code', { title: value }, value.slice(0, 8));
    if (fieldName === 'mediaType') return h('span', { title: value }, mediaTypeName(value));
    if (UNIT_FIELDS.has(fieldName)) return unitLabel(value);
    // Who acted is a sign-in name (letters, pinyin): when their display name is unknown, kept in the tooltip only.
    if (fieldName === 'by' && userName(value) === null) return h('span', { class: 'actor', title: value }, t('format.staff'));
    if (USER_FIELDS.has(fieldName)) return userLabel(value);
    if (ISO_TIME.test(value)) return time(value);
    const reason = fieldName === 'reason' ? machineReason(value) : null;
    if (reason !== null) return reason;
    const days = DAYS.exec(value);
    if (days !== null) return h('span', { title: value }, t('format.days', { n: Number(days[1]) }));
    // Only ASCII codes are looked up, so the Chinese free text of names, notes and opinions is never taken for one.
    const zh = CODE.test(value) ? valuesOf(fieldName)[value] : undefined;
    return zh === undefined ? value : bilingual(zh, value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '—';
    return h(
      'ol',
      { class: 'plain' },
      value.map((item) => h('li', null, describe(item, fieldName, eventType))),
    );
  }
  if (isNamedUnit(value)) return unitLabel(value.unit, value.name ?? undefined);
  return definitions(Object.entries(value).map(([key, inner]) => [fieldLabel(key, eventType), describe(inner, key, eventType)]));
}
