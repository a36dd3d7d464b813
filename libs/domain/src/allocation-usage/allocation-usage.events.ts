import { DomainEvent } from '../shared/event';

/** Metered figures of one allocation's slot. */
export interface UsageFigures {
  /** GPU-hours actually delivered: 0 to the allocation's `gpus` (the slot is one hour). */
  gpuHoursDelivered: number;
  /** Energy the site metered for the allocation in the slot, Wh. */
  whConsumed: number;
  /** Waste heat recovered from it, Wh; at most `whConsumed`. */
  heatWhRecovered: number;
}

/** The site's first report for an allocation; buyer and order copied from the allocation. */
export type UsageReported = DomainEvent<
  'UsageReported',
  UsageFigures & {
    allocationId: string;
    siteId: string;
    slot: string;
    buyerId: string;
    orderId: string;
    reportedAt: string;
  },
  1
>;

/** A correction: the new figures replace the current ones, which `previous` keeps. */
export type UsageAmended = DomainEvent<
  'UsageAmended',
  UsageFigures & {
    allocationId: string;
    siteId: string;
    slot: string;
    buyerId: string;
    orderId: string;
    reason: string;
    amendedAt: string;
    previous: UsageFigures;
  },
  1
>;

export type AllocationUsageEvent = UsageReported | UsageAmended;
