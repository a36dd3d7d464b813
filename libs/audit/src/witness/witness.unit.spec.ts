import { generateKeyPairSync } from 'node:crypto';
import {
  logVerifierKey,
  MemoryLogTree,
  parseSignedNote,
  signCheckpointNote,
  verifyCheckpointNote,
  witnessVerifierKey,
} from '../log-tree';
import { WitnessIdentity, witnessCheckpoint, WitnessMemory } from './witness';

const ORIGIN = 'policloud.example/audit-log';
const log = generateKeyPairSync('ed25519');
const witnessKey = generateKeyPairSync('ed25519');
const identity: WitnessIdentity = {
  name: 'witness.example/w1',
  privateKey: witnessKey.privateKey,
  logKeys: [logVerifierKey(ORIGIN, log.publicKey)],
};
const now = new Date('2027-01-01T00:00:00Z');
const hashes = (n: number, salt = '') =>
  Array.from({ length: n }, (_, i) => `${salt}${i + 1}`.padStart(64, '0'));
const noteOf = (tree: MemoryLogTree, size: number) =>
  signCheckpointNote({ origin: ORIGIN, treeSize: size, rootHash: tree.root(size) }, log.privateKey);

describe('the reference witness', () => {
  const honest = new MemoryLogTree(hashes(30));
  // The same first 10 events, then another history: what a split view shows another party.
  const forked = new MemoryLogTree([...hashes(10), ...hashes(20, 'f')]);
  const cosignedAt10: WitnessMemory = { origin: ORIGIN, treeSize: 10, rootHash: honest.root(10) };
  const cosignedAt20: WitnessMemory = { origin: ORIGIN, treeSize: 20, rootHash: honest.root(20) };

  it('cosigns the first checkpoint it sees, with a cosignature the witness key verifies', () => {
    const decision = witnessCheckpoint(identity, undefined, noteOf(honest, 10), undefined, now);
    expect(decision).toMatchObject({ action: 'cosign', memory: cosignedAt10 });
    if (decision.action !== 'cosign') return;
    const verification = verifyCheckpointNote(noteOf(honest, 10) + decision.cosignature, {
      logKeys: identity.logKeys,
      witnesses: [witnessVerifierKey(identity.name, witnessKey.publicKey)],
      quorum: 1,
    });
    expect(verification).toMatchObject({ ok: true, cosignedBy: [identity.name] });
  });

  it('cosigns a larger checkpoint proven consistent with the one it cosigned', () => {
    const decision = witnessCheckpoint(
      identity,
      cosignedAt10,
      noteOf(honest, 30),
      honest.consistencyProof(10, 30),
      now,
    );
    expect(decision).toMatchObject({ action: 'cosign', memory: { treeSize: 30 } });
  });

  it('refuses a fork: a checkpoint of the forked history, whatever proof it comes with', () => {
    for (const proof of [forked.consistencyProof(20, 30), honest.consistencyProof(20, 30)]) {
      const decision = witnessCheckpoint(identity, cosignedAt20, noteOf(forked, 30), proof, now);
      expect(decision).toMatchObject({ action: 'refuse', reason: expect.stringMatching(/^fork:/) });
    }
  });

  it('refuses a fork at the same tree size, and a rollback to a smaller one', () => {
    expect(
      witnessCheckpoint(identity, cosignedAt20, noteOf(forked, 20), undefined, now),
    ).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/^fork: tree size 20/),
    });
    expect(
      witnessCheckpoint(identity, cosignedAt20, noteOf(honest, 15), undefined, now),
    ).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/^rollback/),
    });
  });

  it('skips a checkpoint it already cosigned; refuses one without a proof or not signed by the log', () => {
    expect(
      witnessCheckpoint(identity, cosignedAt20, noteOf(honest, 20), undefined, now).action,
    ).toBe('skip');
    expect(
      witnessCheckpoint(identity, cosignedAt20, noteOf(honest, 30), undefined, now),
    ).toMatchObject({
      action: 'refuse',
      reason: expect.stringMatching(/no consistency proof/),
    });
    const stranger = generateKeyPairSync('ed25519');
    const unsigned = signCheckpointNote(
      { origin: ORIGIN, treeSize: 30, rootHash: honest.root(30) },
      stranger.privateKey,
    );
    expect(parseSignedNote(unsigned).signatures).toHaveLength(1);
    expect(
      witnessCheckpoint(identity, cosignedAt20, unsigned, honest.consistencyProof(20, 30), now),
    ).toMatchObject({ action: 'refuse', reason: expect.stringMatching(/does not verify/) });
  });
});
