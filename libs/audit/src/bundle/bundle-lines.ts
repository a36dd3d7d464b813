import { AuditedEvent } from '../audited-event';
import { SignedCheckpoint } from '../checkpoint';
import { InclusionProof } from '../merkle';

/**
 * Offline audit bundle, NDJSON (one JSON value per line, "\n"-separated, each line exactly as
 * JSON.stringify writes it):
 *
 *   line 1   {"kind":"header","format":"policloud-audit-bundle/2","publicKey","keyId",["keyRotations",]"generatedAt",
 *             "selection","throughPosition","checkpoints","eventCount","streams","eventsDigest","signature"}
 *   then     {"kind":"checkpoint",<SignedCheckpoint fields>[,"cosignatures":[<C2SP cosignature line>…]]}
 *                                                                                   (sequence order;
 *            v2 checkpoints carry treeSize and note; cosignatures verify on their own, unsigned here)
 *   then     {"kind":"event","event":{<BundledEvent>},"proof":{"checkpointSequence","leafIndex","treeSize","path"} | null}
 *                                                                                   (global order)
 *
 * What an auditor can trust: checkpoints (signed), every sealed event (hash recomputed from its
 * content + prevHash, then proven into a signed checkpoint's Merkle root), and the header, signed
 * with the same key: the selection, and exactly which checkpoints and events (stream, revision,
 * position, hash) answer it. So a removed, added, duplicated or moved line fails, and a filtered
 * export is told apart from a truncated one. Unsealed events (proof null, after the last
 * checkpoint) are authenticated by the header's signature only.
 */
/** An event as exported: only fields the hash covers, plus its global position. */
export type BundledEvent = Omit<AuditedEvent, 'recordedAt' | 'hash' | 'prevHash'> & {
  hash: string;
  prevHash: string;
};

/**
 * The exported fields of an event, in the order a bundle writes them, with the chain link it
 * was stored with (the caller decides what an event without one becomes).
 */
export function bundledEventOf(
  event: AuditedEvent,
  chain: { hash: string; prevHash: string },
): BundledEvent {
  return {
    id: event.id,
    streamId: event.streamId,
    revision: event.revision,
    globalPosition: event.globalPosition,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    hash: chain.hash,
    prevHash: chain.prevHash,
  };
}

export interface BundleProof extends InclusionProof {
  checkpointSequence: number;
}

export interface BundleCheckpointLine extends SignedCheckpoint {
  kind: 'checkpoint';
}

export interface BundleEventLine {
  kind: 'event';
  event: BundledEvent;
  proof: BundleProof | null;
}
