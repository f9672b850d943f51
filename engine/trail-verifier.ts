/**
 * Verification of one range of case ids, streamed in key order: a page of
 * case rows, then their trails page by page, each case checked as soon as its
 * trail is read. The next page is read while the current one is checked (and
 * the check yields to I/O every few cases, so the next page's trail query
 * goes out as soon as its case rows arrive): the database works while this
 * thread hashes instead of each waiting on the other, which is what keeps the
 * rate up when the machine is busy. The same code runs in-process (small
 * scopes, the embedded database) and in each thread of the verification pool.
 */
import { setImmediate as yieldToIo } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { CaseEventRecord } from '../db/case-event.repository';
import type { CaseRecord } from '../db/case.repository';
import type { Database } from '../db/schema';
import {
  findTrailAfter,
  listCaseRowsAfter,
  listTrailAfter,
  trailStart,
  type CaseIdRange,
  type TrailCursor,
} from '../db/trail-stream.repository';
import { checkCaseRow, checkChain, type TrailBreak, type VerifyMode } from './trail-check';

/** Case rows per page: their rows and whole trails are held in memory at once. */
const CASES_PER_PAGE = 500;
/** Trail entries per round trip. */
const EVENTS_PER_PAGE = 10_000;
/** Cases checked between two yields to I/O while a page is checked. */
const CASES_PER_SLICE = 50;

/** What a verified range (or the whole scope) adds up to. */
export interface RangeResult {
  readonly checked: number;
  readonly cases: number;
  readonly firstBroken?: TrailBreak;
}

/** What one range verification is asked to do. */
export interface RangeRequest {
  readonly range: CaseIdRange;
  readonly scopeUnit?: string | undefined;
  readonly mode: VerifyMode;
  /** Called after each page with the cases and entries checked since the last call. */
  readonly onProgress?: (cases: number, checked: number) => void;
  /** Polled between pages: true stops the range early (another range already found a break). */
  readonly cancelled?: () => boolean;
}

/** Reads the whole trails of one page of cases, page by page of entries, starting after `cursor`. */
async function readTrails(
  db: Kysely<Database>,
  page: readonly CaseRecord[],
  cursor: TrailCursor,
  scoped: boolean,
): Promise<CaseEventRecord[]> {
  const lastId = page[page.length - 1]?.id ?? cursor.caseId;
  const bound = scoped ? { caseIds: page.map((c) => c.id) } : { lastId };
  const all: CaseEventRecord[] = [];
  let after = cursor;
  for (;;) {
    const events = await listTrailAfter(db, after, bound, EVENTS_PER_PAGE);
    for (const e of events) all.push(e);
    const last = events[events.length - 1];
    if (last === undefined || events.length < EVENTS_PER_PAGE) return all;
    after = { caseId: last.caseId, seq: last.seq, hash: last.hash };
  }
}

/**
 * Checks one page: each case's chain and row; an entry whose case is not in the page has no case row (whole scope only).
 * Yields to I/O every {@link CASES_PER_SLICE} cases, so the read of the next page progresses meanwhile.
 */
async function checkPage(page: readonly CaseRecord[], events: readonly CaseEventRecord[], mode: VerifyMode): Promise<RangeResult> {
  const rows = new Map(page.map((c) => [c.id, c]));
  const trails = new Map<string, CaseEventRecord[]>();
  for (const e of events) {
    if (!rows.has(e.caseId))
      return { checked: 0, cases: 0, firstBroken: { caseId: e.caseId, seq: e.seq, reason: 'trail entries without a case row' } };
    const list = trails.get(e.caseId);
    if (list === undefined) trails.set(e.caseId, [e]);
    else list.push(e);
  }
  let checked = 0;
  let cases = 0;
  for (const rec of page) {
    if (cases > 0 && cases % CASES_PER_SLICE === 0) await yieldToIo();
    const trail = trails.get(rec.id) ?? [];
    cases += 1;
    checked += trail.length;
    const broken = checkChain(rec.id, trail) ?? checkCaseRow(rec, trail, mode);
    if (broken !== undefined) return { checked, cases, firstBroken: broken };
  }
  return { checked, cases };
}

/** One page of case rows with their whole trails. */
interface Page {
  readonly rows: readonly CaseRecord[];
  readonly events: readonly CaseEventRecord[];
}

/** Reads the page of case rows after `afterId` and then their trails after `cursor`. */
async function readPage(db: Kysely<Database>, req: RangeRequest, afterId: string | undefined, cursor: TrailCursor): Promise<Page> {
  const rows = await listCaseRowsAfter(db, req.range, afterId, CASES_PER_PAGE, req.scopeUnit);
  if (rows.length === 0) return { rows, events: [] };
  return { rows, events: await readTrails(db, rows, cursor, req.scopeUnit !== undefined) };
}

/**
 * Verifies every case of a range (within a scope when given) in id order and
 * returns the first break. Without a scope the trail is read as one range
 * scan, so entries of a case that has no row are found too.
 */
export async function verifyRange(db: Kysely<Database>, req: RangeRequest): Promise<RangeResult> {
  if (req.cancelled?.() === true) return { checked: 0, cases: 0 };
  let checked = 0;
  let cases = 0;
  let cursor = trailStart(req.range.from);
  let next: Promise<Page> | undefined = readPage(db, req, undefined, cursor);
  try {
    while (next !== undefined) {
      const { rows: page, events } = await next;
      next = undefined;
      const last = page[page.length - 1];
      if (last === undefined) break;
      cursor = { caseId: last.id, seq: 2 ** 31 - 1 };
      const more = page.length === CASES_PER_PAGE;
      const stop = more && req.cancelled?.() === true;
      if (more && !stop) next = readPage(db, req, last.id, cursor);
      const result = await checkPage(page, events, req.mode);
      checked += result.checked;
      cases += result.cases;
      req.onProgress?.(result.cases, result.checked);
      if (result.firstBroken !== undefined) return { checked, cases, firstBroken: result.firstBroken };
      if (stop) return { checked, cases };
    }
  } finally {
    // A page read ahead and not wanted (a break, or an error): let it finish before the connection is handed back.
    await next?.catch(() => undefined);
  }
  if (req.scopeUnit === undefined) {
    const orphan = await findTrailAfter(db, cursor, req.range.to);
    if (orphan !== undefined) return { checked, cases, firstBroken: { ...orphan, reason: 'trail entries without a case row' } };
  }
  return { checked, cases };
}
