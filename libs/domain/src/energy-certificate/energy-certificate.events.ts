import type { EnergySource } from '../energy-offer/energy-offer.events';
import { CountryCode } from '../shared/countries';
import { DomainEvent } from '../shared/event';

/**
 * The events a certificate derives from, by stream and revision (event ids are the store's
 * business, not the domain's): the allocation a matching run recorded, and the usage report or
 * amendment whose metered Wh it certifies. An exported bundle resolves them to event ids and log
 * positions and proves their inclusion.
 */
export interface CertificateEvidence {
  /** The matching run stream holding the AllocationMade event. */
  runId: string;
  allocationId: string;
  /** The allocation-usage stream and the revision of the UsageReported/UsageAmended event. */
  usageStreamId: string;
  usageRevision: number;
}

/**
 * An hourly energy-to-compute certificate, after the EnergyTag Granular Certificate fields: one
 * offer's energy (source, producer, emission factor) consumed at one site (country, bidding zone)
 * in one hour, with the GPU-hours it ran and the buyer as beneficiary.
 */
export interface EnergyCertificate {
  certificateId: string;
  /** The hour of production and consumption: the slot (start, UTC); it ends one hour later. */
  slot: string;
  siteId: string;
  country: CountryCode;
  /** ENTSO-E bidding zone of the site (see biddingZoneOf). */
  biddingZone: string;
  /** Metered Wh this certificate covers (the offer's share of the allocation's consumption). */
  wh: number;
  energySource: EnergySource;
  producerId: string;
  offerId: string;
  /** gCO2e/kWh of the offer, as matching recorded it on the allocation. */
  emissionFactorGPerKwh: number;
  /** GPU-hours delivered in the hour by the allocation this energy ran. */
  gpuHours: number;
  gpuModel: string;
  /** The buyer, who alone may claim it. */
  beneficiaryId: string;
  orderId: string;
  evidence: CertificateEvidence;
  issuedAt: string;
}

export type EnergyCertificateIssued = DomainEvent<'EnergyCertificateIssued', EnergyCertificate, 1>;

/** The beneficiary claimed (retired) the certificate for its own consumption. */
export type EnergyCertificateClaimed = DomainEvent<
  'EnergyCertificateClaimed',
  {
    certificateId: string;
    offerId: string;
    slot: string;
    beneficiaryId: string;
    claimedAt: string;
  },
  1
>;

/** The usage it certified was amended: it no longer holds; a replacement may be issued with it. */
export type EnergyCertificateCancelled = DomainEvent<
  'EnergyCertificateCancelled',
  {
    certificateId: string;
    offerId: string;
    slot: string;
    reason: 'usage-amended';
    /** The usage amendment that voided it. */
    usageRevision: number;
    cancelledAt: string;
  },
  1
>;

export type EnergyCertificateEvent =
  EnergyCertificateIssued | EnergyCertificateClaimed | EnergyCertificateCancelled;
