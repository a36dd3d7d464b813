import { Inject, Injectable } from '@nestjs/common';
import type {
  BundleCheckpoint,
  CertificateEvidenceEvent,
  EventInclusion,
  EventInclusionProver,
  KeyRotation,
} from '@policloud/audit';
import {
  AUDIT_CHECKPOINT_STREAM,
  AUDIT_WITNESS_STREAM,
  eventOfType,
  SealedCheckpoint,
} from '@policloud/domain';
import {
  EVENT_STORE,
  EventStore,
  RecordedEvent,
  StreamNotFoundError,
} from '@policloud/event-store';
import { LogTreeStore } from './log-tree.store';

/**
 * Proves events into the one RFC 9162 tree over the whole log: each event's leaf and its audit
 * path into the tree size of the newest sealed checkpoint (which covers every older one), with
 * that checkpoint's signed note, its witnesses' cosignatures and the key rotations a verifier
 * follows from the key it trusts. Events beyond that tree size are unsealed.
 */
@Injectable()
export class LogTreeInclusionProver implements EventInclusionProver {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly tree: LogTreeStore,
  ) {}

  async prove(events: readonly CertificateEvidenceEvent[]) {
    const checkpointStream = await this.read(AUDIT_CHECKPOINT_STREAM);
    const keyRotations: KeyRotation[] = checkpointStream.flatMap((event) => {
      const rotated = eventOfType(event, 'AuditSigningKeyRotated');
      return rotated ? [rotated.data] : [];
    });
    const newest = checkpointStream
      .flatMap((event) => {
        const sealed = eventOfType(event, 'AuditCheckpointSealed');
        return sealed ? [sealed.data] : [];
      })
      .filter((sealed) => sealed.note !== undefined && sealed.treeSize !== undefined)
      .at(-1);
    const proofs: EventInclusion[] = [];
    const unsealed: string[] = [];
    const leaves = await this.tree.leavesOf(events.map((event) => event.id));
    for (const event of events) {
      const leaf = leaves.get(event.id);
      if (!newest || !leaf || leaf.leafIndex >= newest.treeSize!) {
        unsealed.push(event.id);
        continue;
      }
      proofs.push({
        eventId: event.id,
        leafIndex: leaf.leafIndex,
        proof: await this.tree.inclusionProof(leaf.leafIndex, newest.treeSize!),
      });
    }
    return {
      proofs,
      checkpoint: newest ? await this.bundleCheckpoint(newest) : null,
      keyRotations,
      unsealed,
    };
  }

  private async bundleCheckpoint(sealed: SealedCheckpoint): Promise<BundleCheckpoint> {
    const cosignatures = (await this.read(AUDIT_WITNESS_STREAM)).flatMap((event) => {
      const cosigned = eventOfType(event, 'CheckpointCosigned');
      return cosigned && cosigned.data.treeSize === sealed.treeSize
        ? [cosigned.data.cosignature]
        : [];
    });
    return {
      sequence: sealed.sequence,
      treeSize: sealed.treeSize!,
      keyId: sealed.keyId,
      note: sealed.note!,
      cosignatures,
    };
  }

  private async read(streamId: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(streamId);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}
