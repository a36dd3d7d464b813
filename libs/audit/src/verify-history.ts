import {
  checkpointHash,
  keyIdOf,
  KeyInput,
  parsePublicKey,
  SignedCheckpoint,
  verifyCheckpointSignature,
} from './checkpoint';
import { eventHash, GENESIS_HASH } from './event-hash';
import { merkleRoot } from './merkle';

/**
 * The part of a stored event the audit needs. Structurally, the event store's RecordedEvent is
 * assignable to it (this lib does not depend on the event store).
 */
export interface AuditedEvent {
  id: string;
  streamId: string;
  revision: number;
  /** Strictly increasing in the global log (gaps allowed). */
  globalPosition: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  /** Not covered by any hash: never trusted, never exported in bundles. */
  recordedAt?: string;
  hash?: string;
  prevHash?: string;
}

export type InconsistencyKind =
  | 'event_order'
  | 'event_hash'
  | 'chain_break'
  | 'checkpoint_root'
  | 'checkpoint_signature'
  | 'checkpoint_chain'
  | 'checkpoint_count';

export interface Inconsistency {
  kind: InconsistencyKind;
  eventId?: string;
  globalPosition?: number;
  streamId?: string;
  checkpointSequence?: number;
  expected: string;
  found: string;
  message: string;
}

export interface VerifyHistoryInput {
  /** A contiguous range of the global log, in global order. */
  events: readonly AuditedEvent[];
  /** Per stream, the hash of its event just before the range; absent when the range starts the stream. */
  predecessors?: ReadonlyMap<string, string>;
  /** Signed checkpoints in sequence order (may extend beyond the range: those are skipped). */
  checkpoints?: readonly SignedCheckpoint[];
  publicKey: KeyInput;
  /**
   * The range that was read: (fromPosition, toPosition]. Defaults to (first position - 1, last
   * position]. Pass the head position as toPosition, otherwise a deletion of the range's very last
   * events shrinks the default range and the checkpoint covering them is skipped rather than failed.
   */
  range?: { fromPosition: number; toPosition: number };
}

export interface VerifyHistoryResult {
  ok: boolean;
  /** Events whose hash and chain link were verified before the first inconsistency (if any). */
  eventsChecked: number;
  /** Checkpoints fully verified (root, count, signature, chain). */
  checkpointsChecked: number;
  /** Checkpoints given whose range is not fully inside the events: not checked at all. */
  checkpointsSkipped: number;
  firstInconsistency?: Inconsistency;
}

