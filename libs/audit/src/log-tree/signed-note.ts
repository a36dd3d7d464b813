import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import { KeyInput, parsePublicKey, parseSigningKey } from '../checkpoint';

/**
 * C2SP signed notes (c2sp.org/signed-note), tlog checkpoints (c2sp.org/tlog-checkpoint) and
 * cosignatures (c2sp.org/tlog-cosignature), with node:crypto Ed25519.
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n      the checkpoint (the note's text)
 *   \n
 *   — <key name> base64(key id ‖ signature)\n         one line per signature
 *
 * key id = SHA-256(name ‖ 0x0A ‖ type ‖ 32-byte public key)[:4]; type 0x01 is an Ed25519 note
 * signature over the text, 0x04 a cosignature/v1 whose signature is timestamp (u64 BE) ‖ Ed25519
 * over "cosignature/v1\ntime <t>\n" ‖ text.
 */

export const NOTE_SIGNATURE_ED25519 = 0x01;
export const NOTE_SIGNATURE_COSIGNATURE_V1 = 0x04;
const EM_DASH = '\u2014';

export interface CheckpointFields {
  origin: string;
  treeSize: number;
  /** Lowercase hex, 32 bytes. */
  rootHash: string;
}

export interface NoteSignature {
  name: string;
  keyId: string;
  /** The signature bytes after the 4-byte key id. */
  signature: Buffer;
}

export interface SignedNote {
  text: string;
  signatures: NoteSignature[];
}

/** A verifier key: who signs (name), how (type) and the key id the signature lines carry. */
export interface NoteVerifier {
  name: string;
  type: number;
  keyId: string;
  publicKey: KeyObject;
}

const ORIGIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;
const KEY_NAME = /^[^\s+]+$/;

/** The checkpoint's note text: origin, tree size, base64 root hash, each ending in a newline. */
export function checkpointText(fields: CheckpointFields): string {
  if (!ORIGIN.test(fields.origin)) throw new TypeError(`origin ${JSON.stringify(fields.origin)}`);
  if (!Number.isSafeInteger(fields.treeSize) || fields.treeSize < 0)
    throw new RangeError(`tree size ${fields.treeSize}`);
  if (!/^[0-9a-f]{64}$/.test(fields.rootHash)) throw new TypeError('root hash is not 32 bytes');
  const root = Buffer.from(fields.rootHash, 'hex').toString('base64');
  return `${fields.origin}\n${fields.treeSize}\n${root}\n`;
}

/** Reads a checkpoint's note text; throws with the reason when it is not one. */
export function parseCheckpointText(text: string): CheckpointFields {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '')
    throw new TypeError('a checkpoint has an origin, a tree size and a root hash line');
  const [origin, size, root] = lines;
  if (!ORIGIN.test(origin)) throw new TypeError('the origin line is empty or not printable');
  if (!/^(?:0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size)))
    throw new TypeError(`the tree size line is not a decimal number: ${JSON.stringify(size)}`);
  const rootBytes = Buffer.from(root, 'base64');
  if (rootBytes.length !== 32 || rootBytes.toString('base64') !== root)
    throw new TypeError('the root hash line is not the base64 of 32 bytes');
  return { origin, treeSize: Number(size), rootHash: rootBytes.toString('hex') };
}

/** The raw 32-byte Ed25519 public key. */
export function rawPublicKey(key: KeyInput): Buffer {
  const der = parsePublicKey(key).export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** The 4-byte key id (hex) of a signer named `name` with this key and signature type. */
export function noteKeyId(name: string, type: number, publicKey: KeyInput): string {
  return createHash('sha256')
    .update(
      Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.of(type), rawPublicKey(publicKey)]),
    )
    .digest()
    .subarray(0, 4)
    .toString('hex');
}

