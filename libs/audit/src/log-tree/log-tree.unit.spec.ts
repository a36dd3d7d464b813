import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { merkleRoot, MerkleTree, verifyInclusion } from '../merkle';
import { MemoryLogTree } from './memory-log-tree';
import {
  checkpointText,
  cosignatureLine,
  cosignatureTimestamp,
  NOTE_SIGNATURE_COSIGNATURE_V1,
  NOTE_SIGNATURE_ED25519,
  noteSignatureLine,
  parseCheckpointText,
  parseSignedNote,
  parseVerifierKey,
  signedNote,
  verifierKeyText,
  verifyNoteSignature,
} from './signed-note';
import { consistencyFailure, verifyConsistency } from './tree-proofs';
import { nodesForInclusionProof } from './tree-proofs';

const hashHex = (i: number) => i.toString(16).padStart(64, '0');
const hashes = (n: number) => Array.from({ length: n }, (_, i) => hashHex(i + 1));

describe('the log tree (RFC 9162 over the whole log, perfect nodes stored)', () => {
  it('has the same root and inclusion proofs as the range tree, for every size up to 70', () => {
    const tree = new MemoryLogTree();
    for (let n = 1; n <= 70; n += 1) {
      tree.append(hashHex(n));
      const leaves = hashes(n);
      expect(tree.root()).toBe(merkleRoot(leaves));
      const reference = new MerkleTree(leaves);
      for (let i = 0; i < n; i += 1) expect(tree.inclusionProof(i)).toEqual(reference.proof(i));
    }
  });

  it('answers past tree sizes: the root and proofs of any prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (n, a, b) => {
        const tree = new MemoryLogTree(hashes(n));
        const size = 1 + (a % n);
        const leaf = b % size;
        const root = merkleRoot(hashes(size));
        expect(tree.root(size)).toBe(root);
        expect(verifyInclusion(hashHex(leaf + 1), tree.inclusionProof(leaf, size), root)).toBe(
          true,
        );
      }),
    );
  });

  it('proves consistency between any two sizes, and only between a prefix and its extension', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), (n, a, b) => {
        const tree = new MemoryLogTree(hashes(n));
        const [first, second] = [a % (n + 1), b % (n + 1)].sort((x, y) => x - y);
        const proof = tree.consistencyProof(first, second);
        expect(consistencyFailure(proof, tree.root(first), tree.root(second))).toBeNull();
        if (first > 0 && first < second) {
          // A fork: the same size with one leaf changed is not a prefix.
          const forked = hashes(second);
          forked[first - 1] = 'ff'.repeat(32);
          expect(verifyConsistency(proof, tree.root(first), merkleRoot(forked))).toBe(false);
        }
      }),
    );
  });

  it('reads O(log n) nodes for a proof in a tree of a million leaves', () => {
    const nodes = nodesForInclusionProof(123_456, 1_000_000);
    expect(nodes.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1_000_000)));
  });
});

describe('C2SP checkpoints, note signatures and cosignatures', () => {
  const platform = generateKeyPairSync('ed25519');
  const witness = generateKeyPairSync('ed25519');
  const text = checkpointText({
    origin: 'policloud.example/audit-log',
    treeSize: 5,
    rootHash: 'ab'.repeat(32),
  });

  it('writes the three checkpoint lines and reads them back', () => {
    expect(text).toBe(
      `policloud.example/audit-log\n5\n${Buffer.from('ab'.repeat(32), 'hex').toString('base64')}\n`,
    );
    expect(parseCheckpointText(text)).toEqual({
      origin: 'policloud.example/audit-log',
      treeSize: 5,
      rootHash: 'ab'.repeat(32),
    });
  });

  it('signs a note that its verifier key verifies, and no other key nor text', () => {
    const note = signedNote(text, [
      noteSignatureLine(text, 'policloud.example/audit-log', platform.privateKey),
    ]);
    const parsed = parseSignedNote(note);
    expect(parsed.text).toBe(text);
    const verifier = parseVerifierKey(
      verifierKeyText('policloud.example/audit-log', platform.publicKey, NOTE_SIGNATURE_ED25519),
    );
    expect(verifyNoteSignature(text, parsed.signatures[0], verifier)).toBe(true);
    expect(
      verifyNoteSignature(text.replace('\n5\n', '\n6\n'), parsed.signatures[0], verifier),
    ).toBe(false);
    const other = parseVerifierKey(
      verifierKeyText('policloud.example/audit-log', witness.publicKey, NOTE_SIGNATURE_ED25519),
    );
    expect(verifyNoteSignature(text, parsed.signatures[0], other)).toBe(false);
  });

  it('cosigns with a timestamp (cosignature/v1) that the witness key verifies', () => {
    const line = cosignatureLine(text, 'witness.example/w1', witness.privateKey, 1_765_000_000);
    const note = signedNote(text, [
      noteSignatureLine(text, 'policloud.example/audit-log', platform.privateKey),
      line,
    ]);
    const [, cosignature] = parseSignedNote(note).signatures;
    const verifier = parseVerifierKey(
      verifierKeyText('witness.example/w1', witness.publicKey, NOTE_SIGNATURE_COSIGNATURE_V1),
    );
    expect(cosignatureTimestamp(cosignature)).toBe(1_765_000_000);
    expect(verifyNoteSignature(text, cosignature, verifier)).toBe(true);
  });

  it('refuses a verifier key whose id does not match its name', () => {
    const key = verifierKeyText('a.example/w', witness.publicKey, NOTE_SIGNATURE_COSIGNATURE_V1);
    expect(() => parseVerifierKey(key.replace('a.example/w', 'b.example/w'))).toThrow(/id/);
  });
});
