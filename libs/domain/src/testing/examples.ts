/**
 * Example commands, events and contexts shared by the unit specs and the contract test: one
 * small marketplace (a host, two producers, a buyer, one 360-GPU site) on 2026-03-01.
 */
import { AllocationUsageContext, ReportUsage } from '../allocation-usage';
import { ComputeOrderFilled, PlaceComputeOrder } from '../compute-order';
import { EnergyAllocated, EnergyOfferContext, ListEnergyOffer } from '../energy-offer';
import { ParticipantContext, ParticipantRole } from '../participant';
import { AllocationInput, AllocationMade, RecordMatchingRun } from '../matching-run';
import { fold } from '../shared/aggregate';
import {
  AgreementSet,
  evolveSite,
  initialSiteState,
  RegisterSite,
  Site,
  SiteContext,
  SiteEvent,
  SiteRegistered,
} from '../site';

export const PARTICIPANTS: Record<string, readonly ParticipantRole[]> = {
  'host-1': ['host'],
  'host-2': ['host', 'producer'],
  'producer-1': ['producer'],
  'producer-2': ['producer'],
  'buyer-1': ['buyer'],
};

export const siteContext = (participants = PARTICIPANTS): SiteContext => ({
  findParticipant: (id) => (participants[id] ? { roles: participants[id] } : undefined),
});

export function registerSite(overrides: Partial<RegisterSite['data']> = {}): RegisterSite {
  return {
    type: 'RegisterSite',
    data: {
      siteId: 'site-1',
      name: 'Éoliennes de la Beauce',
      model: 'PC-360',
      gpuCount: 360,
      gpuModel: 'H100',
      gpuPowerKw: 0.7,
      pue: 1.125,
      location: { lat: 48.3, lon: 1.6 },
      country: 'FR',
      operatorLegalEntity: 'Policloud SAS',
      operatorJurisdiction: 'FR',
      certifications: ['SecNumCloud'],
      hostParticipantId: 'host-1',
      heatRecovery: { enabled: true, recoveredShareBps: 6_000 },
      reservePricePerGpuHour: 150,
      currency: 'EUR',
      ...overrides,
    },
  };
}

export const siteRegistered = (
  overrides: Partial<SiteRegistered['data']> = {},
): SiteRegistered => ({
  type: 'SiteRegistered',
  schemaVersion: 1,
  data: {
    siteId: 'site-1',
    name: 'Éoliennes de la Beauce',
    model: 'PC-360',
    gpuCount: 360,
    gpuModel: 'H100',
    gpuPowerKw: '0.7',
    pue: '1.125',
    energyPerGpuHourWh: 788,
    location: { lat: 48.3, lon: 1.6 },
    country: 'FR',
    operatorLegalEntity: 'Policloud SAS',
    operatorJurisdiction: 'FR',
    certifications: ['SecNumCloud'],
    hostParticipantId: 'host-1',
    heatRecovery: { enabled: true, recoveredShareBps: 6_000 },
    reservePricePerGpuHour: 150,
    currency: 'EUR',
    ...overrides,
  },
});

export const agreementSet = (overrides: Partial<AgreementSet['data']> = {}): AgreementSet => ({
  type: 'AgreementSet',
  schemaVersion: 1,
  data: {
    siteId: 'site-1',
    version: 1,
    effectiveFrom: '2026-03-01T00:00:00Z',
    hostParticipantId: 'host-1',
    producers: [{ participantId: 'producer-1' }],
    producersShareBps: 7_000,
    hostShareBps: 3_000,
    ...overrides,
  },
});

/** The site as other aggregates see it through their context. */
export const siteAfter = (events: readonly SiteEvent[]): Site =>
  fold(evolveSite, initialSiteState(), events) as Site;

export const offerContext = (...sites: Site[]): EnergyOfferContext => ({
  findSite: (siteId) => sites.find((site) => site.siteId === siteId),
});

export const participantContext = (...sites: Site[]): ParticipantContext => ({
  findSite: (siteId) => sites.find((site) => site.siteId === siteId),
});

export function listEnergyOffer(overrides: Partial<ListEnergyOffer['data']> = {}): ListEnergyOffer {
  return {
    type: 'ListEnergyOffer',
    data: {
      offerId: 'offer-1',
      producerId: 'producer-1',
      listedAt: '2026-03-01T08:30:00.000Z',
      siteIds: ['site-1'],
      source: 'wind',
      carbonGPerKwh: 12,
      floorPricePerMwh: 4_000,
      currency: 'EUR',
      profile: [
        { slot: '2026-03-01T11:00:00Z', wh: 200_000 },
        { slot: '2026-03-01T10:00:00Z', wh: 150_000 },
      ],
      ...overrides,
    },
  };
}

export const energyAllocated = (
  overrides: Partial<EnergyAllocated['data']> = {},
): EnergyAllocated => ({
  type: 'EnergyAllocated',
  schemaVersion: 1,
  data: {
    offerId: 'offer-1',
    slot: '2026-03-01T10:00:00Z',
    wh: 50_000,
    allocationId: 'alloc-1',
    ...overrides,
  },
});