/** Index of the first event with globalPosition > position (events in increasing position). */
function upperBound(events: readonly AuditedEvent[], position: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid].globalPosition <= position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Replays the hash chains and the checkpoints over a range of the log and reports the first
 * inconsistency in global order. Precedence:
 *
 *  - Events are checked in global order; for one event, `event_order` (position not increasing or
 *    outside the range), then `event_hash` (recomputed from content + stated prevHash vs stored),
 *    then `chain_break` (prevHash vs previous event of the stream / predecessor / GENESIS, then a
 *    revision gap).
 *  - A checkpoint is checked once every event up to its toPosition has passed, i.e. just before the
 *    first event after its range: its problems are located at its toPosition. For one checkpoint:
 *    `checkpoint_signature` (is it authentic? also a keyId that is not the key's), then
 *    `checkpoint_chain` (sequence order, previousCheckpointHash, contiguous ranges with the
 *    previous checkpoint given), then `checkpoint_count`, then `checkpoint_root` (also
 *    first/lastEventId).
 *
 * So: edited event content → event_hash at that event; a deleted event → chain_break at the next
 * event of its stream if that one is inside the same checkpoint, else checkpoint_count; two events
 * of different streams swapped → checkpoint_root; a swapped or forged signature →
 * checkpoint_signature; history rewritten with all hashes recomputed → checkpoint_root (or _count).
 */
export function verifyHistory(input: VerifyHistoryInput): VerifyHistoryResult {
  const events = input.events;
  const predecessors = input.predecessors ?? new Map<string, string>();
  const all = input.checkpoints ?? [];
  const publicKey = parsePublicKey(input.publicKey);
  const keyId = keyIdOf(publicKey);
  const rangeFrom =
    input.range?.fromPosition ?? (events.length > 0 ? events[0].globalPosition - 1 : 0);
  const rangeTo =
    input.range?.toPosition ??
    (events.length > 0 ? events[events.length - 1].globalPosition : rangeFrom);

  const inRange = all
    .map((checkpoint, index) => ({ checkpoint, index }))
    .filter(
      ({ checkpoint }) => checkpoint.fromPosition >= rangeFrom && checkpoint.toPosition <= rangeTo,
    );
  let eventsChecked = 0;
  let checkpointsChecked = 0;
  const result = (firstInconsistency?: Inconsistency): VerifyHistoryResult => ({
    ok: firstInconsistency === undefined,
    eventsChecked,
    checkpointsChecked,
    checkpointsSkipped: all.length - inRange.length,
    ...(firstInconsistency ? { firstInconsistency } : {}),
  });

  const checkCheckpoint = (
    checkpoint: SignedCheckpoint,
    index: number,
  ): Inconsistency | undefined => {
    const at = { checkpointSequence: checkpoint.sequence, globalPosition: checkpoint.toPosition };
    if (checkpoint.keyId !== keyId) {
      return {
        kind: 'checkpoint_signature',
        ...at,
        expected: keyId,
        found: String(checkpoint.keyId),
        message: `checkpoint ${checkpoint.sequence} names key ${checkpoint.keyId}, not the verifying key ${keyId}`,
      };
    }
    if (!verifyCheckpointSignature(checkpoint, publicKey)) {
      return {
        kind: 'checkpoint_signature',
        ...at,
        expected: `a valid Ed25519 signature by key ${keyId}`,
        found: String(checkpoint.signature),
        message: `checkpoint ${checkpoint.sequence}: the signature does not verify with key ${keyId}`,
      };
    }
    const previous = index > 0 ? all[index - 1] : undefined;
    if (previous && checkpoint.sequence <= previous.sequence) {
      return {
        kind: 'checkpoint_chain',
        ...at,
        expected: `sequence > ${previous.sequence}`,
        found: String(checkpoint.sequence),
        message: `checkpoint ${checkpoint.sequence} comes after checkpoint ${previous.sequence}`,
      };
    }
    const linked =
      checkpoint.sequence === 1
        ? GENESIS_HASH
        : previous && previous.sequence === checkpoint.sequence - 1
          ? checkpointHash(previous)
          : undefined;
    if (linked !== undefined && checkpoint.previousCheckpointHash !== linked) {
      return {
        kind: 'checkpoint_chain',
        ...at,
        expected: linked,
        found: checkpoint.previousCheckpointHash,
        message: `checkpoint ${checkpoint.sequence}: previousCheckpointHash is not the hash of checkpoint ${checkpoint.sequence - 1}`,
      };
    }
    if (
      previous &&
      previous.sequence === checkpoint.sequence - 1 &&
      checkpoint.fromPosition !== previous.toPosition
    ) {
      return {
        kind: 'checkpoint_chain',
        ...at,
        expected: String(previous.toPosition),
        found: String(checkpoint.fromPosition),
        message: `checkpoint ${checkpoint.sequence} starts after ${checkpoint.fromPosition}, but checkpoint ${previous.sequence} ends at ${previous.toPosition}`,
      };
    }
    const covered = events.slice(
      upperBound(events, checkpoint.fromPosition),
      upperBound(events, checkpoint.toPosition),
    );
    if (covered.length !== checkpoint.eventCount) {
      return {
        kind: 'checkpoint_count',
        ...at,
        expected: String(checkpoint.eventCount),
        found: String(covered.length),
        message: `checkpoint ${checkpoint.sequence} sealed ${checkpoint.eventCount} events in (${checkpoint.fromPosition}, ${checkpoint.toPosition}], the log has ${covered.length}`,
      };
    }
    const root = merkleRoot(covered.map((event) => event.hash ?? ''));
    if (root !== checkpoint.merkleRoot) {
      return {
        kind: 'checkpoint_root',
        ...at,
        expected: checkpoint.merkleRoot,
        found: root,
        message: `checkpoint ${checkpoint.sequence}: the Merkle root of the events in (${checkpoint.fromPosition}, ${checkpoint.toPosition}] differs from the sealed one (an event was changed, removed, added or moved)`,
      };
    }
    const first = covered[0]?.id;
    const last = covered[covered.length - 1]?.id;
    if (
      (checkpoint.firstEventId !== undefined && checkpoint.firstEventId !== first) ||
      (checkpoint.lastEventId !== undefined && checkpoint.lastEventId !== last)
    ) {
      return {
        kind: 'checkpoint_root',
        ...at,
        expected: `${checkpoint.firstEventId}..${checkpoint.lastEventId}`,
        found: `${first}..${last}`,
        message: `checkpoint ${checkpoint.sequence}: first/last event ids differ from the sealed ones`,
      };
    }
    return undefined;
  };

  let next = 0; // next in-range checkpoint to check
  const flushUpTo = (position: number): Inconsistency | undefined => {
    while (next < inRange.length && inRange[next].checkpoint.toPosition < position) {
      const problem = checkCheckpoint(inRange[next].checkpoint, inRange[next].index);
      if (problem) return problem;
      checkpointsChecked += 1;
      next += 1;
    }
    return undefined;
  };

  const lastOfStream = new Map<string, AuditedEvent>();
  let previousPosition = rangeFrom;
  for (const event of events) {
    const pending = flushUpTo(event.globalPosition);
    if (pending) return result(pending);
    const at = {
      eventId: event.id,
      globalPosition: event.globalPosition,
      streamId: event.streamId,
    };

    if (!(event.globalPosition > previousPosition) || event.globalPosition > rangeTo) {
      return result({
        kind: 'event_order',
        ...at,
        expected: `a position in (${previousPosition}, ${rangeTo}]`,
        found: String(event.globalPosition),
        message: `event ${event.id} at position ${event.globalPosition} is out of global order or outside the range`,
      });
    }
    previousPosition = event.globalPosition;

    const recomputed = eventHash(event, event.prevHash ?? '');
    if (event.hash !== recomputed || event.prevHash === undefined) {
      return result({
        kind: 'event_hash',
        ...at,
        expected: recomputed,
        found: event.hash ?? '(missing)',
        message:
          event.prevHash === undefined
            ? `event ${event.id} has no prevHash`
            : `event ${event.id} (${event.streamId}@${event.revision}): its content does not hash to the stored hash`,
      });
    }

    const last = lastOfStream.get(event.streamId);
    const predecessor = predecessors.get(event.streamId);
    const expectedPrev = last ? last.hash! : (predecessor ?? GENESIS_HASH);
    const source = last
      ? `${event.streamId}@${last.revision}`
      : predecessor !== undefined
        ? 'the given predecessor'
        : 'GENESIS';
    if (event.prevHash !== expectedPrev) {
      const gap =
        last && event.revision !== last.revision + 1
          ? ` (revision ${last.revision + 1} is missing)`
          : '';
      return result({
        kind: 'chain_break',
        ...at,
        expected: expectedPrev,
        found: event.prevHash,
        message: `event ${event.id} (${event.streamId}@${event.revision}): prevHash does not link to ${source}${gap}`,
      });
    }
    const expectedRevision = last ? last.revision + 1 : predecessor === undefined ? 0 : undefined;
    if (
      (expectedRevision !== undefined && event.revision !== expectedRevision) ||
      (expectedRevision === undefined && event.revision === 0)
    ) {
      return result({
        kind: 'chain_break',
        ...at,
        expected: expectedRevision === undefined ? 'revision > 0' : `revision ${expectedRevision}`,
        found: `revision ${event.revision}`,
        message: `event ${event.id}: stream ${event.streamId} jumps to revision ${event.revision} after ${source}`,
      });
    }
    lastOfStream.set(event.streamId, event);
    eventsChecked += 1;
  }
  const pending = flushUpTo(Number.POSITIVE_INFINITY);
  return result(pending);
}
