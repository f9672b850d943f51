/** The opaque page cursor of /incidents and /supervision: what it encodes comes back, anything else is a 400 on `cursor`. */
import { decodePageCursor, encodePageCursor, pageOf } from '../../engine/page-cursor';
import { ValidationError } from '../../engine/errors';

const NUMERIC = /^\d{1,18}$/;

describe('page cursors', () => {
  it('decode to the position they were made from', () => {
    const at = new Date('2026-03-02T01:30:00.123Z');
    expect(decodePageCursor(encodePageCursor({ at, id: '42' }), NUMERIC)).toEqual({ at, id: '42' });
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a JSON object', Buffer.from('{"at":"2026-03-02T01:30:00.000Z"}').toString('base64url')],
    ['an id of the wrong form', encodePageCursor({ at: new Date('2026-03-02T01:30:00.000Z'), id: 'abc' })],
    ['a time PostgreSQL cannot store', Buffer.from(JSON.stringify(['-271821-04-20T00:00:00.000Z', '1'])).toString('base64url')],
    ['a time not in the form written', Buffer.from(JSON.stringify(['2026-03-02', '1'])).toString('base64url')],
  ])('refuse %s as a VALIDATION error on cursor', (_name, cursor) => {
    expect(() => decodePageCursor(cursor, NUMERIC)).toThrow(ValidationError);
  });

  it('cut a page of limit + 1 rows and point at its last item, or at nothing on the last page', () => {
    const rows = [1, 2, 3].map((n) => ({ id: String(n), at: new Date(Date.UTC(2026, 2, n)) }));
    const full = pageOf(rows, 2, (r) => r);
    expect(full.items.map((r) => r.id)).toEqual(['1', '2']);
    expect(decodePageCursor(full.nextCursor ?? '', NUMERIC)).toEqual(rows[1]);
    expect(pageOf(rows, 3, (r) => r).nextCursor).toBeNull();
  });
});
