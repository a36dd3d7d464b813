import { generateKeyPairSync } from 'node:crypto';
import { buildBundle, verifyBundle } from './bundle';
import { generateSigningKey, publicKeyOf } from './checkpoint';
import { sampleHistory } from './history.fixture';
import {
  checkpointText,
  cosignatureLine,
  EvidenceFailureKind,
  LogEvidence,
  logVerifierKey,
  MemoryLogTree,
  parseSignedNote,
  signCheckpointNote,
  verifyLogEvidence,
  witnessVerifierKey,
} from './log-tree';

/**
 * The adversarial verifier suite: each forgery an attacker (or a faulty platform) could hand an
 * auditor, and the verifier's verdict. Every one must FAIL, with a reason naming the forgery.
 * The test names list every forgery tried.
 */
const ORIGIN = 'policloud.example/audit-log';
const log = generateKeyPairSync('ed25519');
const witnessA = generateKeyPairSync('ed25519');
const witnessB = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
const logKey = logVerifierKey(ORIGIN, log.publicKey);
const witnesses = [
  witnessVerifierKey('witness.example/a', witnessA.publicKey),
  witnessVerifierKey('witness.example/b', witnessB.publicKey),
];

const eventHashes = Array.from({ length: 40 }, (_, i) => (i + 1).toString(16).padStart(64, '0'));
const tree = new MemoryLogTree(eventHashes);
const checkpointNote = (size: number, key = log.privateKey, origin = ORIGIN) =>
  signCheckpointNote({ origin, treeSize: size, rootHash: tree.root(size) }, key);
const cosign = (note: string, name: string, key: typeof witnessA.privateKey) =>
  note + cosignatureLine(parseSignedNote(note).text, name, key, 1_800_000_000);
const cosigned = (size: number) =>
  cosign(
    cosign(checkpointNote(size), 'witness.example/a', witnessA.privateKey),
    'witness.example/b',
    witnessB.privateKey,
  );

const valid: LogEvidence = {
  note: cosigned(40),
  logKeys: [logKey],
  origin: ORIGIN,
  witnesses,
  quorum: 2,
  inclusions: [{ eventId: 'evt-7', eventHash: eventHashes[6], proof: tree.inclusionProof(6, 40) }],
  consistency: { olderNote: checkpointNote(25), proof: tree.consistencyProof(25, 40) },
};

const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
const forkedTree = new MemoryLogTree(eventHashes.map((h, i) => (i === 3 ? flip(h) : h)));

