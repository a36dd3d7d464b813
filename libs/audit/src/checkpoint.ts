import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  sign,
  verify,
} from 'node:crypto';
import type { SealedCheckpoint } from '@policloud/domain';
import { canonicalJson } from './canonical-json';
import { GENESIS_HASH } from './event-hash';
import { merkleRoot } from './merkle';
import { signCheckpointNote } from './log-tree/checkpoint-note';

/**
 * A checkpoint seals the range (fromPosition, toPosition] of the global log: the RFC 6962 Merkle
 * root of the stored event hashes in that range, chained to the previous checkpoint and signed
 * with Ed25519. Once an auditor holds a signed checkpoint, no event of its range can be changed,
 * removed, added or moved without the root (or the count) changing.
 */
// The shape is the domain event's payload (libs/domain owns it; this lib depends on the domain).
export type SignedCheckpoint = SealedCheckpoint;

/** What is signed: everything but the signature. */
export type CheckpointBody = Omit<SignedCheckpoint, 'signature'>;

/** Anything node:crypto accepts, or a PEM string. */
export type KeyInput = KeyObject | string;

export const CHECKPOINT_BODY_FIELDS = [
  'sequence',
  'fromPosition',
  'toPosition',
  'eventCount',
  'firstEventId',
  'lastEventId',
  'merkleRoot',
  'previousCheckpointHash',
  'sealedAt',
  'keyId',
  // v2: the whole-log tree's size and signed note (absent on v1 checkpoints, so their signed
  // bytes are unchanged)
  'treeSize',
  'note',
] as const;

/** Domain separation: a checkpoint signature can never be replayed as a signature of something else. */
const SIGNING_CONTEXT = 'policloud-audit-checkpoint/1\n';

/** Only the body fields (drops `signature`, `kind` or anything else the value carries). */
export function checkpointBodyOf(checkpoint: CheckpointBody): CheckpointBody {
  const body: Record<string, unknown> = {};
  for (const field of CHECKPOINT_BODY_FIELDS) {
    if (checkpoint[field] !== undefined) body[field] = checkpoint[field];
  }
  return body as unknown as CheckpointBody;
}

/** SHA-256 (hex) of the RFC 8785 canonical body (the signature is not covered). */
export function checkpointHash(body: CheckpointBody): string {
  return createHash('sha256')
    .update(canonicalJson(checkpointBodyOf(body)), 'utf8')
    .digest('hex');
}

/** The bytes that are signed: a fixed context line, then the canonical body. */
export function checkpointSigningPayload(body: CheckpointBody): Buffer {
  return Buffer.from(SIGNING_CONTEXT + canonicalJson(checkpointBodyOf(body)), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// Keys

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function assertEd25519(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`${what} is a ${key.asymmetricKeyType ?? key.type} key, not Ed25519`);
  }
  return key;
}

/**
 * Reads a signing key as configured in AUDIT_SIGNING_KEY. Two forms are accepted:
 *  - a PEM PKCS#8 private key ("-----BEGIN PRIVATE KEY-----", as generateSigningKey() returns);
 *    literal "\n" sequences (a PEM squeezed into one env line) are turned back into newlines;
 *  - the base64 of the raw 32-byte Ed25519 seed (e.g. `openssl rand -base64 32`).
 */
export function parseSigningKey(value: KeyInput): KeyObject {
  if (value instanceof KeyObject) {
    if (value.type !== 'private') throw new TypeError('the signing key must be a private key');
    return assertEd25519(value, 'the signing key');
  }
  const text = value.trim();
  if (text.includes('-----BEGIN')) {
    return assertEd25519(createPrivateKey(text.replace(/\\n/g, '\n')), 'the signing key');
  }
  const seed = Buffer.from(text, 'base64');
  if (
    seed.length !== 32 ||
    seed.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')
  ) {
    throw new TypeError(
      'the signing key is neither a PEM PKCS#8 key nor the base64 of a 32-byte Ed25519 seed',
    );
  }
  return createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** The signing key from AUDIT_SIGNING_KEY (see parseSigningKey), or undefined when unset. */
export function signingKeyFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): KeyObject | undefined {
  const value = env.AUDIT_SIGNING_KEY;
  return value === undefined || value.trim() === '' ? undefined : parseSigningKey(value);
}

/** A public key from a PEM (SPKI) string, a private key (its public half) or a KeyObject. */
export function parsePublicKey(value: KeyInput): KeyObject {
  if (value instanceof KeyObject) {
    return assertEd25519(
      value.type === 'private' ? createPublicKey(value) : value,
      'the public key',
    );
  }
  const text = value.trim().replace(/\\n/g, '\n');
  if (text.includes('PRIVATE KEY'))
    return assertEd25519(createPublicKey(createPrivateKey(text)), 'the public key');
  return assertEd25519(createPublicKey(text), 'the public key');
}

