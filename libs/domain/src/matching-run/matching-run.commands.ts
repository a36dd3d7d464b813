import type { EnergySource } from '../energy-offer/energy-offer.events';
import { Command } from '../shared/event';

/** One allocation as the matching engine proposes it; validated by decide. */
export interface AllocationInput {
  allocationId: string;
  orderId: string;
  buyerId: string;
  siteId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
  currency: string;
  energyPerGpuHourWh: number;
  reservePerGpuHour: number;
  energy: {
    offerId: string;
    producerId: string;
    wh: number;
    source: EnergySource;
    carbonGPerKwh: number;
    floorPricePerMwh: number;
  }[];
  site: {
    country: string;
    operatorJurisdiction: string;
    operatorLegalEntity: string;
    certifications: string[];
    hostParticipantId: string;
    gpuModel: string;
  };
}

export type RecordMatchingRun = Command<
  'RecordMatchingRun',
  {
    runId: string;
    requestedBy: string;
    completedAt: string;
    /** `[from, to)`: every allocation and price falls in it. */
    horizon: { from: string; to: string };
    inputPosition: number;
    inputHash: string;
    platformFeeBps: number;
    welfare: number;
    allocations: AllocationInput[];
    prices: { siteId: string; slot: string; currency: string; pricePerGpuHour: number }[];
    unfilledOrderIds: string[];
  }
>;

export type MatchingRunCommand = RecordMatchingRun;
