import {
  checkpointBodyOf,
  generateSigningKey,
  keyIdOf,
  publicKeyOf,
  sealCheckpoint,
  SignedCheckpoint,
} from './checkpoint';
import { buildBundle, verifyBundle } from './bundle';
import { sampleHistory } from './history.fixture';
import { followKeyChain, rotateSigningKey, rotationProblem } from './key-rotation';
import { verifyHistory } from './verify-history';

describe('audit key rotation: a chain of keys, each link signed by both ends', () => {
  const [k1, k2, k3, stranger] = [1, 2, 3, 4].map(() => generateSigningKey());
  const r12 = rotateSigningKey(k1, k2, '2026-01-01T00:00:00.000Z');
  const r23 = rotateSigningKey(k2, k3, '2026-02-01T00:00:00.000Z');

  it('follows the chain forwards from the old key and backwards from the new one', () => {
    for (const trusted of [k1, k2, k3]) {
      const chain = followKeyChain(publicKeyOf(trusted), [r12, r23]);
      expect([...chain.keys.keys()].sort()).toEqual([k1, k2, k3].map(keyIdOf).sort());
      expect(chain.problems).toEqual([]);
    }
  });

  it('refuses a link not endorsed by the previous key, or not accepted by the next', () => {
    const forged = { ...rotateSigningKey(stranger, k3, r23.rotatedAt), previousKeyId: keyIdOf(k2) };
    expect(rotationProblem(forged)).toMatch(/key ids that are not its keys/);
    const unendorsed = {
      ...r23,
      endorsement: rotateSigningKey(stranger, k3, r23.rotatedAt).endorsement,
    };
    expect(rotationProblem(unendorsed)).toMatch(/not endorsed by the previous key/);
    const unaccepted = { ...r23, acceptance: r12.acceptance };
    expect(rotationProblem(unaccepted)).toMatch(/not accepted by that key/);
    expect(followKeyChain(publicKeyOf(k1), [r12, unendorsed]).keys.has(keyIdOf(k3))).toBe(false);
  });

  it('a prepended key cannot make itself trusted: the trusted key never accepted it', () => {
    const prepended = rotateSigningKey(stranger, generateSigningKey(), r12.rotatedAt);
    const chain = followKeyChain(publicKeyOf(k1), [prepended, r12]);
    expect(chain.keys.has(keyIdOf(stranger))).toBe(false);
    expect(chain.problems).toEqual([expect.stringMatching(/does not connect to the trusted key/)]);
  });

  describe('verifyHistory across a rotation', () => {
    const { events } = sampleHistory(k1, 16, 8, true);
    const checkpoints: SignedCheckpoint[] = [];
    checkpoints.push(
      sealCheckpoint({ toPosition: 8, events: events.slice(0, 8), sealedAt: r12.rotatedAt }, k1),
    );
    checkpoints.push(
      sealCheckpoint(
        {
          previous: checkpointBodyOf(checkpoints[0]),
          toPosition: 16,
          events: events.slice(8, 16),
          sealedAt: r23.rotatedAt,
        },
        k2,
      ),
    );

    it('verifies checkpoints before the rotation with the old key, after it with the new one', () => {
      for (const trusted of [k1, k2]) {
        expect(
          verifyHistory({ events, checkpoints, publicKey: publicKeyOf(trusted), rotations: [r12] }),
        ).toMatchObject({ ok: true, checkpointsChecked: 2 });
      }
    });

    it('without the rotation, the checkpoint of the other key fails, naming the key', () => {
      expect(
        verifyHistory({ events, checkpoints, publicKey: publicKeyOf(k2) }).firstInconsistency,
      ).toMatchObject({ kind: 'checkpoint_signature', checkpointSequence: 1 });
    });
  });

  describe('an audit bundle across a rotation (the offline CLI)', () => {
    const { events } = sampleHistory(k1, 16, 8, true);
    const first = sealCheckpoint(
      { toPosition: 8, events: events.slice(0, 8), sealedAt: r12.rotatedAt },
      k1,
    );
    const second = sealCheckpoint(
      {
        previous: checkpointBodyOf(first),
        toPosition: 16,
        events: events.slice(8, 16),
        sealedAt: r23.rotatedAt,
      },
      k2,
    );
    const bundle = (keyRotations = [r12]) =>
      buildBundle({
        events,
        checkpoints: [first, second],
        checkpointLeaves: new Map([
          [1, events.slice(0, 8).map((e) => e.hash!)],
          [2, events.slice(8, 16).map((e) => e.hash!)],
        ]),
        signingKey: k2,
        generatedAt: '2026-03-01T00:00:00.000Z',
        selection: {},
        throughPosition: 16,
        keyRotations,
      });

    it('verifies with the old key trusted: the CLI follows the chain to the bundle’s key', () => {
      for (const trusted of [k1, k2]) {
        expect(verifyBundle(bundle(), { trustedPublicKey: publicKeyOf(trusted) })).toMatchObject({
          ok: true,
          checkpointsVerified: 2,
          eventsVerified: 16,
        });
      }
    });

    it('fails without the rotation: the old key does not reach the bundle’s, naming both', () => {
      const verdict = verifyBundle(bundle([]), { trustedPublicKey: publicKeyOf(k1) });
      expect(verdict.ok).toBe(false);
      expect(verdict.failures[0]).toMatchObject({ line: 1, kind: 'untrusted_key' });
      const forged = { ...r12, acceptance: r23.acceptance };
      expect(
        verifyBundle(bundle([forged]), { trustedPublicKey: publicKeyOf(k1) }).failures[0],
      ).toMatchObject({ kind: 'untrusted_key', message: expect.stringMatching(/rotation chain/) });
    });
  });
});