const forgeries: [string, () => LogEvidence, EvidenceFailureKind, RegExp][] = [
  [
    'inclusion proof with a forged sibling hash',
    () => ({
      ...valid,
      inclusions: [
        {
          ...valid.inclusions![0],
          proof: {
            ...tree.inclusionProof(6, 40),
            path: tree.inclusionProof(6, 40).path.map((h, i) => (i === 2 ? flip(h) : h)),
          },
        },
      ],
    }),
    'inclusion_proof',
    /inclusion proof of event evt-7 .* does not lead to the root/,
  ],
  [
    'inclusion proof claiming another leaf index',
    () => ({
      ...valid,
      inclusions: [
        { ...valid.inclusions![0], proof: { ...tree.inclusionProof(6, 40), leafIndex: 7 } },
      ],
    }),
    'inclusion_proof',
    /leaf 7\) does not lead to the root/,
  ],
  [
    'inclusion proof of a different event',
    () => ({
      ...valid,
      inclusions: [
        { eventId: 'evt-x', eventHash: 'ff'.repeat(32), proof: tree.inclusionProof(6, 40) },
      ],
    }),
    'inclusion_proof',
    /event evt-x/,
  ],
  [
    'inclusion proof for the wrong tree size',
    () => ({
      ...valid,
      inclusions: [{ ...valid.inclusions![0], proof: tree.inclusionProof(6, 39) }],
    }),
    'inclusion_tree_size',
    /is for tree size 39, the checkpoint's is 40/,
  ],
  [
    'consistency proof with a forged node',
    () => ({
      ...valid,
      consistency: {
        olderNote: checkpointNote(25),
        proof: {
          ...tree.consistencyProof(25, 40),
          path: tree.consistencyProof(25, 40).path.map(flip),
        },
      },
    }),
    'consistency_proof',
    /consistency proof from tree size 25 to 40 fails/,
  ],
  [
    'consistency proof from a forked history (event 4 rewritten)',
    () => ({
      ...valid,
      consistency: {
        olderNote: signCheckpointNote(
          { origin: ORIGIN, treeSize: 25, rootHash: forkedTree.root(25) },
          log.privateKey,
        ),
        proof: forkedTree.consistencyProof(25, 40),
      },
    }),
    'consistency_proof',
    /consistency proof from tree size 25 to 40 fails/,
  ],
  [
    'consistency proof between the wrong tree sizes',
    () => ({
      ...valid,
      consistency: { olderNote: checkpointNote(25), proof: tree.consistencyProof(24, 40) },
    }),
    'consistency_tree_size',
    /from 24 to 40, the checkpoints are of tree sizes 25 and 40/,
  ],
  [
    'checkpoint with a wrong tree size (the size line edited)',
    () => ({ ...valid, note: cosigned(40).replace(`\n40\n`, '\n41\n') }),
    'log_signature',
    /no signature on the checkpoint of tree size 41 verifies with the log's key/,
  ],
  [
    'log signature over a different origin',
    () => ({ ...valid, note: checkpointNote(40, log.privateKey, 'evil.example/other-log') }),
    'origin_mismatch',
    /signed over origin "evil.example\/other-log", not the log's origin/,
  ],
  [
    'checkpoint signed by a key that is not the log’s',
    () => ({ ...valid, note: checkpointNote(40, stranger.privateKey) }),
    'log_signature',
    /verifies with the log's key/,
  ],
  [
    'cosignature by an unknown key',
    () => ({
      ...valid,
      note: cosign(checkpointNote(40), 'witness.example/c', stranger.privateKey),
      quorum: 1,
    }),
    'cosignature_unknown_key',
    /cosignature by "witness.example\/c" .* no trusted witness holds/,
  ],
  [
    'cosignature under a trusted name by another key',
    () => ({
      ...valid,
      note: cosign(checkpointNote(40), 'witness.example/a', stranger.privateKey),
      quorum: 1,
    }),
    'cosignature_unknown_key',
    /witness.example\/a/,
  ],
  [
    'cosignature moved from another checkpoint',
    () => {
      const other = cosigned(39);
      const lines = parseSignedNote(other).signatures.length;
      const moved = other
        .split('\n')
        .slice(-1 - (lines - 1))
        .join('\n');
      return { ...valid, note: checkpointNote(40) + moved };
    },
    'cosignature_invalid',
    /cosignature by witness "witness.example\/a" does not verify over this checkpoint/,
  ],
  [
    'too few cosignatures for the quorum',
    () => ({
      ...valid,
      note: cosign(checkpointNote(40), 'witness.example/a', witnessA.privateKey),
    }),
    'quorum_not_met',
    /1 valid cosignature\(s\) by trusted witnesses, the quorum is 2/,
  ],
  [
    'the same witness cosigning twice to reach the quorum',
    () => {
      const once = cosign(checkpointNote(40), 'witness.example/a', witnessA.privateKey);
      return { ...valid, note: once + once.split('\n').slice(-2).join('\n') };
    },
    'quorum_not_met',
    /the quorum is 2/,
  ],
  [
    'a note with no signature lines',
    () => ({
      ...valid,
      note: `${checkpointText({ origin: ORIGIN, treeSize: 40, rootHash: tree.root(40) })}\n`,
    }),
    'note_malformed',
    /malformed/,
  ],
];

describe('adversarial verifier suite: every forgery FAILS with a reason naming it', () => {
  it('accepts the genuine evidence (the baseline each forgery alters)', () => {
    expect(verifyLogEvidence(valid)).toEqual({ ok: true, failures: [] });
  });

  it.each(forgeries)('FAILS: %s', (_, forge, kind, reason) => {
    const verdict = verifyLogEvidence(forge());
    expect(verdict.ok).toBe(false);
    expect(verdict.failures).toContainEqual({ kind, message: expect.stringMatching(reason) });
  });
});

describe('adversarial verifier suite: bundles', () => {
  const privateKey = generateSigningKey();
  const history = sampleHistory(privateKey, 20, 8, false);
  const bundle = buildBundle({
    events: history.events,
    checkpoints: history.checkpoints,
    checkpointLeaves: history.leaves,
    signingKey: privateKey,
    generatedAt: '2025-02-01T00:00:00.000Z',
    selection: {},
    throughPosition: 20,
  });
  const lines = bundle.trimEnd().split('\n');
  const verdict = (text: string) =>
    verifyBundle(text, { trustedPublicKey: publicKeyOf(privateKey) });
  const reasons = (text: string) =>
    verdict(text)
      .failures.map((f) => `${f.kind}: ${f.message}`)
      .join('\n');

  it('accepts the genuine bundle', () => expect(verdict(bundle).ok).toBe(true));

  it('FAILS: truncated bundle (its last event lines cut off)', () => {
    const truncated = `${lines.slice(0, -3).join('\n')}\n`;
    expect(verdict(truncated).ok).toBe(false);
    expect(reasons(truncated)).toMatch(/missing|no line holds|listed/i);
  });

  it('FAILS: reordered bundle (two event lines swapped)', () => {
    const swapped = [...lines];
    [swapped[5], swapped[6]] = [swapped[6], swapped[5]];
    const text = `${swapped.join('\n')}\n`;
    expect(verdict(text).ok).toBe(false);
    expect(reasons(text)).toMatch(/order/i);
  });
});
