import { DomainError } from '../shared/domain-error';
import {
  CertifyUsage,
  ClaimCertificate,
  EnergyCertificateCommand,
} from './energy-certificate.commands';
import {
  EnergyCertificateCancelled,
  EnergyCertificateEvent,
  EnergyCertificateIssued,
} from './energy-certificate.events';
import { isActive, OfferHourCertificates } from './energy-certificate.evolve';

/** What the offer-hour's energy offer says now (looked up by the caller). */
export interface OfferHourContext {
  /** Wh the producer could deliver in the hour: offered minus curtailed (deliverableWh). */
  deliverableWh: number;
}

/**
 * One stream per offer-hour, so its two invariants are decided in one place: the Wh certified on
 * an offer-hour never exceed what it could deliver, and an allocation's hour of this energy has at
 * most one certificate in force.
 */
export function decideEnergyCertificate(
  command: EnergyCertificateCommand,
  state: OfferHourCertificates,
  context: OfferHourContext,
): EnergyCertificateEvent[] {
  switch (command.type) {
    case 'CertifyUsage':
      return certifyUsage(command.data, state, context);
    case 'ClaimCertificate':
      return claimCertificate(command.data, state);
  }
}

function certifyUsage(
  input: CertifyUsage['data'],
  state: OfferHourCertificates,
  context: OfferHourContext,
): EnergyCertificateEvent[] {
  const { allocation, offerId } = input;
  const energy = allocation.energy.find((entry) => entry.offerId === offerId);
  if (!energy) {
    throw DomainError.invalid([
      {
        field: 'offerId',
        message: `allocation ${allocation.allocationId} runs on no energy of offer ${offerId}`,
      },
    ]);
  }
  const ofAllocation = state.certificates.filter(
    (entry) => entry.evidence.allocationId === allocation.allocationId,
  );
  const current = ofAllocation.find(isActive);
  const certifiedByOthers = state.certificates
    .filter((entry) => isActive(entry) && entry.evidence.allocationId !== allocation.allocationId)
    .reduce((sum, entry) => sum + entry.wh, 0);
  // Metered Wh beyond what matching allocated from the offer, or beyond what the offer could
  // deliver once the other allocations' certificates are counted, came from elsewhere.
  const wh = Math.max(
    0,
    Math.min(input.meteredWh, energy.wh, context.deliverableWh - certifiedByOthers),
  );
  if (current && current.wh === wh && current.gpuHours === input.gpuHours) return [];
  if (!current && wh === 0) return [];

  const events: EnergyCertificateEvent[] = [];
  if (current) {
    const cancelled: EnergyCertificateCancelled = {
      type: 'EnergyCertificateCancelled',
      schemaVersion: 1,
      data: {
        certificateId: current.certificateId,
        offerId,
        slot: allocation.slot,
        reason: 'usage-amended',
        usageRevision: input.evidence.usageRevision,
        cancelledAt: input.recordedAt,
      },
    };
    events.push(cancelled);
  }
  if (wh > 0) {
    const issued: EnergyCertificateIssued = {
      type: 'EnergyCertificateIssued',
      schemaVersion: 1,
      data: {
        certificateId: certificateIdOf(allocation.allocationId, offerId, ofAllocation.length + 1),
        slot: allocation.slot,
        siteId: allocation.siteId,
        country: allocation.site.country,
        biddingZone: input.biddingZone,
        wh,
        energySource: energy.source,
        producerId: energy.producerId,
        offerId,
        emissionFactorGPerKwh: energy.carbonGPerKwh,
        gpuHours: input.gpuHours,
        gpuModel: allocation.site.gpuModel,
        beneficiaryId: allocation.buyerId,
        orderId: allocation.orderId,
        evidence: input.evidence,
        issuedAt: input.recordedAt,
      },
    };
    events.push(issued);
  }
  return events;
}

function claimCertificate(
  input: ClaimCertificate['data'],
  state: OfferHourCertificates,
): EnergyCertificateEvent[] {
  const entry = state.certificates.find((c) => c.certificateId === input.certificateId);
  if (!entry) throw DomainError.notFound('Certificate', input.certificateId);
  if (entry.beneficiaryId !== input.claimantId) {
    throw DomainError.forbidden(
      `Only the beneficiary may claim certificate ${entry.certificateId}`,
    );
  }
  if (entry.status === 'cancelled') {
    throw DomainError.conflict(
      `Certificate ${entry.certificateId} was cancelled by an amendment of its usage: claim its replacement`,
    );
  }
  if (entry.status === 'claimed') return [];
  return [
    {
      type: 'EnergyCertificateClaimed',
      schemaVersion: 1,
      data: {
        certificateId: entry.certificateId,
        offerId: entry.offerId,
        slot: entry.slot,
        beneficiaryId: entry.beneficiaryId,
        claimedAt: input.claimedAt,
      },
    },
  ];
}

/** Readable and unique: the n-th certificate of an allocation's hour of one offer's energy. */
export const certificateIdOf = (allocationId: string, offerId: string, issue: number): string =>
  `gc.${allocationId}.${offerId}.${issue}`;
