import { AuditedEvent } from '../audited-event';
import { KeyInput, SignedCheckpoint } from '../checkpoint';
import type { KeyRotation } from '../key-rotation';

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
  /** Key rotations of the log: checkpoints signed by any key they connect to publicKey verify. */
  rotations?: readonly KeyRotation[];
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
