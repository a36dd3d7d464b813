import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** The previous hash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** What an event's hash covers: everything but where and when the store put it. */
export interface HashedEventFields {
  id: string;
  streamId: string;
  revision: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
}

/** An event whose data and metadata are already canonical JSON text. */
export interface CanonicalEventFields extends Omit<HashedEventFields, 'data' | 'metadata'> {
  dataJson: string;
  metadataJson: string;
}

/**
 * SHA-256 (hex) of the RFC 8785 form of {data, id, metadata, prevHash, revision, schemaVersion,
 * stream, type} — keys in canonical order, assembled around data and metadata already
 * canonicalised, so an append canonicalises each payload once and stores that same text.
 */
export function canonicalEventHash(event: CanonicalEventFields, prevHash: string): string {
  return envelopeHash(event, jsonString(event.streamId), event.revision, prevHash);
}

/** The hash of one event, its stream id already in JSON (once per batch). */
function envelopeHash(
  event: Omit<CanonicalEventFields, 'streamId' | 'revision'>,
  streamJson: string,
  revision: number,
  prevHash: string,
): string {
  const envelope =
    '{"data":' +
    event.dataJson +
    ',"id":' +
    jsonString(event.id) +
    ',"metadata":' +
    event.metadataJson +
    ',"prevHash":' +
    jsonString(prevHash) +
    ',"revision":' +
    jsonNumber(revision) +
    ',"schemaVersion":' +
    jsonNumber(event.schemaVersion) +
    ',"stream":' +
    streamJson +
    ',"type":' +
    jsonString(event.type) +
    '}';
  // One-shot hashing: no hash object per event on the append path.
  return hash('sha256', envelope, 'hex');
}

/**
 * JSON.stringify(value), without calling it for the short strings that need no escaping (ids,
 * hashes, types): a third of the envelope's cost on the append path.
 */
function jsonString(value: unknown): string {
  if (typeof value !== 'string' || value.length > 128) return JSON.stringify(value);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    // Control characters, quote, backslash, surrogates: JSON.stringify escapes them.
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) {
      return JSON.stringify(value);
    }
  }
  return '"' + value + '"';
}

/** JSON.stringify(value): a finite number serialises as String(number) does. */
function jsonNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value)
    ? String(value)
    : JSON.stringify(value);
}

/** SHA-256 (hex) of the canonical event chained to the previous event's hash in its stream. */
export function eventHash(event: HashedEventFields, prevHash: string): string {
  // Only the hashed fields: a verifier calls this for every event, whatever else events carry.
  const canonical = {
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    dataJson: canonicalJson(event.data),
    metadataJson: canonicalJson(event.metadata),
  };
  return envelopeHash(canonical, jsonString(event.streamId), event.revision, prevHash);
}

/** Hashes of a batch of canonical events appended after `prevHash`, from `firstRevision`. */
export function chainCanonicalHashes(
  streamId: string,
  events: readonly Omit<CanonicalEventFields, 'streamId' | 'revision'>[],
  firstRevision: number,
  prevHash: string,
): string[] {
  const hashes = new Array<string>(events.length);
  const streamJson = jsonString(streamId);
  let previous = prevHash;
  for (let index = 0; index < events.length; index++) {
    previous = envelopeHash(events[index], streamJson, firstRevision + index, previous);
    hashes[index] = previous;
  }
  return hashes;
}

/** Hashes of a batch appended after `prevHash`, starting at `firstRevision`. */
export function chainHashes(
  streamId: string,
  events: readonly Omit<HashedEventFields, 'streamId' | 'revision'>[],
  firstRevision: number,
  prevHash: string,
): string[] {
  return chainCanonicalHashes(
    streamId,
    events.map((event) => ({
      ...event,
      dataJson: canonicalJson(event.data),
      metadataJson: canonicalJson(event.metadata),
    })),
    firstRevision,
    prevHash,
  );
}
