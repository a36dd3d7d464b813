import type { EnergyCertificate, SealedCheckpoint } from '@policloud/domain';
import type { AuditedEvent } from '../audited-event';
import type { InclusionProof } from '../merkle';

export const CERTIFICATE_BUNDLE_FORMAT = 'policloud-certificate-bundle/1';

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

/** Where an event sits in the signed log: an RFC 6962 audit path up to a checkpoint's root. */
export interface EventInclusion {
  eventId: string;
  /** The checkpoint whose Merkle root the path leads to. */
  checkpointSequence: number;
  proof: InclusionProof;
}

/**
 * Offline evidence for a buyer's certificates: each certificate, the events it derives from (its
 * issue and claim, the allocation and the metered usage), their inclusion proofs and the signed
 * checkpoints those lead to. Events not sealed yet are listed in `unsealed`: seal, then export
 * again for a bundle that verifies in full. It carries no key: the verifier brings the checkpoint
 * key it trusts (published by the platform), since a key shipped with the evidence proves nothing.
 */
export interface CertificateBundle {
  format: typeof CERTIFICATE_BUNDLE_FORMAT;
  generatedAt: string;
  beneficiaryId: string;
  /** Slots [from, to) the certificates were selected on. */
  from: string;
  to: string;
  certificates: CertificateView[];
  events: CertificateEvidenceEvent[];
  proofs: EventInclusion[];
  checkpoints: SealedCheckpoint[];
  unsealed: string[];
}

/**
 * Proves events are in the signed log. Today: the range checkpoint sealing each event. The one
 * log tree (RFC 9162 checkpoints over the whole log) replaces the implementation, not the callers.
 */
export interface EventInclusionProver {
  prove(events: readonly CertificateEvidenceEvent[]): Promise<{
    proofs: EventInclusion[];
    checkpoints: SealedCheckpoint[];
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
    proofs: [...input.proofs].sort((a, b) => a.eventId.localeCompare(b.eventId)),
    checkpoints: [...input.checkpoints].sort((a, b) => a.sequence - b.sequence),
    unsealed: [...input.unsealed].sort(),
  };
}
