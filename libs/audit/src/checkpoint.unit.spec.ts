import { generateKeyPairSync, randomBytes } from 'node:crypto';
import {
  checkpointBodyFor,
  checkpointHash,
  generateSigningKey,
  keyIdOf,
  parseSigningKey,
  publicKeyOf,
  sealCheckpoint,
  signCheckpoint,
  signingKeyFromEnv,
  verifyCheckpointSignature,
} from './checkpoint';
import { GENESIS_HASH } from './event-hash';
import { merkleRoot } from './merkle';

describe('checkpoints', () => {
  const privateKey = generateSigningKey();
  const publicKey = publicKeyOf(privateKey);
  const events = [1, 2, 3].map((p) => ({
    id: `e${p}`,
    globalPosition: p,
    hash: String(p).repeat(64),
  }));

  it('derives keys: PEM PKCS#8 private, PEM SPKI public, 16-hex key id', () => {
    expect(privateKey).toContain('-----BEGIN PRIVATE KEY-----');
    expect(publicKey).toContain('-----BEGIN PUBLIC KEY-----');
    expect(keyIdOf(publicKey)).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(privateKey)).toBe(keyIdOf(publicKey));
  });

  it('parses AUDIT_SIGNING_KEY as a PEM or as the base64 of the 32-byte seed', () => {
    const seed = randomBytes(32);
    const fromSeed = parseSigningKey(seed.toString('base64'));
    const pem = fromSeed.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(keyIdOf(publicKeyOf(pem))).toBe(keyIdOf(fromSeed));
    // The DER of an Ed25519 PKCS#8 key ends with the seed.
    expect(
      (fromSeed.export({ format: 'der', type: 'pkcs8' }) as Buffer).subarray(-32).equals(seed),
    ).toBe(true);
    expect(
      keyIdOf(signingKeyFromEnv({ AUDIT_SIGNING_KEY: privateKey.replace(/\n/g, '\\n') })!),
    ).toBe(keyIdOf(publicKey));
    expect(signingKeyFromEnv({})).toBeUndefined();
    expect(() => parseSigningKey('c2hvcnQ=')).toThrow(/32-byte/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(() => parseSigningKey(rsa)).toThrow(/not Ed25519/);
  });

  it('seals a range, signs, verifies; the hash covers the body, not the signature', () => {
    const body = checkpointBodyFor(
      { events, sealedAt: '2025-01-01T00:00:00.000Z' },
      keyIdOf(publicKey),
    );
    expect(body).toMatchObject({
      sequence: 1,
      fromPosition: 0,
      toPosition: 3,
      eventCount: 3,
      firstEventId: 'e1',
      lastEventId: 'e3',
      merkleRoot: merkleRoot(events.map((e) => e.hash)),
      previousCheckpointHash: GENESIS_HASH,
    });
    const signed = signCheckpoint(body, privateKey);
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(64);
    expect(verifyCheckpointSignature(signed, publicKey)).toBe(true);
    expect(checkpointHash(signed)).toBe(checkpointHash(body));
    const next = sealCheckpoint(
      {
        previous: signed,
        events: [{ id: 'e5', globalPosition: 5, hash: 'f'.repeat(64) }],
        sealedAt: 'x',
      },
      privateKey,
    );
    expect(next).toMatchObject({
      sequence: 2,
      fromPosition: 3,
      toPosition: 5,
      previousCheckpointHash: checkpointHash(signed),
    });
  });

  it('fails for any changed field, a swapped signature, another key, a non-canonical signature', () => {
    const one = sealCheckpoint({ events, sealedAt: '2025-01-01T00:00:00.000Z' }, privateKey);
    const two = sealCheckpoint(
      { previous: one, events: [], toPosition: 9, sealedAt: '2025-01-02T00:00:00.000Z' },
      privateKey,
    );
    expect(verifyCheckpointSignature(two, publicKey)).toBe(true);
    expect(verifyCheckpointSignature({ ...one, signature: two.signature }, publicKey)).toBe(false);
    expect(verifyCheckpointSignature({ ...one, eventCount: 2 }, publicKey)).toBe(false);
    expect(verifyCheckpointSignature({ ...one, merkleRoot: 'a'.repeat(64) }, publicKey)).toBe(
      false,
    );
    expect(verifyCheckpointSignature({ ...one, lastEventId: undefined }, publicKey)).toBe(false);
    expect(verifyCheckpointSignature(one, publicKeyOf(generateSigningKey()))).toBe(false);
    expect(verifyCheckpointSignature({ ...one, signature: 'garbage' }, publicKey)).toBe(false);
    // Same bytes, other text (the spare bits of the last base64 character): refused.
    const sig = one.signature;
    const last = sig[sig.length - 3];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const twin = alphabet[alphabet.indexOf(last) ^ 1];
    const tweaked = sig.slice(0, -3) + twin + sig.slice(-2);
    expect(Buffer.from(tweaked, 'base64').equals(Buffer.from(sig, 'base64'))).toBe(true);
    expect(verifyCheckpointSignature({ ...one, signature: tweaked }, publicKey)).toBe(false);
  });

  it('refuses to sign a body that names another key', () => {
    const body = checkpointBodyFor({ events, sealedAt: 'x' }, '0123456789abcdef');
    expect(() => signCheckpoint(body, privateKey)).toThrow(/names key/);
  });
});
