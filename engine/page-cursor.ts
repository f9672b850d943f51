import { ValidationError } from './errors';

/**
 * Where a page of a list ends, as the opaque `nextCursor` callers send back: the sort instant and the
 * id of the last item, which together order any list of this API without ties.
 */
export interface PagePosition {
  readonly at: Date;
  readonly id: string;
}

/** The cursor of a page that ended at `position`. */
export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

/**
 * The position a cursor names; a cursor this API did not write is a 400 on `cursor`. `idPattern`
 * is the form of the list's ids (a uuid, a numeric incident id).
 */
export function decodePageCursor(cursor: string, idPattern: RegExp): PagePosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error('bad cursor');
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || typeof id !== 'string' || !idPattern.test(id)) throw new Error('bad cursor');
    const instant = new Date(at);
    // Only the form encodePageCursor writes: years outside 0000-9999 are past what PostgreSQL stores.
    if (Number.isNaN(instant.getTime()) || !/^\d{4}-/.test(at) || instant.toISOString() !== at) throw new Error('bad cursor');
    return { at: instant, id };
  } catch {
    throw new ValidationError('invalid cursor', [{ path: ['cursor'], message: 'not a cursor returned by this API' }]);
  }
}

/** A page of `limit` items out of `limit + 1` fetched, with the cursor of the next page when there is one. */
export function pageOf<T>(
  rows: readonly T[],
  limit: number,
  positionOf: (item: T) => PagePosition,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodePageCursor(positionOf(last)) : null };
}
