import { KeyObject } from 'node:crypto';
import { AuditedEvent } from '../audited-event';
import { checkpointHash, SignedCheckpoint, verifyCheckpointSignature } from '../checkpoint';
import { GENESIS_HASH } from '../event-hash';
import { merkleRoot } from '../merkle';
import { logVerifierKey, verifyCheckpointNote } from '../log-tree/checkpoint-note';
import { Inconsistency } from './history-report';

/** Where a checkpoint inconsistency is located: at its toPosition. */
type CheckpointPlace = Pick<Inconsistency, 'checkpointSequence' | 'globalPosition'>;

export interface VerifyingKey {
  key: KeyObject;
  keyId: string;
}

/**
 * A checkpoint's first inconsistency: is it authentic (`checkpoint_signature`), does it chain to
 * the checkpoint given before it (`checkpoint_chain`), does it seal exactly the events of its
 * range (`checkpoint_count`, then `checkpoint_root`)?
 */
export function checkpointProblem(
  checkpoint: SignedCheckpoint,
  previous: SignedCheckpoint | undefined,
  events: readonly AuditedEvent[],
  verifyingKey: VerifyingKey,
): Inconsistency | undefined {
  const at = { checkpointSequence: checkpoint.sequence, globalPosition: checkpoint.toPosition };
  return (
    signatureProblem(checkpoint, verifyingKey, at) ??
    chainProblem(checkpoint, previous, at) ??
    sealedEventsProblem(checkpoint, eventsInRange(events, checkpoint), at)
  );
}

function signatureProblem(
  checkpoint: SignedCheckpoint,
  { key, keyId }: VerifyingKey,
  at: CheckpointPlace,
): Inconsistency | undefined {
  if (checkpoint.keyId !== keyId) {
    return {
      kind: 'checkpoint_signature',
      ...at,
      expected: keyId,
      found: String(checkpoint.keyId),
      message: `checkpoint ${checkpoint.sequence} names key ${checkpoint.keyId}, not the verifying key ${keyId}`,
    };
  }
  if (!verifyCheckpointSignature(checkpoint, key)) {
    return {
      kind: 'checkpoint_signature',
      ...at,
      expected: `a valid Ed25519 signature by key ${keyId}`,
      found: String(checkpoint.signature),
      message: `checkpoint ${checkpoint.sequence}: the signature does not verify with key ${keyId}`,
    };
  }
  return noteProblem(checkpoint, key, at);
}

/** v2 checkpoints: the tree's note states the checkpoint's tree size and is signed by the same key. */
export function noteProblem(
  checkpoint: SignedCheckpoint,
  key: KeyObject,
  at: CheckpointPlace,
): Inconsistency | undefined {
  if (checkpoint.note === undefined && checkpoint.treeSize === undefined) return undefined;
  const origin = noteOrigin(checkpoint.note);
  const verification =
    checkpoint.note === undefined || origin === undefined
      ? undefined
      : verifyCheckpointNote(checkpoint.note, {
          logKeys: [logVerifierKey(origin, key)],
          treeSize: checkpoint.treeSize ?? -1,
        });
  if (verification?.ok) return undefined;
  return {
    kind: 'checkpoint_signature',
    ...at,
    expected: `a checkpoint note of tree size ${checkpoint.treeSize} signed by the checkpoint's key`,
    found: String(checkpoint.note),
    message: `checkpoint ${checkpoint.sequence}: ${
      verification?.failures.map((f) => f.message).join('; ') ??
      'a tree size without its note, or a note without its tree size'
    }`,
  };
}

function noteOrigin(note: string | undefined): string | undefined {
  const origin = note?.split('\n', 1)[0];
  return origin ? origin : undefined;
}

/** Sequences increase; previousCheckpointHash and fromPosition link to the sequence before. */
function chainProblem(
  checkpoint: SignedCheckpoint,
  previous: SignedCheckpoint | undefined,
  at: CheckpointPlace,
): Inconsistency | undefined {
  if (previous && checkpoint.sequence <= previous.sequence) {
    return {
      kind: 'checkpoint_chain',
      ...at,
      expected: `sequence > ${previous.sequence}`,
      found: String(checkpoint.sequence),
      message: `checkpoint ${checkpoint.sequence} comes after checkpoint ${previous.sequence}`,
    };
  }
  const follows = previous && previous.sequence === checkpoint.sequence - 1 ? previous : undefined;
  const linked =
    checkpoint.sequence === 1 ? GENESIS_HASH : follows ? checkpointHash(follows) : undefined;
  if (linked !== undefined && checkpoint.previousCheckpointHash !== linked) {
    return {
      kind: 'checkpoint_chain',
      ...at,
      expected: linked,
      found: checkpoint.previousCheckpointHash,
      message: `checkpoint ${checkpoint.sequence}: previousCheckpointHash is not the hash of checkpoint ${checkpoint.sequence - 1}`,
    };
  }
  if (follows && checkpoint.fromPosition !== follows.toPosition) {
    return {
      kind: 'checkpoint_chain',
      ...at,
      expected: String(follows.toPosition),
      found: String(checkpoint.fromPosition),
      message: `checkpoint ${checkpoint.sequence} starts after ${checkpoint.fromPosition}, but checkpoint ${follows.sequence} ends at ${follows.toPosition}`,
    };
  }
  return undefined;
}

/** The count, the Merkle root and the first/last event ids of the events the range holds. */
function sealedEventsProblem(
  checkpoint: SignedCheckpoint,
  covered: readonly AuditedEvent[],
  at: CheckpointPlace,
): Inconsistency | undefined {
  const range = `(${checkpoint.fromPosition}, ${checkpoint.toPosition}]`;
  if (covered.length !== checkpoint.eventCount) {
    return {
      kind: 'checkpoint_count',
      ...at,
      expected: String(checkpoint.eventCount),
      found: String(covered.length),
      message: `checkpoint ${checkpoint.sequence} sealed ${checkpoint.eventCount} events in ${range}, the log has ${covered.length}`,
    };
  }
  const root = merkleRoot(covered.map((event) => event.hash ?? ''));
  if (root !== checkpoint.merkleRoot) {
    return {
      kind: 'checkpoint_root',
      ...at,
      expected: checkpoint.merkleRoot,
      found: root,
      message: `checkpoint ${checkpoint.sequence}: the Merkle root of the events in ${range} differs from the sealed one (an event was changed, removed, added or moved)`,
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
}

/** The events in the checkpoint's range (fromPosition, toPosition] (events in global order). */
function eventsInRange(
  events: readonly AuditedEvent[],
  checkpoint: SignedCheckpoint,
): readonly AuditedEvent[] {
  return events.slice(
    upperBound(events, checkpoint.fromPosition),
    upperBound(events, checkpoint.toPosition),
  );
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
