import { Command } from '../shared/event';
import type { AllocationEnergy } from './matching-run.events';

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
  energy: AllocationEnergy[];
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
