import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  EMPTY_TREE_ROOT,
  inclusionProof,
  merkleLeafHash,
  merkleNodeHash,
  merkleRoot,
  MerkleTree,
  verifyInclusion,
} from './merkle';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest('hex');
const leaf = (hex: string) => sha(Buffer.of(0), Buffer.from(hex, 'hex'));
const node = (l: string, r: string) =>
  sha(Buffer.of(1), Buffer.from(l, 'hex'), Buffer.from(r, 'hex'));
const hash64 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((b) => Buffer.from(b).toString('hex'));

describe('RFC 6962 Merkle tree', () => {
  // The certificate-transparency reference test vectors (RFC 6962 leaves and roots).
  const ctLeaves = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ];
  const ctRoots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];

  it('matches the RFC 6962 reference roots', () => {
    expect(merkleRoot([])).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(EMPTY_TREE_ROOT).toBe(merkleRoot([]));
    ctRoots.forEach((root, i) => expect(merkleRoot(ctLeaves.slice(0, i + 1))).toBe(root));
  });

  it('matches hand-built trees of 1, 2, 3, 5 event hashes', () => {
    const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((x) => x.repeat(64));
    expect(merkleLeafHash(a)).toBe(leaf(a));
    expect(merkleNodeHash(leaf(a), leaf(b))).toBe(node(leaf(a), leaf(b)));
    expect(merkleRoot([a])).toBe(leaf(a));
    expect(merkleRoot([a, b])).toBe(node(leaf(a), leaf(b)));
    expect(merkleRoot([a, b, c])).toBe(node(node(leaf(a), leaf(b)), leaf(c)));
    expect(merkleRoot([a, b, c, d, e])).toBe(
      node(node(node(leaf(a), leaf(b)), node(leaf(c), leaf(d))), leaf(e)),
    );
    expect(inclusionProof([a, b, c, d, e], 2).path).toEqual([
      leaf(d),
      node(leaf(a), leaf(b)),
      leaf(e),
    ]);
    expect(inclusionProof([a, b, c, d, e], 4).path).toEqual([
      node(node(leaf(a), leaf(b)), node(leaf(c), leaf(d))),
    ]);
    expect(inclusionProof([a], 0)).toEqual({ leafIndex: 0, treeSize: 1, path: [] });
  });

  it('rejects malformed leaves and indexes', () => {
    expect(() => merkleRoot(['xyz'])).toThrow(TypeError);
    expect(() => merkleRoot(['AB'])).toThrow(TypeError);
    expect(() => inclusionProof(['aa'], 1)).toThrow(RangeError);
  });

  it('proves every leaf of random trees, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(hash64, { minLength: 1, maxLength: 70 }),
        hash64,
        (hashes, other) => {
          const tree = new MerkleTree(hashes);
          const root = tree.root();
          expect(root).toBe(merkleRoot(hashes));
          hashes.forEach((hash, index) => {
            const proof = tree.proof(index);
            expect(proof).toEqual(inclusionProof(hashes, index));
            expect(verifyInclusion(hash, proof, root)).toBe(true);
            if (!hashes.includes(other)) expect(verifyInclusion(other, proof, root)).toBe(false);
            if (hashes.length > 1) {
              const wrongIndex = (index + 1) % hashes.length;
              if (hashes[wrongIndex] !== hash)
                expect(verifyInclusion(hash, { ...proof, leafIndex: wrongIndex }, root)).toBe(
                  false,
                );
              // (A wrong treeSize alone is not always caught by the path: RFC 9162 proofs for leaf 1 of
              // sizes 3 and 4 coincide. Bundles therefore pin treeSize to the signed eventCount.)
              expect(
                verifyInclusion(hash, { ...proof, treeSize: proof.treeSize * 2 + 1 }, root),
              ).toBe(false);
            }
            if (proof.path.length > 0) {
              const path = [...proof.path];
              const k = index % path.length;
              path[k] = path[k].slice(0, 63) + (path[k][63] === '0' ? '1' : '0');
              expect(verifyInclusion(hash, { ...proof, path }, root)).toBe(false);
              expect(verifyInclusion(hash, { ...proof, path: proof.path.slice(1) }, root)).toBe(
                false,
              );
              expect(
                verifyInclusion(hash, { ...proof, path: [...proof.path, proof.path[0]] }, root),
              ).toBe(false);
              // Upper-case hex decodes to the same bytes but is not the canonical form: refused.
              expect(
                verifyInclusion(
                  hash,
                  { ...proof, path: proof.path.map((p) => p.toUpperCase()) },
                  root,
                ),
              ).toBe(false);
            }
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('does not throw on garbage proofs', () => {
    const root = merkleRoot(['aa'.repeat(32)]);
    expect(verifyInclusion('aa'.repeat(32), { leafIndex: -1, treeSize: 1, path: [] }, root)).toBe(
      false,
    );
    expect(
      verifyInclusion('aa'.repeat(32), { leafIndex: 0, treeSize: 1, path: ['zz'] }, root),
    ).toBe(false);
    expect(verifyInclusion('zz', { leafIndex: 0, treeSize: 1, path: [] }, root)).toBe(false);
    expect(verifyInclusion('aa'.repeat(32), null as never, root)).toBe(false);
  });
});

describe('the bottom-up root', () => {
  it('equals the RFC 6962 recursive root for every size up to 70', () => {
    const hashes = Array.from({ length: 70 }, (_, i) => eventLikeHash(i));
    for (let n = 0; n <= 70; n++) {
      expect(merkleRoot(hashes.slice(0, n))).toBe(new MerkleTree(hashes.slice(0, n)).root());
    }
  });
});

function eventLikeHash(i: number): string {
  return createHash('sha256').update(String(i)).digest('hex');
}
