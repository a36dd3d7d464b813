/**
 * What matching reads and what it returns. The snapshot is everything one run needs, fixed at
 * the run's start: open orders with what is left of them, the sites' free GPUs and the offers'
 * unallocated Wh per slot (both after maintenance and earlier runs' allocations), the platform
 * fee and the horizon. `buildMatchingSnapshot` fills it from the domain's states.
 *
 * All money is integer minor units, all energy integer Wh, all slots whole UTC hours in the
 * stored form `YYYY-MM-DDTHH:00:00Z`.
 */
import type {
  AllocationEnergy,
  CountryCode,
  CurrencyCode,
  EnergySource,
  GeoPoint,
  OrderConstraints,
} from '@policloud/domain';

/** `[start, end)`: the slots one run allocates. */
export interface MatchingHorizon {
  /** First slot. */
  start: string;
  /** Slot right after the last one (exclusive). */
  end: string;
}

/** Per-slot quantities keyed by slot; a slot that is absent counts as 0. */
export type PerSlot = Readonly<Record<string, number>>;

export interface MatchingOrder {
  orderId: string;
  buyerId: string;
  /** Instant the order was placed: the first tie-breaker. */
  placedAt: string;
  /** GPUs needed at the same time on one site. */
  gpus: number;
  /** Hours ordered in total (informational: `remainingGpuHours` says what is left). */
  hours: number;
  /** What is still to fill, in GPU-hours; one filled slot fills `gpus` of them. */
  remainingGpuHours: number;
  /** Slots an earlier run already filled: never filled twice. */
  filledSlots?: readonly string[];
  earliestStart: string;
  /** Exclusive end of the window `[earliestStart, deadline)`. */
  deadline: string;
  gpuModel?: string;
  maxPricePerGpuHour: number;
  currency: CurrencyCode;
  /** All remaining slots in this run, or none. */
  allOrNone: boolean;
  constraints: OrderConstraints;
}

export interface MatchingSite {
  siteId: string;
  country: CountryCode;
  operatorJurisdiction: CountryCode;
  certifications: readonly string[];
  gpuModel: string;
  location: GeoPoint;
  currency: CurrencyCode;
  reservePricePerGpuHour: number;
  /** `e`: Wh per GPU-hour at the site (shared/energy `energyPerGpuHourWh`). */
  energyPerGpuHourWh: number;
  /** GPUs free per slot, after maintenance and earlier allocations. */
  freeGpus: PerSlot;
}

export interface MatchingEnergyOffer {
  offerId: string;
  producerId: string;
  /** Sites this offer may feed (in every slot of the horizon). */
  siteIds: readonly string[];
  source: EnergySource;
  carbonGPerKwh: number;
  /** Minor units of `currency` per MWh. */
  floorPricePerMwh: number;
  currency: CurrencyCode;
  /** Unallocated Wh per slot; one slot's Wh may feed any of `siteIds`, but only once. */
  unallocatedWh: PerSlot;
}

export interface MatchingSnapshot {
  horizon: MatchingHorizon;
  platformFeeBps: number;
  orders: readonly MatchingOrder[];
  sites: readonly MatchingSite[];
  offers: readonly MatchingEnergyOffer[];
}

/** Energy one allocation draws from one offer, with the facts an audit needs: the event's shape. */
export type EnergyDraw = AllocationEnergy;

/** `gpus` GPUs of one order on one site during one slot. */
export interface Allocation {
  /** `<orderId>@<slot>`: an order holds at most one allocation per slot. */
  allocationId: string;
  orderId: string;
  buyerId: string;
  siteId: string;
  slot: string;
  gpus: number;
  currency: CurrencyCode;
  /** The uniform clearing price of (site, slot). */
  pricePerGpuHour: number;
  /** The order's bid (its max price). */
  bidPerGpuHour: number;
  /** Reserve of these GPU-hours with the energy actually drawn (see README, "Reserve"). */
  reservePerGpuHour: number;
  /** Draws sorted by offer id; their Wh sum to `gpus × e`. */
  energy: EnergyDraw[];
  /** The site as it was at match time, so an audit never depends on later changes. */
  site: {
    country: CountryCode;
    operatorJurisdiction: CountryCode;
    certifications: string[];
    energyPerGpuHourWh: number;
  };
}

export interface ClearingPrice {
  siteId: string;
  slot: string;
  currency: CurrencyCode;
  pricePerGpuHour: number;
  /** GPUs allocated at (site, slot) in this run. */
  gpus: number;
}

export type UnfilledReason =
  /** No site passes the order's filters (currency, model, jurisdictions, operator, distance, energy). */
  | 'no_eligible_site'
  /** No slot of the window falls in the horizon (or all were filled before). */
  | 'no_slot_in_horizon'
  /** Every eligible site's reserve is above the bid. */
  | 'below_reserve'
  /** No eligible site had the order's GPUs free in any slot it still wanted. */
  | 'no_free_gpus'
  /** GPUs were free, but not enough qualifying energy within the bid in those slots. */
  | 'energy_short'
  /** All-or-none: the slots it wants could not all be filled together in this run. */
  | 'all_or_none'
  /** Room existed before this run, but went to orders with more welfare (higher bids). */
  | 'outbid';

export interface UnfilledOrder {
  orderId: string;
  /** Slots the order wanted from this run. */
  slotsRequested: number;
  slotsFilled: number;
  unfilledGpuHours: number;
  reason: UnfilledReason;
  /** One sentence a buyer can act on. */
  message: string;
  /** `no_eligible_site`: the filter that left no site (`currency`, `gpuModel`, `constraints.…`, `energy`). */
  constraint?: string;
  /** `below_reserve`: the lowest reserve per GPU-hour among the eligible sites. */
  lowestReservePerGpuHour?: number;
  /**
   * `outbid`: the lowest clearing price among the (site, slot) cells it could have used; a bid
   * above it was needed.
   */
  clearingPricePerGpuHour?: number;
}

export interface WelfareLine {
  currency: CurrencyCode;
  /** Σ over filled GPU-hours of (bid − reserve), minor units. */
  welfare: number;
  gpuHours: number;
}

export interface MatchingResult {
  /** Sorted by slot, site id, order id. */
  allocations: Allocation[];
  /** Sorted by site id, slot; one line per (site, slot) with at least one allocation. */
  clearingPrices: ClearingPrice[];
  /** Sorted by currency. */
  welfare: WelfareLine[];
  /**
   * Σ of `welfare` across currencies, in minor units of each: the objective, meaningful for
   * comparing runs because markets in different currencies never share a GPU or a Wh.
   */
  totalWelfare: number;
  /** Orders this run left (partly) unfilled, sorted by order id. */
  unfilled: UnfilledOrder[];
}
