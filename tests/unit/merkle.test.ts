import { createHash } from 'node:crypto';
import { leafHash, merkleRoot, sortHeads, type CaseHead } from '../../engine/merkle';

const sha = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const node = (l: Buffer, r: Buffer) => sha(Buffer.from([1]), l, r);

function head(i: number): CaseHead {
  return { caseId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, version: i + 1, head: String(i % 10).repeat(64) };
}

describe('checkpoint Merkle tree (RFC 6962 layout)', () => {
  it('hashes a leaf as SHA-256(0x00 || "<case id>\\n<version>\\n<head>")', () => {
    const h = head(3);
    expect(leafHash(h).toString('hex')).toBe(sha(Buffer.from([0]), Buffer.from(`${h.caseId}\n4\n${'3'.repeat(64)}`)).toString('hex'));
  });

  it('splits at the largest power of two below n, and the empty tree is SHA-256("")', () => {
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const l = [0, 1, 2, 3, 4].map((i) => leafHash(head(i)));
    const [a, b, c, d, e] = l as [Buffer, Buffer, Buffer, Buffer, Buffer];
    expect(merkleRoot([head(0)])).toBe(a.toString('hex'));
    expect(merkleRoot([0, 1, 2].map(head))).toBe(node(node(a, b), c).toString('hex'));
    expect(merkleRoot([0, 1, 2, 3, 4].map(head))).toBe(node(node(node(a, b), node(c, d)), e).toString('hex'));
  });

  it('changes with any leaf, and does not depend on the order heads arrive in', () => {
    const heads = [0, 1, 2, 3, 4, 5, 6].map(head);
    const root = merkleRoot(heads);
    expect(merkleRoot(sortHeads([...heads].reverse()))).toBe(root);
    for (let i = 0; i < heads.length; i += 1) {
      const changed = heads.map((h, j) => (j === i ? { ...h, version: h.version + 1 } : h));
      expect(merkleRoot(changed)).not.toBe(root);
    }
  });
});