/** The verifier key text `<name>+<hex key id>+<base64(type ‖ public key)>` (what `key.pub` files hold). */
export function verifierKeyText(name: string, publicKey: KeyInput, type: number): string {
  if (!KEY_NAME.test(name)) throw new TypeError(`key name ${JSON.stringify(name)}`);
  const encoded = Buffer.concat([Buffer.of(type), rawPublicKey(publicKey)]).toString('base64');
  return `${name}+${noteKeyId(name, type, publicKey)}+${encoded}`;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Reads a verifier key text; throws with the reason when it is malformed or its id is wrong. */
export function parseVerifierKey(text: string): NoteVerifier {
  // The base64 key may itself hold '+': split on the first two only.
  const match = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+={0,2})$/.exec(text.trim());
  if (!match) throw new TypeError('a verifier key is <name>+<8 hex key id>+<base64 key>');
  const [, name, keyId, encoded] = match;
  const bytes = Buffer.from(encoded, 'base64');
  if (!KEY_NAME.test(name)) throw new TypeError('the verifier key has no name');
  if (bytes.length !== 33)
    throw new TypeError('the verifier key is not a 33-byte typed Ed25519 key');
  const type = bytes[0];
  if (type !== NOTE_SIGNATURE_ED25519 && type !== NOTE_SIGNATURE_COSIGNATURE_V1)
    throw new TypeError(`signature type 0x${type.toString(16)} is not Ed25519 nor cosignature/v1`);
  const publicKey = createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, bytes.subarray(1)]),
    format: 'der',
    type: 'spki',
  });
  if (noteKeyId(name, type, publicKey) !== keyId)
    throw new TypeError(`the verifier key's id ${keyId} does not match its name and key`);
  return { name, type, keyId, publicKey };
}

/** A signature line for `text`, signed by `name` with an Ed25519 key (note signature, type 0x01). */
export function noteSignatureLine(text: string, name: string, privateKey: KeyInput): string {
  const key = parseSigningKey(privateKey);
  const keyId = Buffer.from(noteKeyId(name, NOTE_SIGNATURE_ED25519, key), 'hex');
  const signature = sign(null, Buffer.from(text, 'utf8'), key);
  return `${EM_DASH} ${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/** The signed message of a cosignature/v1. */
export function cosignedMessage(text: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${text}`, 'utf8');
}

/** A cosignature/v1 line for checkpoint `text`, by witness `name`, at `timestamp` (Unix seconds). */
export function cosignatureLine(
  text: string,
  name: string,
  privateKey: KeyInput,
  timestamp: number,
): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp');
  const key = parseSigningKey(privateKey);
  const keyId = Buffer.from(noteKeyId(name, NOTE_SIGNATURE_COSIGNATURE_V1, key), 'hex');
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(timestamp));
  const signature = sign(null, cosignedMessage(text, timestamp), key);
  return `${EM_DASH} ${name} ${Buffer.concat([keyId, time, signature]).toString('base64')}\n`;
}

/** Joins a note's text and signature lines. */
export function signedNote(text: string, signatureLines: readonly string[]): string {
  return `${text}\n${signatureLines.join('')}`;
}

/** Splits a signed note into its text and signature lines; throws with the reason when malformed. */
export function parseSignedNote(note: string): SignedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n'))
    throw new TypeError('a signed note is text, a blank line, then signature lines');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2, -1)
    .split('\n')
    .map((line) => parseSignatureLine(`${line}\n`));
  if (signatures.length === 0) throw new TypeError('the note has no signature');
  return { text, signatures };
}

export function parseSignatureLine(line: string): NoteSignature {
  const match = /^\u2014 (\S+) ([A-Za-z0-9+/]+={0,2})\n$/.exec(line);
  if (!match) throw new TypeError(`not a note signature line: ${JSON.stringify(line)}`);
  const bytes = Buffer.from(match[2], 'base64');
  if (bytes.length < 5 || bytes.toString('base64') !== match[2])
    throw new TypeError(
      `the signature of ${match[1]} is not canonical base64 of a key id and a signature`,
    );
  return {
    name: match[1],
    keyId: bytes.subarray(0, 4).toString('hex'),
    signature: bytes.subarray(4),
  };
}

/** Does `signature` verify over `text` with this verifier? (name, key id, type-specific bytes). */
export function verifyNoteSignature(
  text: string,
  signature: NoteSignature,
  verifier: NoteVerifier,
): boolean {
  try {
    if (signature.name !== verifier.name || signature.keyId !== verifier.keyId) return false;
    if (verifier.type === NOTE_SIGNATURE_ED25519) {
      return (
        signature.signature.length === 64 &&
        verify(null, Buffer.from(text, 'utf8'), verifier.publicKey, signature.signature)
      );
    }
    if (signature.signature.length !== 72) return false;
    const timestamp = signature.signature.readBigUInt64BE(0);
    if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) return false;
    return verify(
      null,
      cosignedMessage(text, Number(timestamp)),
      verifier.publicKey,
      signature.signature.subarray(8),
    );
  } catch {
    return false;
  }
}

/** The Unix-seconds timestamp a cosignature/v1 carries. */
export function cosignatureTimestamp(signature: NoteSignature): number {
  return Number(signature.signature.readBigUInt64BE(0));
}
