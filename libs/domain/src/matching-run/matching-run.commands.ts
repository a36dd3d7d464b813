import { Command } from '../shared/event';
import type { AllocationEnergy, AllocationRecord, ClearingPrice } from './matching-run.events';
import type { UnfilledOrderReason } from './unfilled-orders';

/** One allocation as the matching engine proposes it, before parseRecordMatchingRun types it. */
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

/** An allocation as recorded: AllocationMade without the run id. */
export type RecordedAllocation = Omit<AllocationRecord, 'runId'>;

/** Typed by parseRecordMatchingRun from the engine's output: a consistent record. */
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
    allocations: RecordedAllocation[];
    prices: ClearingPrice[];
    unfilledOrderIds: string[];
    /** Why each unfilled order got less than it wanted (same orders as `unfilledOrderIds`). */
    unfilled?: UnfilledOrderReason[];
  }
>;

export type MatchingRunCommand = RecordMatchingRun;
