import { KeyObject, sign, verify } from 'node:crypto';
import type { SigningKeyRotated } from '@policloud/domain';
import { canonicalJson } from './canonical-json';
import { KeyInput, keyIdOf, parsePublicKey, parseSigningKey, publicKeyPem } from './checkpoint';

/**
 * Rotating the audit signing key is an event (`AuditSigningKeyRotated`): the previous key endorses
 * the next one and the next key accepts it, both over the same canonical statement. So an auditor
 * who trusts either end of a link trusts the other, and follows the chain from the key it holds to
 * the key of any checkpoint: old checkpoints keep verifying with their own key.
 */
export type KeyRotation = SigningKeyRotated;

const ROTATION_CONTEXT = 'policloud-audit-key-rotation/1\n';

function statement(rotation: Omit<KeyRotation, 'endorsement' | 'acceptance'>): Buffer {
  const { previousKeyId, previousPublicKey, keyId, publicKey, rotatedAt } = rotation;
  return Buffer.from(
    ROTATION_CONTEXT +
      canonicalJson({ previousKeyId, previousPublicKey, keyId, publicKey, rotatedAt }),
    'utf8',
  );
}

/** The rotation from `previousKey` to `nextKey` (both private: each signs the statement). */
export function rotateSigningKey(
  previousKey: KeyInput,
  nextKey: KeyInput,
  rotatedAt: string,
): KeyRotation {
  const previous = parseSigningKey(previousKey);
  const next = parseSigningKey(nextKey);
  const body = {
    previousKeyId: keyIdOf(previous),
    previousPublicKey: publicKeyPem(previous),
    keyId: keyIdOf(next),
    publicKey: publicKeyPem(next),
    rotatedAt,
  };
  if (body.previousKeyId === body.keyId) throw new Error('a rotation needs a new key');
  const bytes = statement(body);
  return {
    ...body,
    endorsement: sign(null, bytes, previous).toString('base64'),
    acceptance: sign(null, bytes, next).toString('base64'),
  };
}

/** Why a rotation is not a valid link (key ids, endorsement, acceptance), or null. */
export function rotationProblem(rotation: KeyRotation): string | null {
  try {
    const previous = parsePublicKey(rotation.previousPublicKey);
    const next = parsePublicKey(rotation.publicKey);
    if (keyIdOf(previous) !== rotation.previousKeyId || keyIdOf(next) !== rotation.keyId)
      return `the rotation to key ${rotation.keyId} names key ids that are not its keys'`;
    const bytes = statement(rotation);
    if (!verifySignature(bytes, rotation.endorsement, previous))
      return `the rotation to key ${rotation.keyId} is not endorsed by the previous key ${rotation.previousKeyId}`;
    if (!verifySignature(bytes, rotation.acceptance, next))
      return `the rotation to key ${rotation.keyId} is not accepted by that key`;
    return null;
  } catch (error) {
    return `the rotation to key ${rotation.keyId} cannot be read (${(error as Error).message})`;
  }
}

export interface KeyChain {
  /** Every key reachable from the trusted one through valid rotations, by key id. */
  keys: Map<string, KeyObject>;
  /** Rotations that are not valid links, or not connected to the trusted key. */
  problems: string[];
}

/** Follows the rotations (in either direction) from the trusted key. */
export function followKeyChain(trusted: KeyInput, rotations: readonly KeyRotation[]): KeyChain {
  const anchor = parsePublicKey(trusted);
  const keys = new Map<string, KeyObject>([[keyIdOf(anchor), anchor]]);
  const problems: string[] = [];
  const valid = rotations.filter((rotation) => {
    const problem = rotationProblem(rotation);
    if (problem) problems.push(problem);
    return problem === null;
  });
  for (let grown = true; grown;) {
    grown = false;
    for (const rotation of valid) {
      const [from, to] = keys.has(rotation.previousKeyId)
        ? [rotation.previousKeyId, rotation.keyId]
        : keys.has(rotation.keyId)
          ? [rotation.keyId, rotation.previousKeyId]
          : [undefined, undefined];
      if (!from || !to || keys.has(to)) continue;
      keys.set(
        to,
        parsePublicKey(to === rotation.keyId ? rotation.publicKey : rotation.previousPublicKey),
      );
      grown = true;
    }
  }
  for (const rotation of valid) {
    if (!keys.has(rotation.keyId))
      problems.push(`the rotation to key ${rotation.keyId} does not connect to the trusted key`);
  }
  return { keys, problems };
}

function verifySignature(bytes: Buffer, signature: string, key: KeyObject): boolean {
  const raw = Buffer.from(signature ?? '', 'base64');
  return raw.length === 64 && raw.toString('base64') === signature && verify(null, bytes, key, raw);
}
