/**
 * Verification of one range of case ids, streamed in key order: a page of
 * case rows, then their trails page by page, each case checked as soon as its
 * trail is read. The same code runs in-process (small scopes, the embedded
 * database) and in each thread of the verification pool.
 */
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

/** Checks one page: each case's chain and row; an entry whose case is not in the page has no case row (whole scope only). */
function checkPage(page: readonly CaseRecord[], events: readonly CaseEventRecord[], mode: VerifyMode): RangeResult {
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
    const trail = trails.get(rec.id) ?? [];
    cases += 1;
    checked += trail.length;
    const broken = checkChain(rec.id, trail) ?? checkCaseRow(rec, trail, mode);
    if (broken !== undefined) return { checked, cases, firstBroken: broken };
  }
  return { checked, cases };
}

/**
 * Verifies every case of a range (within a scope when given) in id order and
 * returns the first break. Without a scope the trail is read as one range
 * scan, so entries of a case that has no row are found too.
 */
export async function verifyRange(db: Kysely<Database>, req: RangeRequest): Promise<RangeResult> {
  const scoped = req.scopeUnit !== undefined;
  let checked = 0;
  let cases = 0;
  let afterId: string | undefined;
  let cursor = trailStart(req.range.from);
  for (;;) {
    if (req.cancelled?.() === true) return { checked, cases };
    const page = await listCaseRowsAfter(db, req.range, afterId, CASES_PER_PAGE, req.scopeUnit);
    const last = page[page.length - 1];
    if (last === undefined) break;
    const result = checkPage(page, await readTrails(db, page, cursor, scoped), req.mode);
    checked += result.checked;
    cases += result.cases;
    req.onProgress?.(result.cases, result.checked);
    if (result.firstBroken !== undefined) return { checked, cases, firstBroken: result.firstBroken };
    afterId = last.id;
    cursor = { caseId: last.id, seq: 2 ** 31 - 1 };
    if (page.length < CASES_PER_PAGE) break;
  }
  if (!scoped) {
    const orphan = await findTrailAfter(db, cursor, req.range.to);
    if (orphan !== undefined) return { checked, cases, firstBroken: { ...orphan, reason: 'trail entries without a case row' } };
  }
  return { checked, cases };
}
