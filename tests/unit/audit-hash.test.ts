/**
 * The trail hash's text: the fixed-shape writer of hashEvent must give, byte
 * for byte, what the generic canonical serialiser gives, or every stored hash
 * would stop matching. Known answers were computed with the generic writer.
 */
import { createHash } from 'node:crypto';
import { genericBody, hashEvent, type HashedEvent } from '../../engine/audit-hash';

const base: HashedEvent = {
  caseId: '0b6f3c1e-4a8e-4f0a-9c1d-2f1e5a7b9c00',
  seq: 3,
  type: 'RECORD_MEDIATION_SESSION',
  fields: { note: '第1次调解，"双方"\\陈述\n意见 😀', z: [1, { b: 2, a: null }], a: true },
  actor: { id: 'bench-mediator', role: 'mediator', unit: '411621' },
  at: '2026-12-01T03:46:17.123Z',
  machineVersion: 2,
  prevHash: 'ab'.repeat(32),
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('hashEvent', () => {
  it('gives the hashes the generic canonical serialiser gave', () => {
    expect(hashEvent({ ...base, after: { state: 'mediating', snapshot: 'cd'.repeat(32) } })).toBe(
      '3cccdffa3e09b7d5efefa55ae758745e42f68776439cfd652b72ec6de04658e8',
    );
    expect(hashEvent(base)).toBe('74c90cd4e1d934924b0ba0fae8eafd2f4c0dc27e2a85b9619af95251d0160b15');
  });

  it.each([
    ['control characters and quotes', 'a\u0001b\t"c"\\'],
    ['a lone surrogate', 'x\ud800y'],
    ['a pair of surrogates', '😀'],
    ['a long text', '调解'.repeat(200)],
    ['an empty text', ''],
  ])('writes %s as the generic serialiser does', (_, text) => {
    const e: HashedEvent = {
      ...base,
      type: text,
      actor: { id: text, role: text, unit: text },
      at: text,
      prevHash: text,
      caseId: text,
      fields: { [text]: text },
      after: { state: text, snapshot: text },
    };
    expect(hashEvent(e)).toBe(sha256(genericBody(e)));
  });

  it('takes the generic path for values of other types', () => {
    const odd = { ...base, actor: { id: undefined, role: 'clerk', unit: '1' }, seq: 1.5 } as unknown as HashedEvent;
    expect(hashEvent(odd)).toBe(sha256(genericBody(odd)));
    expect(genericBody(odd)).not.toContain('"id"');
  });
});
