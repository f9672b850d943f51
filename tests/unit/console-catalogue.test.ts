/**
 * The console's catalogue (web/js/i18n): Chinese and English have the same
 * keys (English also names the codes whose Chinese the server serves from
 * machines/versions/v3/v3.labels.ts), no empty words, the same placeholders,
 * a name for every API error code, every key the scripts ask for; and no
 * Chinese literal left in web/js outside the catalogue, file by file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runInNewContext } from 'node:vm';
import { ERROR_CODES } from '../../api/error-codes';
import {
  CHANNEL_LABELS,
  ITEM_CLASS_LABELS,
  RELATION_LABELS,
  ROLE_LABELS,
  SUPERVISION_LEVEL_LABELS,
  V3_CLOCK_LABELS,
  V3_CLOSURE_LABELS,
  V3_EVENT_LABELS,
  V3_STATE_LABELS,
  V3_VALUE_LABELS,
} from '../../machines/versions/v3/v3.labels';

const WEB_JS = join(__dirname, '../../web/js');
const I18N = join(WEB_JS, 'i18n');

/** A catalogue module (`export default { … }`, plain data) read as the object it exports. */
function catalogue(file: string): Record<string, string> {
  const source = readFileSync(join(I18N, file), 'utf8');
  const body = source.slice(source.indexOf('export default') + 'export default'.length).replace(/;\s*$/, '');
  // Plain data in a context of its own: the module's one statement is its object literal.
  return runInNewContext(`(${body})`) as Record<string, string>;
}

const zh = catalogue('zh-CN.js');
const en = catalogue('en.js');

/** The keys the server's vocabulary fills in (labels.js's vocabularyWords prefixes them the same way). */
function serverKeys(): string[] {
  const lists: [string, Record<string, string>][] = [
    ['state', V3_STATE_LABELS],
    ['closure', V3_CLOSURE_LABELS],
    ['event', V3_EVENT_LABELS],
    ['clock', V3_CLOCK_LABELS],
    ['role', ROLE_LABELS],
    ['channel', CHANNEL_LABELS],
    ['itemClass', ITEM_CLASS_LABELS],
    ['supervisionLevel', SUPERVISION_LEVEL_LABELS],
    ['relation', RELATION_LABELS],
    ['value', SUPERVISION_LEVEL_LABELS],
    ['value', ITEM_CLASS_LABELS],
    ...Object.values(V3_VALUE_LABELS).map((list): [string, Record<string, string>] => ['value', list]),
  ];
  return lists.flatMap(([prefix, words]) => Object.keys(words).map((code) => `${prefix}.${code}`));
}

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

/** The scripts of the console, the catalogue's own files aside. */
function scripts(dir = WEB_JS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === I18N ? [] : scripts(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/** A script without its comments (kept line for line, so findings name the right line). */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

describe('the console catalogue', () => {
  it('has the same keys in English as in Chinese and the server vocabulary together', () => {
    const expected = new Set([...Object.keys(zh), ...serverKeys()]);
    expect(Object.keys(en).filter((k) => !expected.has(k))).toEqual([]);
    expect([...expected].filter((k) => !(k in en))).toEqual([]);
  });

  it('has no empty words', () => {
    const empty = (words: Record<string, string>) => Object.keys(words).filter((k) => (words[k] ?? '').trim() === '');
    expect({ zh: empty(zh), en: empty(en) }).toEqual({ zh: [], en: [] });
  });

  it('has the same placeholders in both languages', () => {
    const differing = Object.keys(zh).filter((k) => placeholders(zh[k] ?? '').join() !== placeholders(en[k] ?? '').join());
    expect(differing).toEqual([]);
  });

  it('words every error code of the API', () => {
    const missing = Object.keys(ERROR_CODES).filter((c) => !(`error.${c}` in zh) || !(`error.${c}` in en));
    expect(missing).toEqual([]);
  });

  it('has every key the scripts ask for by name', () => {
    const known = new Set([...Object.keys(zh), ...serverKeys()]);
    const asked = scripts().flatMap((path) => [...code(path).matchAll(/\bt(?:Parts)?\('([\w.-]+)'/g)].map((m) => m[1] ?? ''));
    expect([...new Set(asked)].filter((k) => !known.has(k))).toEqual([]);
  });
});

describe('no Chinese outside the catalogue', () => {
  it.each(scripts().map((path) => [relative(WEB_JS, path), path]))('%s has no Chinese literal', (_, path) => {
    const found = code(path)
      .split('\n')
      .flatMap((line, i) => (CJK.test(line) ? [`${i + 1}: ${line.trim()}`] : []));
    expect(found).toEqual([]);
  });
});
