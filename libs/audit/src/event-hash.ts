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
  const envelope =
    `{"data":${event.dataJson},"id":${JSON.stringify(event.id)},"metadata":${event.metadataJson},` +
    `"prevHash":${JSON.stringify(prevHash)},"revision":${JSON.stringify(event.revision)},` +
    `"schemaVersion":${JSON.stringify(event.schemaVersion)},"stream":${JSON.stringify(event.streamId)},` +
    `"type":${JSON.stringify(event.type)}}`;
  // One-shot hashing: no hash object per event on the append path.
  return hash('sha256', envelope, 'hex');
}

/** SHA-256 (hex) of the canonical event chained to the previous event's hash in its stream. */
export function eventHash(event: HashedEventFields, prevHash: string): string {
  return canonicalEventHash(
    { ...event, dataJson: canonicalJson(event.data), metadataJson: canonicalJson(event.metadata) },
    prevHash,
  );
}

/** Hashes of a batch of canonical events appended after `prevHash`, from `firstRevision`. */
export function chainCanonicalHashes(
  streamId: string,
  events: readonly Omit<CanonicalEventFields, 'streamId' | 'revision'>[],
  firstRevision: number,
  prevHash: string,
): string[] {
  const hashes = new Array<string>(events.length);
  let previous = prevHash;
  for (let index = 0; index < events.length; index++) {
    const event = events[index];
    previous = canonicalEventHash(
      {
        id: event.id,
        streamId,
        revision: firstRevision + index,
        type: event.type,
        schemaVersion: event.schemaVersion,
        dataJson: event.dataJson,
        metadataJson: event.metadataJson,
      },
      previous,
    );
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
