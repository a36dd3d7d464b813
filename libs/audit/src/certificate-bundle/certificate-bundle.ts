import type { EnergyCertificate, SealedCheckpoint } from '@policloud/domain';
import type { AuditedEvent } from '../audited-event';
import type { KeyRotation } from '../key-rotation';
import type { InclusionProof } from '../merkle';

/**
 * v2 proves every event into the one RFC 9162 tree over the whole log, under one C2SP checkpoint
 * note; v1 (range checkpoints, each its own Merkle tree) is no longer produced but still verifies.
 */
export const CERTIFICATE_BUNDLE_FORMAT = 'policloud-certificate-bundle/2';
export const CERTIFICATE_BUNDLE_FORMAT_V1 = 'policloud-certificate-bundle/1';

/** A certificate in force as the platform lists it: issued, or claimed by its beneficiary. */
export type CertificateView = EnergyCertificate & {
  status: 'issued' | 'claimed';
  claimedAt?: string;
};

/** An event of the bundle, with what its hash covers and the hash chain link it was stored with. */
export type CertificateEvidenceEvent = Omit<AuditedEvent, 'recordedAt'> & {
  hash: string;
  prevHash: string;
};

/** v1: where an event sits in a range checkpoint: an RFC 6962 audit path up to its root. */
export interface RangeEventInclusion {
  eventId: string;
  /** The checkpoint whose Merkle root the path leads to. */
  checkpointSequence: number;
  proof: InclusionProof;
}

/** Where an event sits in the one log tree: its leaf and the RFC 9162 path to the note's root. */
export interface EventInclusion {
  eventId: string;
  leafIndex: number;
  /** Its `treeSize` is the checkpoint's. */
  proof: InclusionProof;
}

/** The newest sealed checkpoint of the whole-log tree when the bundle was exported. */
export interface BundleCheckpoint {
  sequence: number;
  treeSize: number;
  /** The key id of the platform key that signed it (a rotated one for an old checkpoint). */
  keyId: string;
  /** The C2SP signed note: origin, tree size, base64 root hash, the platform's signature. */
  note: string;
  /** C2SP cosignature/v1 lines of witnesses; `note + cosignatures.join('')` is the cosigned note. */
  cosignatures: string[];
}

/** What every version of a certificate bundle holds: the certificates selected and their events. */
export interface CertificateSelection {
  generatedAt: string;
  beneficiaryId: string;
  /** Slots [from, to) the certificates were selected on. */
  from: string;
  to: string;
  certificates: CertificateView[];
  events: CertificateEvidenceEvent[];
  /** Ids of the events no checkpoint covers yet. */
  unsealed: string[];
}

/**
 * Offline evidence for a buyer's certificates: each certificate, the events it derives from (its
 * issue and claim, the allocation and the metered usage), each event's leaf index and inclusion
 * proof into the tree size of the newest sealed checkpoint, and that checkpoint's signed note with
 * its cosignatures. Events not in that tree yet are listed in `unsealed`: seal, then export again
 * for a bundle that verifies in full. It carries no trusted key: the verifier brings the platform
 * key it trusts, and follows `keyRotations` from it to the key that signed the note.
 */
export interface CertificateBundle extends CertificateSelection {
  format: typeof CERTIFICATE_BUNDLE_FORMAT;
  proofs: EventInclusion[];
  /** Null when nothing is sealed yet: every event is then unsealed. */
  checkpoint: BundleCheckpoint | null;
  /** Every rotation of the platform's signing key, oldest first. */
  keyRotations: KeyRotation[];
}

/** v1 bundles: each event proven into the range checkpoint sealing it. Verified, not produced. */
export interface CertificateBundleV1 extends CertificateSelection {
  format: typeof CERTIFICATE_BUNDLE_FORMAT_V1;
  proofs: RangeEventInclusion[];
  checkpoints: SealedCheckpoint[];
}

/** Proves events are in the signed log: leaves of the one tree under its newest checkpoint. */
export interface EventInclusionProver {
  prove(events: readonly CertificateEvidenceEvent[]): Promise<{
    proofs: EventInclusion[];
    checkpoint: BundleCheckpoint | null;
    keyRotations: KeyRotation[];
    unsealed: string[];
  }>;
}

/** Assembles a bundle in a stable order: certificates by slot then id, events by log position. */
export function buildCertificateBundle(
  input: Omit<CertificateBundle, 'format'>,
): CertificateBundle {
  return {
    format: CERTIFICATE_BUNDLE_FORMAT,
    generatedAt: input.generatedAt,
    beneficiaryId: input.beneficiaryId,
    from: input.from,
    to: input.to,
    certificates: [...input.certificates].sort((a, b) =>
      a.slot === b.slot
        ? a.certificateId.localeCompare(b.certificateId)
        : a.slot.localeCompare(b.slot),
    ),
    events: [...input.events].sort((a, b) => a.globalPosition - b.globalPosition),
    proofs: [...input.proofs].sort((a, b) => a.leafIndex - b.leafIndex),
    checkpoint: input.checkpoint,
    keyRotations: input.keyRotations,
    unsealed: [...input.unsealed].sort(),
  };
}
