import type { AllocationRecord } from '../matching-run/matching-run.events';
import { Command } from '../shared/event';
import type { CertificateEvidence } from './energy-certificate.events';

/**
 * Certify what one allocation metered in its hour from one offer: issue a certificate, or, when
 * its usage was amended, cancel the current one and issue its replacement.
 */
export type CertifyUsage = Command<
  'CertifyUsage',
  {
    allocation: AllocationRecord;
    offerId: string;
    /** The offer's share of the metered Wh (see splitMeteredWh), before any cap. */
    meteredWh: number;
    gpuHours: number;
    biddingZone: string;
    evidence: CertificateEvidence;
    /** When the usage was recorded: reportedAt or amendedAt. */
    recordedAt: string;
  }
>;

export type ClaimCertificate = Command<
  'ClaimCertificate',
  { certificateId: string; claimantId: string; claimedAt: string }
>;

export type EnergyCertificateCommand = CertifyUsage | ClaimCertificate;
