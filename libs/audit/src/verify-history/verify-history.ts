import { AuditedEvent } from '../audited-event';
import { keyIdOf, parsePublicKey, SignedCheckpoint } from '../checkpoint';
import { KeyObject } from 'node:crypto';
import { followKeyChain } from '../key-rotation';
import { MemoryLogTree } from '../log-tree/memory-log-tree';
import { parseCheckpointText, parseSignedNote } from '../log-tree/signed-note';
import { checkpointProblem, VerifyingKey } from './checkpoint-checks';
import { EventChains } from './event-chain-checks';
import { Inconsistency, VerifyHistoryInput, VerifyHistoryResult } from './history-report';

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
  const range = input.range ?? defaultRange(events);
  const checkpoints = new PendingCheckpoints(input, range);
  const chains = new EventChains(input.predecessors ?? new Map<string, string>(), range);
  let eventsChecked = 0;
  const result = (firstInconsistency?: Inconsistency): VerifyHistoryResult => ({
    ok: firstInconsistency === undefined,
    eventsChecked,
    checkpointsChecked: checkpoints.checked,
    checkpointsSkipped: checkpoints.skipped,
    ...(firstInconsistency ? { firstInconsistency } : {}),
  });

  for (const event of events) {
    const problem = checkpoints.checkBefore(event.globalPosition) ?? chains.check(event);
    if (problem) return result(problem);
    checkpoints.addLeaf(event);
    eventsChecked += 1;
  }
  return result(checkpoints.checkBefore(Number.POSITIVE_INFINITY));
}

/** (first position - 1, last position], or (0, 0] without events. */
function defaultRange(events: readonly AuditedEvent[]): {
  fromPosition: number;
  toPosition: number;
} {
  const fromPosition = events.length > 0 ? events[0].globalPosition - 1 : 0;
  const toPosition = events.length > 0 ? events[events.length - 1].globalPosition : fromPosition;
  return { fromPosition, toPosition };
}

/**
 * The checkpoints whose range lies inside the range read, checked in order as the events pass
 * their toPosition; the others are skipped.
 */
class PendingCheckpoints {
  private readonly all: readonly SignedCheckpoint[];
  private readonly inRange: { checkpoint: SignedCheckpoint; index: number }[];
  private readonly verifyingKey: VerifyingKey;
  /** Every key the rotations connect to the verifying key: each checkpoint is checked with its own. */
  private readonly chain: Map<string, KeyObject>;
  private next = 0;
  checked = 0;
  /**
   * The whole-log tree, replayed when the range starts the log and a v2 checkpoint is in it: each
   * checkpoint note's tree size and root must be the log's.
   */
  private readonly tree?: MemoryLogTree;

  constructor(
    private readonly input: VerifyHistoryInput,
    range: { fromPosition: number; toPosition: number },
  ) {
    this.all = input.checkpoints ?? [];
    const key = parsePublicKey(input.publicKey);
    this.verifyingKey = { key, keyId: keyIdOf(key) };
    this.chain = followKeyChain(key, input.rotations ?? []).keys;
    this.inRange = this.all
      .map((checkpoint, index) => ({ checkpoint, index }))
      .filter(
        ({ checkpoint }) =>
          checkpoint.fromPosition >= range.fromPosition &&
          checkpoint.toPosition <= range.toPosition,
      );
    if (range.fromPosition === 0 && this.inRange.some(({ checkpoint }) => checkpoint.note)) {
      this.tree = new MemoryLogTree();
    }
  }

  /** The checkpoint's own key when the chain holds it, else the verifying key (which then fails). */
  private keyOf(checkpoint: SignedCheckpoint): VerifyingKey {
    const key = this.chain.get(checkpoint.keyId);
    return key ? { key, keyId: checkpoint.keyId } : this.verifyingKey;
  }

  addLeaf(event: AuditedEvent): void {
    this.tree?.append(event.hash ?? '');
  }

  get skipped(): number {
    return this.all.length - this.inRange.length;
  }

  /** Checks every pending checkpoint that ends before the position; the first problem found. */
  checkBefore(position: number): Inconsistency | undefined {
    while (
      this.next < this.inRange.length &&
      this.inRange[this.next].checkpoint.toPosition < position
    ) {
      const { checkpoint, index } = this.inRange[this.next];
      const previous = index > 0 ? this.all[index - 1] : undefined;
      const problem =
        checkpointProblem(checkpoint, previous, this.input.events, this.keyOf(checkpoint)) ??
        this.treeProblem(checkpoint);
      if (problem) return problem;
      this.checked += 1;
      this.next += 1;
    }
    return undefined;
  }

  private treeProblem(checkpoint: SignedCheckpoint): Inconsistency | undefined {
    if (!this.tree || checkpoint.note === undefined) return undefined;
    const at = { checkpointSequence: checkpoint.sequence, globalPosition: checkpoint.toPosition };
    if (checkpoint.treeSize !== this.tree.size) {
      return {
        kind: 'checkpoint_count',
        ...at,
        expected: String(checkpoint.treeSize),
        found: String(this.tree.size),
        message: `checkpoint ${checkpoint.sequence} states a whole-log tree of ${checkpoint.treeSize} events, the log has ${this.tree.size} up to position ${checkpoint.toPosition}`,
      };
    }
    const stated = noteTreeRoot(checkpoint.note);
    const root = this.tree.root();
    if (stated !== root) {
      return {
        kind: 'checkpoint_root',
        ...at,
        expected: String(stated),
        found: root,
        message: `checkpoint ${checkpoint.sequence}: the root of the whole-log tree of ${this.tree.size} events differs from its signed note's`,
      };
    }
    return undefined;
  }
}

function noteTreeRoot(note: string): string | undefined {
  try {
    return parseCheckpointText(parseSignedNote(note).text).rootHash;
  } catch {
    return undefined;
  }
}
