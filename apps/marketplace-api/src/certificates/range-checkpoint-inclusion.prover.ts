import { Inject, Injectable } from '@nestjs/common';
import {
  CertificateEvidenceEvent,
  EventInclusion,
  EventInclusionProver,
  MerkleTree,
} from '@policloud/audit';
import { AUDIT_CHECKPOINT_STREAM, expectEvent, SealedCheckpoint } from '@policloud/domain';
import { EVENT_STORE, EventStore, StreamNotFoundError } from '@policloud/event-store';

const PAGE = 5_000;

/**
 * Inclusion proofs against today's checkpoints, each a Merkle tree over its own range of the log:
 * an event's proof is its audit path in the tree of the checkpoint whose range holds it. The one
 * log tree of RFC 9162 checkpoints will replace this implementation behind EventInclusionProver.
 */
@Injectable()
export class RangeCheckpointInclusionProver implements EventInclusionProver {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async prove(events: readonly CertificateEvidenceEvent[]) {
    const checkpoints = await this.checkpoints();
    const trees = new Map<number, { tree: MerkleTree; leafOf: Map<string, number> }>();
    const proofs: EventInclusion[] = [];
    const unsealed: string[] = [];
    const used = new Map<number, SealedCheckpoint>();
    for (const event of events) {
      const checkpoint = checkpoints.find(
        (candidate) =>
          event.globalPosition > candidate.fromPosition &&
          event.globalPosition <= candidate.toPosition,
      );
      if (!checkpoint) {
        unsealed.push(event.id);
        continue;
      }
      let sealed = trees.get(checkpoint.sequence);
      if (!sealed) {
        sealed = await this.treeOf(checkpoint);
        trees.set(checkpoint.sequence, sealed);
      }
      const leaf = sealed.leafOf.get(event.id);
      if (leaf === undefined) {
        unsealed.push(event.id);
        continue;
      }
      used.set(checkpoint.sequence, checkpoint);
      proofs.push({
        eventId: event.id,
        checkpointSequence: checkpoint.sequence,
        proof: sealed.tree.proof(leaf),
      });
    }
    return { proofs, checkpoints: [...used.values()], unsealed };
  }

  private async checkpoints(): Promise<SealedCheckpoint[]> {
    try {
      return (await this.store.readStream(AUDIT_CHECKPOINT_STREAM)).map(
        (event) => expectEvent(event, 'AuditCheckpointSealed').data,
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /** The checkpoint's tree: the stored hashes of its range, in log order. */
  private async treeOf(checkpoint: SealedCheckpoint) {
    const hashes: string[] = [];
    const leafOf = new Map<string, number>();
    let after = checkpoint.fromPosition;
    while (after < checkpoint.toPosition) {
      const page = (await this.store.readAll({ after, maxCount: PAGE })).filter(
        (event) => event.globalPosition <= checkpoint.toPosition,
      );
      if (page.length === 0) break;
      for (const event of page) {
        leafOf.set(event.id, hashes.length);
        hashes.push(event.hash ?? '');
      }
      after = page[page.length - 1].globalPosition;
    }
    return { tree: new MerkleTree(hashes), leafOf };
  }
}
