/* global localStorage, document */
/**
 * The console's words: `t(key, params)` reads the catalogue of the chosen
 * language (zh-CN by default, English as a switch kept in localStorage).
 * The words of the current lifecycle come from the server (`GET /vocabulary`,
 * Chinese) and are merged in by {@link addServerWords}: in Chinese they win
 * over the catalogue's legacy words of the same code; in English the
 * catalogue's own English comes first.
 */
import en from './en.js';
import zhCN from './zh-CN.js';

const CATALOGUES = { 'zh-CN': zhCN, en };
const DEFAULT_LANGUAGE = 'zh-CN';
const LANGUAGE_KEY = 'petitionflow.language';
const PLACEHOLDER = /\{(\w+)\}/g;

/** The languages offered by the switch in the header, each named in itself. */
export const LANGUAGES = [
  { code: 'zh-CN', name: '中文' },
  { code: 'en', name: 'English' },
];

/** Words served by the API for codes (`state.accepted` → 已受理), in Chinese. */
const serverWords = {};

function storedLanguage() {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null; // Storage refused (private mode, policy): the default language.
  }
}

/** The language in use: the one chosen with the switch, else Chinese. */
export function language() {
  const chosen = storedLanguage();
  return chosen !== null && chosen in CATALOGUES ? chosen : DEFAULT_LANGUAGE;
}

/** Chooses the language (kept for the next visit); the caller redraws the page. */
export function setLanguage(code) {
  if (!(code in CATALOGUES)) throw new Error(`no catalogue for ${code}`);
  try {
    localStorage.setItem(LANGUAGE_KEY, code);
  } catch {
    // Not kept, but the page still redraws in the chosen language for this visit.
  }
  document.documentElement.lang = code;
}

/** Merges the server's words for codes, `{ 'state.accepted': '已受理', … }`. */
export function addServerWords(words) {
  Object.assign(serverWords, words);
}

/** The words of `key` in the language in use, or undefined when no catalogue has them. */
export function lookup(key) {
  const lang = language();
  if (lang === DEFAULT_LANGUAGE) return serverWords[key] ?? zhCN[key];
  return CATALOGUES[lang][key] ?? serverWords[key] ?? zhCN[key];
}

/**
 * `t('todo.total', { n: 3 })` → 共 3 件待办. A key no catalogue has is shown
 * as the key, so a forgotten entry is seen (and the console walk test fails).
 */
export function t(key, params = {}) {
  const text = lookup(key) ?? key;
  return text.replace(PLACEHOLDER, (whole, name) => (name in params ? String(params[name]) : whole));
}

/**
 * Like {@link t}, but parameters may be nodes (a `<time>`, a link): the
 * words split at their placeholders, for `append()`/`h()` to take.
 */
export function tParts(key, params = {}) {
  const text = lookup(key) ?? key;
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    parts.push(text.slice(last, m.index));
    parts.push(m[1] in params ? params[m[1]] : m[0]);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts.filter((p) => p !== '');
}