/** A fresh Ed25519 private key, PEM PKCS#8. */
export function generateSigningKey(): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The public key (PEM SPKI) of a private key (PEM, seed or KeyObject). */
export function publicKeyOf(privateKey: KeyInput): string {
  return publicKeyPem(createPublicKey(parseSigningKey(privateKey)));
}

/** Canonical PEM SPKI form of a public key. */
export function publicKeyPem(publicKey: KeyInput): string {
  return parsePublicKey(publicKey).export({ format: 'pem', type: 'spki' }).toString();
}

/** First 16 hex characters of SHA-256 of the public key's SPKI DER. */
export function keyIdOf(publicKey: KeyInput): string {
  const der = parsePublicKey(publicKey).export({ format: 'der', type: 'spki' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/** Same key? (compares the SPKI DER). */
export function samePublicKey(a: KeyInput, b: KeyInput): boolean {
  const da = parsePublicKey(a).export({ format: 'der', type: 'spki' });
  const db = parsePublicKey(b).export({ format: 'der', type: 'spki' });
  return da.equals(db);
}

// ---------------------------------------------------------------------------------------------
// Sealing, signing, verifying

export interface SealInput {
  /** The checkpoint this one follows; absent for sequence 1. */
  previous?: CheckpointBody;
  /** Exclusive start; defaults to previous.toPosition, or 0. */
  fromPosition?: number;
  /** Inclusive end; defaults to the last event's position (or fromPosition when there is none). */
  toPosition?: number;
  /** The events of the range, in global order, with their stored hashes. */
  events: readonly { id: string; globalPosition: number; hash?: string }[];
  sealedAt: string;
  /** v2: the whole-log tree once these events are in it; its signed note joins the checkpoint. */
  tree?: { origin: string; treeSize: number; rootHash: string };
}

/** The body of the next checkpoint over `events` (pure; sign it with signCheckpoint). */
export function checkpointBodyFor(input: SealInput, keyId: string): CheckpointBody {
  const fromPosition = input.fromPosition ?? input.previous?.toPosition ?? 0;
  const last = input.events[input.events.length - 1];
  const toPosition = input.toPosition ?? last?.globalPosition ?? fromPosition;
  const hashes = input.events.map((event) => {
    if (event.globalPosition <= fromPosition || event.globalPosition > toPosition) {
      throw new RangeError(
        `event ${event.id} at ${event.globalPosition} is outside (${fromPosition}, ${toPosition}]`,
      );
    }
    if (!event.hash) throw new TypeError(`event ${event.id} has no hash`);
    return event.hash;
  });
  return {
    sequence: input.previous ? input.previous.sequence + 1 : 1,
    fromPosition,
    toPosition,
    eventCount: input.events.length,
    firstEventId: input.events[0]?.id,
    lastEventId: last?.id,
    merkleRoot: merkleRoot(hashes),
    previousCheckpointHash: input.previous ? checkpointHash(input.previous) : GENESIS_HASH,
    sealedAt: input.sealedAt,
    keyId,
  };
}

/** Ed25519-signs the body; refuses a body whose keyId is not the key's. */
export function signCheckpoint(body: CheckpointBody, privateKey: KeyInput): SignedCheckpoint {
  const key = parseSigningKey(privateKey);
  const keyId = keyIdOf(key);
  if (body.keyId !== keyId) {
    throw new Error(
      `checkpoint ${body.sequence} names key ${body.keyId} but is being signed with key ${keyId}`,
    );
  }
  const clean = checkpointBodyOf(body);
  return {
    ...clean,
    signature: sign(null, checkpointSigningPayload(clean), key).toString('base64'),
  };
}

/** Seals and signs the next checkpoint in one go (with the tree's signed note when given). */
export function sealCheckpoint(input: SealInput, privateKey: KeyInput): SignedCheckpoint {
  const key = parseSigningKey(privateKey);
  const body = checkpointBodyFor(input, keyIdOf(key));
  if (input.tree) {
    body.treeSize = input.tree.treeSize;
    body.note = signCheckpointNote(input.tree, key);
  }
  return signCheckpoint(body, key);
}

/**
 * True when `signature` is a canonical base64 Ed25519 signature of the checkpoint's body by
 * `publicKey` (the keyId field is checked separately by callers). Never throws on bad input.
 */
export function verifyCheckpointSignature(
  checkpoint: SignedCheckpoint,
  publicKey: KeyInput,
): boolean {
  try {
    const signature = checkpoint.signature;
    if (typeof signature !== 'string') return false;
    const bytes = Buffer.from(signature, 'base64');
    // Canonical encoding only: base64 has spare bits, and a re-encoded signature must be the same text.
    if (bytes.length !== 64 || bytes.toString('base64') !== signature) return false;
    return verify(null, checkpointSigningPayload(checkpoint), parsePublicKey(publicKey), bytes);
  } catch {
    return false;
  }
}
