import { createHash } from 'node:crypto';
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

/** SHA-256 (hex) of the canonical event chained to the previous event's hash in its stream. */
export function eventHash(event: HashedEventFields, prevHash: string): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        id: event.id,
        stream: event.streamId,
        revision: event.revision,
        type: event.type,
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata,
        prevHash,
      }),
      'utf8',
    )
    .digest('hex');
}

/** Hashes of a batch appended after `prevHash`, starting at `firstRevision`. */
export function chainHashes(
  streamId: string,
  events: readonly Omit<HashedEventFields, 'streamId' | 'revision'>[],
  firstRevision: number,
  prevHash: string,
): string[] {
  const hashes: string[] = [];
  let previous = prevHash;
  events.forEach((event, index) => {
    previous = eventHash({ ...event, streamId, revision: firstRevision + index }, previous);
    hashes.push(previous);
  });
  return hashes;
}
