import { noteProblem } from '../verify-history/checkpoint-checks';
import { logVerifierKey, verifyCheckpointNote } from '../log-tree/checkpoint-note';
import { checkpointHash, SignedCheckpoint, verifyCheckpointSignature } from '../checkpoint';
import { GENESIS_HASH } from '../event-hash';
import { ContentsTally } from './contents-tally';
import { VerifyingKey } from './header-trust';
import { LineProblem } from './verification';

/** A checkpoint line as read: `valid` once it verified, `lastLeafIndex` of its last proven event. */
export interface CheckpointEntry {
  checkpoint: SignedCheckpoint;
  line: number;
  valid: boolean;
  lastLeafIndex: number;
}

/** The checkpoint lines read so far, in sequence order. */
export class CheckpointLines {
  private readonly bySequence = new Map<number, CheckpointEntry>();
  private last: CheckpointEntry | undefined;
  /** Set by the first event line: no checkpoint line may follow. */
  closed = false;

  get(sequence: number): CheckpointEntry | undefined {
    return this.bySequence.get(sequence);
  }

  /** The first checkpoint read whose range (from, to] holds the position. */
  covering(position: number): CheckpointEntry | undefined {
    return [...this.bySequence.values()].find(
      (c) => c.checkpoint.fromPosition < position && position <= c.checkpoint.toPosition,
    );
  }

  /**
   * Takes the line in when it is in place (before the events, after a lower sequence); returns
   * its entry and the one it follows, or the order problem.
   */
  add(
    checkpoint: SignedCheckpoint,
    line: number,
  ): LineProblem | { entry: CheckpointEntry; previous?: CheckpointEntry } {
    if (this.closed)
      return { kind: 'order', message: 'checkpoint lines must come before event lines' };
    const previous = this.last;
    if (previous && checkpoint.sequence <= previous.checkpoint.sequence) {
      return {
        kind: 'order',
        message: `checkpoint ${checkpoint.sequence} follows checkpoint ${previous.checkpoint.sequence}`,
      };
    }
    const entry: CheckpointEntry = { checkpoint, line, valid: false, lastLeafIndex: -1 };
    this.last = entry;
    this.bySequence.set(checkpoint.sequence, entry);
    return { entry, previous };
  }
}

/** A checkpoint line the signed header does not list (recorded in the tally either way). */
export function unlistedCheckpoint(
  checkpoint: SignedCheckpoint,
  tally: ContentsTally | undefined,
): LineProblem | undefined {
  if (!tally || tally.checkpoint(checkpoint.sequence)) return undefined;
  return {
    kind: 'unlisted',
    message: `checkpoint ${checkpoint.sequence} is not among the checkpoints the signed header lists (the line was added)`,
  };
}

/** Is the checkpoint signed by the verifying key, and does it name that key? */
export function checkpointSignatureProblem(
  checkpoint: SignedCheckpoint,
  verifyingKey: VerifyingKey | undefined,
): LineProblem | undefined {
  const kind = 'checkpoint_signature';
  if (!verifyingKey)
    return {
      kind,
      message: `checkpoint ${checkpoint.sequence}: no usable public key to verify it`,
    };
  const { key, keyId } = verifyingKey;
  if (checkpoint.keyId !== keyId)
    return {
      kind,
      message: `checkpoint ${checkpoint.sequence} names key ${checkpoint.keyId}, not ${keyId}`,
    };
  if (!verifyCheckpointSignature(checkpoint, key))
    return {
      kind,
      message: `checkpoint ${checkpoint.sequence}: the signature does not verify with key ${keyId} (the checkpoint or its signature was altered)`,
    };
  const note = noteProblem(checkpoint, key, {});
  return note ? { kind, message: note.message } : undefined;
}

/**
 * Checkpoint 1 follows GENESIS; a checkpoint that follows its valid predecessor in the bundle
 * links to its hash and starts where it ends. After a gap or a failed predecessor nothing is said.
 */
export function checkpointChainProblem(
  checkpoint: SignedCheckpoint,
  previous: CheckpointEntry | undefined,
): LineProblem | undefined {
  const kind = 'checkpoint_chain';
  if (checkpoint.sequence === 1 && checkpoint.previousCheckpointHash !== GENESIS_HASH)
    return { kind, message: 'checkpoint 1 must follow GENESIS' };
  if (!previous || previous.checkpoint.sequence !== checkpoint.sequence - 1 || !previous.valid)
    return undefined;
  const before = previous.checkpoint;
  if (checkpoint.previousCheckpointHash !== checkpointHash(before))
    return {
      kind,
      message: `checkpoint ${checkpoint.sequence}: previousCheckpointHash is not the hash of checkpoint ${before.sequence} (line ${previous.line})`,
    };
  if (checkpoint.fromPosition !== before.toPosition)
    return {
      kind,
      message: `checkpoint ${checkpoint.sequence} starts after ${checkpoint.fromPosition}, checkpoint ${before.sequence} ends at ${before.toPosition}`,
    };
  return undefined;
}

/** The witnesses an auditor trusts, and how many of them must have cosigned each checkpoint. */
export interface WitnessPolicy {
  witnesses: readonly string[];
  quorum: number;
}

/**
 * With a quorum: the checkpoint is a v2 one (it has a note) and at least `quorum` of the trusted
 * witnesses cosigned that note. Cosignatures by unknown keys are reported only if the quorum fails.
 */
export function cosignatureQuorumProblem(
  checkpoint: SignedCheckpoint,
  cosignatures: readonly string[],
  verifyingKey: VerifyingKey | undefined,
  policy: WitnessPolicy | undefined,
): LineProblem | undefined {
  if (!policy || policy.quorum <= 0 || !verifyingKey) return undefined;
  const kind = 'checkpoint_cosignatures';
  if (checkpoint.note === undefined)
    return {
      kind,
      message: `checkpoint ${checkpoint.sequence} predates the whole-log tree: no witness cosigned it (quorum ${policy.quorum})`,
    };
  const origin = checkpoint.note.split('\n', 1)[0];
  const verification = verifyCheckpointNote(checkpoint.note + cosignatures.join(''), {
    logKeys: [logVerifierKey(origin, verifyingKey.key)],
    witnesses: policy.witnesses,
    quorum: policy.quorum,
  });
  if (verification.ok) return undefined;
  return {
    kind,
    message: `checkpoint ${checkpoint.sequence} (tree size ${checkpoint.treeSize}): ${verification.failures.map((f) => f.message).join('; ')}`,
  };
}
