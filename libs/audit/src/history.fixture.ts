/** Test fixture (not exported from the lib): a valid hash-chained history with signed checkpoints. */
import { prng } from '@policloud/domain';
import { chainHashes, eventHash, GENESIS_HASH } from './event-hash';
import { sealCheckpoint, SignedCheckpoint } from './checkpoint';
import { AuditedEvent } from './verify-history';

export interface History {
  events: AuditedEvent[];
  checkpoints: SignedCheckpoint[];
  /** Per checkpoint sequence, the hashes of its range. */
  leaves: Map<number, string[]>;
}

/**
 * `streamOf[i]` is the stream of the event at global position i + 1 (positions 1..n, no gaps);
 * a checkpoint is sealed after every `checkpointEvery` events (the tail after the last is unsealed
 * when `sealTail` is false).
 */
export function buildHistory(
  streamOf: readonly string[],
  privateKey: string,
  checkpointEvery: number,
  sealTail = true,
): History {
  const perStream = new Map<string, number[]>();
  streamOf.forEach((stream, i) => perStream.set(stream, [...(perStream.get(stream) ?? []), i]));
  const events: AuditedEvent[] = new Array(streamOf.length);
  for (const [streamId, indexes] of perStream) {
    const contents = indexes.map((i) => ({
      id: `evt-${i + 1}`,
      type: i % 3 === 0 ? 'OfferPublished' : 'BidPlaced',
      schemaVersion: 1,
      data: { amount: (i * 7919) % 1000, note: `event ${i + 1}`, nested: { ok: i % 2 === 0 } },
      metadata: { actor: `actor-${i % 4}` },
    }));
    const hashes = chainHashes(streamId, contents, 0, GENESIS_HASH);
    indexes.forEach((i, revision) => {
      events[i] = {
        ...contents[revision],
        streamId,
        revision,
        globalPosition: i + 1,
        recordedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
        hash: hashes[revision],
        prevHash: revision === 0 ? GENESIS_HASH : hashes[revision - 1],
      };
    });
  }
  const checkpoints: SignedCheckpoint[] = [];
  const leaves = new Map<number, string[]>();
  for (let start = 0; start < events.length; start += checkpointEvery) {
    const slice = events.slice(start, start + checkpointEvery);
    if (slice.length < checkpointEvery && !sealTail) break;
    const checkpoint = sealCheckpoint(
      {
        previous: checkpoints[checkpoints.length - 1],
        toPosition: slice[slice.length - 1].globalPosition,
        events: slice,
        sealedAt: new Date(Date.UTC(2025, 0, 2, 0, checkpoints.length)).toISOString(),
      },
      privateKey,
    );
    checkpoints.push(checkpoint);
    leaves.set(
      checkpoint.sequence,
      slice.map((e) => e.hash!),
    );
  }
  return { events, checkpoints, leaves };
}

/** A simple history: streams a, b, c interleaved pseudo-randomly. */
export function sampleHistory(
  privateKey: string,
  n = 24,
  checkpointEvery = 8,
  sealTail = true,
  seed = 7,
): History {
  const random = prng(seed);
  const streams = ['site-cannes', 'offer-42', 'bid-7'];
  return buildHistory(
    Array.from({ length: n }, () => streams[Math.floor(random() * streams.length)]),
    privateKey,
    checkpointEvery,
    sealTail,
  );
}

/**
 * Revisions 0 and 2 of one stream, hashes chained and sealed as if revision 1 never existed:
 * what recomputing the hashes after deleting an event leaves.
 */
export function skippedRevisionHistory(
  privateKey: string,
): Pick<History, 'events' | 'checkpoints'> {
  const e0 = {
    id: 'x0',
    streamId: 's',
    revision: 0,
    type: 't',
    schemaVersion: 1,
    data: {},
    metadata: {},
  };
  const e2 = { ...e0, id: 'x2', revision: 2 };
  const h0 = eventHash(e0, GENESIS_HASH);
  const events: AuditedEvent[] = [
    { ...e0, globalPosition: 1, hash: h0, prevHash: GENESIS_HASH },
    { ...e2, globalPosition: 2, hash: eventHash(e2, h0), prevHash: h0 },
  ];
  return { events, checkpoints: [sealCheckpoint({ events, sealedAt: 'x' }, privateKey)] };
}
