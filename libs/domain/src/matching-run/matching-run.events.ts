import type { EnergySource } from '../energy-offer/energy-offer.events';
import { DomainEvent } from '../shared/event';
import { CountryCode } from '../shared/countries';
import { CurrencyCode } from '../shared/money';
import type { UnfilledOrderReason } from './unfilled-orders';

/** Energy of one offer an allocation runs on, as the offer stood when matching read it. */
export interface AllocationEnergy {
  offerId: string;
  producerId: string;
  /** Wh of the offer in the allocation's slot, at least 1. */
  wh: number;
  source: EnergySource;
  carbonGPerKwh: number;
  /** Minor units of the allocation's currency per MWh (an offer is priced in its sites' currency). */
  floorPricePerMwh: number;
}

/**
 * The site as matching read it: what a sovereignty audit needs, frozen at match time so it never
 * depends on a later change of the site.
 */
export interface AllocationSite {
  country: CountryCode;
  operatorJurisdiction: CountryCode;
  operatorLegalEntity: string;
  certifications: string[];
  hostParticipantId: string;
  gpuModel: string;
}

/**
 * `gpus` GPUs of one site for one order during one slot: `gpus` GPU-hours. What settlement,
 * metering, the sovereignty report and the allocation lists read, one per order and slot, whatever
 * event recorded it (`allocationsIn`).
 */
export interface AllocationRecord {
  runId: string;
  allocationId: string;
  orderId: string;
  buyerId: string;
  siteId: string;
  slot: string;
  gpus: number;
  /** The uniform clearing price of (siteId, slot), minor units of `currency`. */
  pricePerGpuHour: number;
  currency: CurrencyCode;
  /** The site's `e` when matched, in whole Wh. */
  energyPerGpuHourWh: number;
  /** max(site reserve, energy floor / (1 − fee)) for this allocation's energy; ≤ the price. */
  reservePerGpuHour: number;
  /** At least `gpus × energyPerGpuHourWh` Wh in all; one entry per offer. */
  energy: AllocationEnergy[];
  site: AllocationSite;
}

/** v1, one event per order and slot: still stored, read as a v2 of one slot. */
export type AllocationMadeV1 = DomainEvent<'AllocationMade', AllocationRecord, 1>;

/** One slot of an allocation range: its own allocation id, price, reserve and energy. */
export interface AllocatedSlot {
  allocationId: string;
  slot: string;
  pricePerGpuHour: number;
  reservePerGpuHour: number;
  energy: AllocationEnergy[];
}

/**
 * `gpus` GPUs of one site for one order over the contiguous slots `[from, to)`: one event per
 * order, site and range instead of one per slot. What differs slot by slot (clearing price,
 * reserve, the Wh drawn from each offer) is listed per slot; the per-slot allocation ids are those
 * v1 gave, so usage, fills and energy draws name the same allocations either way.
 */
export type AllocationMade = DomainEvent<
  'AllocationMade',
  {
    runId: string;
    orderId: string;
    buyerId: string;
    siteId: string;
    /** First slot. */
    from: string;
    /** Slot right after the last one (exclusive). */
    to: string;
    gpus: number;
    currency: CurrencyCode;
    energyPerGpuHourWh: number;
    site: AllocationSite;
    /** Every slot of `[from, to)`, in order. */
    slots: AllocatedSlot[];
  },
  2
>;

export interface MatchingHorizon {
  /** First slot. */
  from: string;
  /** Slot right after the horizon (exclusive). */
  to: string;
}

/** The one uniform price of a (site, slot) in a run. */
export interface ClearingPrice {
  siteId: string;
  slot: string;
  currency: CurrencyCode;
  pricePerGpuHour: number;
}

/** Closes a run; follows its AllocationMade events in the same append. */
export type MatchingRunCompleted = DomainEvent<
  'MatchingRunCompleted',
  {
    runId: string;
    requestedBy: string;
    completedAt: string;
    horizon: MatchingHorizon;
    /** Position of the global log the run's snapshot was read at: replay from there. */
    inputPosition: number;
    /** Lowercase hex SHA-256 of the run's input, as the matching engine computed it. */
    inputHash: string;
    platformFeeBps: number;
    /** Σ (bid − reserve) over filled GPU-hours, minor units, as the engine reported it. */
    welfare: number;
    allocationCount: number;
    /** Σ gpus of the run's allocations (each covers one slot). */
    filledGpuHours: number;
    /** One per (site, slot) that has allocations. */
    prices: ClearingPrice[];
    unfilledOrderIds: string[];
  },
  1
>;

/**
 * Why the run left each of these orders (partly) unfilled; between a run's AllocationMade events
 * and its MatchingRunCompleted, in the same append. Absent when the run filled every order.
 */
export type OrdersLeftUnfilled = DomainEvent<
  'OrdersLeftUnfilled',
  {
    runId: string;
    /** By order id. */
    orders: UnfilledOrderReason[];
  },
  1
>;

export type MatchingRunEvent = AllocationMade | OrdersLeftUnfilled | MatchingRunCompleted;
