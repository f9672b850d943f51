/* global fetch, console */
/**
 * Names for the API's codes (states, events, roles, periods, fields, values,
 * error codes), read from the console's catalogue (i18n/) in the language in
 * use. Translations only: which states, events and fields exist comes from
 * the API (`/openapi.json` and each case's `allowedEvents`).
 *
 * The words of the current lifecycle (version 3) have one home on the
 * server, `machines/versions/v3/v3.labels.ts`, served at `GET /vocabulary`
 * and merged into the catalogue by {@link loadVocabulary} before the first
 * page is drawn. The catalogue keeps the words of the legacy lifecycles
 * (versions 1 and 2), the console's own, and the English of everything.
 */
import { apiUrl } from './api-client.js';
import { h } from './dom.js';
import { addServerWords, lookup } from './i18n/i18n.js';

/**
 * A dictionary of one kind of code: `STATES.accepted` is the catalogue's
 * `state.accepted` in the language in use (undefined when it has none).
 */
function dictionary(prefix) {
  const words = (code) => (typeof code === 'string' ? lookup(`${prefix}.${code}`) : undefined);
  return new Proxy({}, { get: (_, code) => words(code), has: (_, code) => words(code) !== undefined });
}

export const ROLES = dictionary('role');
export const CHANNELS = dictionary('channel');
export const CLOSURES = dictionary('closure');
export const ITEM_CLASSES = dictionary('itemClass');
export const SUPERVISION_LEVELS = dictionary('supervisionLevel');
export const RELATIONS = dictionary('relation');
/** Why a sign-in was refused (`details.reason` of the API's 401), and the rate limit's 429. */
export const SIGN_IN_REFUSALS = dictionary('signIn.refusal');
/** An account's state on the user administration page. */
export const ACCOUNT_STATES = dictionary('account.state');
export const STATES = dictionary('state');
export const EVENTS = dictionary('event');
/** Periods (期限, never 时钟). */
export const CLOCKS = dictionary('clock');
export const DEADLINE_STATUSES = dictionary('deadlineStatus');
/** Field names; `field.EVENT.name` entries win where one name means different things in different events. */
export const FIELDS = dictionary('field');
/** Enumerated values. */
export const VALUES = dictionary('value');
/** The API's error codes in plain words. */
export const ERRORS = dictionary('error');

/**
 * A code's name, its code kept in the tooltip (for auditors and support),
 * never on screen: `labelled(STATES, 'accepted')` → 已受理. A code the
 * catalogue lacks is shown as it is (the console walk test catches those).
 */
export function labelled(dictionary, code) {
  const name = dictionary[code];
  return h('span', { class: 'coded', title: code, 'data-code': code }, name ?? code);
}

/** Fields whose values are named by a dictionary of their own. */
const VALUES_BY_FIELD = {
  channel: CHANNELS,
  clock: CLOCKS,
  breaches: CLOCKS,
  role: ROLES,
  state: STATES,
  type: EVENTS,
  closure: CLOSURES,
  class: ITEM_CLASSES,
  relations: RELATIONS,
};

/** `{ states: { accepted: '已受理' } }` → `{ 'state.accepted': '已受理' }`. */
function prefixed(prefix, words) {
  return Object.fromEntries(Object.entries(words ?? {}).map(([code, text]) => [`${prefix}.${code}`, text]));
}

/** The catalogue keys of a `GET /vocabulary` answer (the unit test of the catalogues uses the same). */
export function vocabularyWords(words) {
  return {
    ...prefixed('state', words.states),
    ...prefixed('closure', words.closures),
    ...prefixed('event', words.events),
    ...prefixed('clock', words.clocks),
    ...prefixed('role', words.roles),
    ...prefixed('channel', words.channels),
    ...prefixed('itemClass', words.itemClasses),
    ...prefixed('supervisionLevel', words.supervisionLevels),
    ...prefixed('relation', words.relations),
    // Values are looked up by code alone (see valuesOf): the lists' codes do not collide with each other.
    ...Object.assign({}, ...Object.values(words.values ?? {}).map((list) => prefixed('value', list))),
    ...prefixed('value', words.supervisionLevels),
    ...prefixed('value', words.itemClasses),
  };
}

let vocabulary;

/**
 * Fetches `GET /vocabulary` (no token needed) once and merges its words into
 * the catalogue. A failure leaves the catalogue's own words (or codes), and
 * is tried again on the next call.
 */
export function loadVocabulary() {
  vocabulary ??= fetch(apiUrl('vocabulary'), { headers: { accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`GET /vocabulary: ${response.status}`))))
    .then((words) => addServerWords(vocabularyWords(words)))
    .catch((err) => {
      vocabulary = undefined;
      console.warn(err);
    });
  return vocabulary;
}

/** The label of a case's state: a closed version 3 case is named by how it ended (已办结, 已终结 …). */
export function stateLabel(petition) {
  const closure = petition.closure ?? null;
  return closure !== null && CLOSURES[closure] !== undefined
    ? h('span', { class: 'coded', title: `${petition.state}/${closure}`, 'data-code': petition.state }, CLOSURES[closure])
    : labelled(STATES, petition.state);
}

/** Values not named by a field's own dictionary (a person's `role` of 信访人 among the actors' roles) fall back on VALUES. */
const withValues = (own) => new Proxy({}, { get: (_, code) => own[code] ?? VALUES[code], has: (_, code) => code in own || code in VALUES });

/** The dictionary naming the values of a field. */
export function valuesOf(fieldName) {
  const own = VALUES_BY_FIELD[fieldName];
  return own === undefined ? VALUES : withValues(own);
}

/** The label of an input: the event-specific name if there is one, else the field's, else the code. */
export function fieldLabel(name, eventType) {
  return FIELDS[`${eventType}.${name}`] ?? FIELDS[name] ?? name;
}

/** The hint under an input, if any. */
export function fieldHint(name, eventType) {
  return lookup(`hint.${eventType}.${name}`) ?? lookup(`hint.${name}`);
}

/** The name of a code in plain text (for sentences and attributes), the code itself when unnamed. */
export function nameOf(dictionary, code) {
  return dictionary[code] ?? code;
}
