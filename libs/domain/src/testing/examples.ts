/**
 * Example commands, events and contexts shared by the unit specs and the contract test: one
 * small marketplace (a host, two producers, a buyer, one 360-GPU site) on 2026-03-01.
 */
import { ComputeOrderFilled, PlaceComputeOrder } from '../compute-order';
import { EnergyAllocated, EnergyOfferContext, ListEnergyOffer } from '../energy-offer';
import { ParticipantContext, ParticipantRole } from '../participant';
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