export function placeComputeOrder(
  overrides: Partial<PlaceComputeOrder['data']> = {},
): PlaceComputeOrder {
  return {
    type: 'PlaceComputeOrder',
    data: {
      orderId: 'order-1',
      buyerId: 'buyer-1',
      placedAt: '2026-03-01T08:00:00.000Z',
      gpus: 8,
      hours: 4,
      earliestStart: '2026-03-01T10:00:00Z',
      deadline: '2026-03-01T20:00:00Z',
      maxPricePerGpuHour: 250,
      currency: 'EUR',
      ...overrides,
    },
  };
}

export const computeOrderFilled = (
  overrides: Partial<ComputeOrderFilled['data']> = {},
): ComputeOrderFilled => ({
  type: 'ComputeOrderFilled',
  schemaVersion: 1,
  data: {
    orderId: 'order-1',
    allocationId: 'alloc-1',
    siteId: 'site-1',
    slot: '2026-03-01T10:00:00Z',
    gpus: 8,
    pricePerGpuHour: 180,
    ...overrides,
  },
});

/**
 * Order 1 (8 GPUs) on site 1 at 10:00, on wind energy of producer 1: e = 788 Wh, so 6304 Wh.
 * Its reserve is the site's 150 (the energy part, 788 Wh × 40 €/MWh / 0.9, is 4 cents).
 */
export function allocationInput(overrides: Partial<AllocationInput> = {}): AllocationInput {
  return {
    allocationId: 'alloc-1',
    orderId: 'order-1',
    buyerId: 'buyer-1',
    siteId: 'site-1',
    slot: '2026-03-01T10:00:00Z',
    gpus: 8,
    pricePerGpuHour: 180,
    currency: 'EUR',
    energyPerGpuHourWh: 788,
    reservePerGpuHour: 150,
    energy: [
      {
        offerId: 'offer-1',
        producerId: 'producer-1',
        wh: 6_304,
        source: 'wind',
        carbonGPerKwh: 12,
        floorPricePerMwh: 4_000,
      },
    ],
    site: {
      country: 'FR',
      operatorJurisdiction: 'FR',
      operatorLegalEntity: 'Policloud SAS',
      certifications: ['SecNumCloud'],
      hostParticipantId: 'host-1',
      gpuModel: 'H100',
    },
    ...overrides,
  };
}

/** Order 1 again at 11:00, on wind of producer 1 and solar of producer 2, at a higher price. */
export const secondAllocationInput = (overrides: Partial<AllocationInput> = {}): AllocationInput =>
  allocationInput({
    allocationId: 'alloc-2',
    slot: '2026-03-01T11:00:00Z',
    pricePerGpuHour: 190,
    energy: [
      {
        offerId: 'offer-1',
        producerId: 'producer-1',
        wh: 4_000,
        source: 'wind',
        carbonGPerKwh: 12,
        floorPricePerMwh: 4_000,
      },
      {
        offerId: 'offer-2',
        producerId: 'producer-2',
        wh: 2_304,
        source: 'solar',
        carbonGPerKwh: 30,
        floorPricePerMwh: 3_500,
      },
    ],
    ...overrides,
  });

export function recordMatchingRun(
  overrides: Partial<RecordMatchingRun['data']> = {},
): RecordMatchingRun {
  return {
    type: 'RecordMatchingRun',
    data: {
      runId: 'run-1',
      requestedBy: 'operator-1',
      completedAt: '2026-03-01T09:00:05.250Z',
      horizon: { from: '2026-03-01T10:00:00Z', to: '2026-03-01T12:00:00Z' },
      inputPosition: 42,
      inputHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      platformFeeBps: 1_000,
      welfare: 1_600,
      allocations: [allocationInput(), secondAllocationInput()],
      prices: [
        { siteId: 'site-1', slot: '2026-03-01T10:00:00Z', currency: 'EUR', pricePerGpuHour: 180 },
        { siteId: 'site-1', slot: '2026-03-01T11:00:00Z', currency: 'EUR', pricePerGpuHour: 190 },
      ],
      unfilledOrderIds: ['order-2'],
      ...overrides,
    },
  };
}

export const allocationMade = (
  overrides: Partial<AllocationMade['data']> = {},
): AllocationMade => ({
  type: 'AllocationMade',
  schemaVersion: 1,
  data: {
    runId: 'run-1',
    ...(allocationInput() as Omit<AllocationMade['data'], 'runId'>),
    ...overrides,
  },
});

/** The allocations a usage report may name, as the caller finds them (a read model). */
export const usageContext = (...allocations: AllocationMade['data'][]): AllocationUsageContext => ({
  findAllocation: (allocationId) => allocations.find((a) => a.allocationId === allocationId),
});

export function reportUsage(overrides: Partial<ReportUsage['data']> = {}): ReportUsage {
  return {
    type: 'ReportUsage',
    data: {
      allocationId: 'alloc-1',
      siteId: 'site-1',
      slot: '2026-03-01T10:00:00Z',
      gpuHoursDelivered: 8,
      whConsumed: 6_100,
      heatWhRecovered: 3_600,
      reportedAt: '2026-03-01T11:00:30.000Z',
      ...overrides,
    },
  };
}
