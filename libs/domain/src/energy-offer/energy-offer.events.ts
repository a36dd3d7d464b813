import { DomainEvent } from '../shared/event';
import { CurrencyCode } from '../shared/money';

export const ENERGY_SOURCES = ['wind', 'solar', 'hydro', 'biomass', 'grid'] as const;
export type EnergySource = (typeof ENERGY_SOURCES)[number];

/** What `renewableOnly` accepts: every source but the grid mix. */
export const RENEWABLE_SOURCES: readonly EnergySource[] = ['wind', 'solar', 'hydro', 'biomass'];

export interface SlotEnergy {
  slot: string;
  wh: number;
}

export type EnergyOfferListed = DomainEvent<
  'EnergyOfferListed',
  {
    offerId: string;
    producerId: string;
    listedAt: string;
    siteIds: string[];
    source: EnergySource;
    carbonGPerKwh: number;
    /** Minor units of `currency` per MWh. */
    floorPricePerMwh: number;
    currency: CurrencyCode;
    /** Surplus per slot, sorted by slot, Wh ≥ 1. */
    profile: SlotEnergy[];
  },
  1
>;

export type EnergyOfferAmended = DomainEvent<
  'EnergyOfferAmended',
  {
    offerId: string;
    amendedAt: string;
    /** The slots whose offered Wh changed, with their new value (0 removes the surplus); sorted. */
    profile: SlotEnergy[];
  },
  1
>;

export type EnergyOfferWithdrawn = DomainEvent<
  'EnergyOfferWithdrawn',
  {
    offerId: string;
    withdrawnAt: string;
    /** Unallocated Wh taken off the market, all slots together; allocated Wh stays. */
    releasedWh: number;
  },
  1
>;

export type CurtailmentReported = DomainEvent<
  'CurtailmentReported',
  {
    offerId: string;
    slot: string;
    /** The slot's total curtailment: a later report for the same slot replaces it. */
    whCurtailed: number;
    reportedAt: string;
  },
  1
>;

/** Wh of the offer in one slot that a matching run gave to allocation `allocationId`. */
export interface EnergyAllocation {
  allocationId: string;
  slot: string;
  wh: number;
}

/** v1, one event per draw: still stored, read as a v2 with one draw. */
export type EnergyAllocatedV1 = DomainEvent<
  'EnergyAllocated',
  { offerId: string } & EnergyAllocation,
  1
>;

/**
 * Emitted by a matching run once per offer it draws on: every draw of the run, in the order the
 * run listed them, so the offer's events follow the runs, not the hours they fill.
 */
export type EnergyAllocated = DomainEvent<
  'EnergyAllocated',
  { offerId: string; draws: EnergyAllocation[] },
  2
>;

export type EnergyOfferEvent =
  | EnergyOfferListed
  | EnergyOfferAmended
  | EnergyOfferWithdrawn
  | CurtailmentReported
  | EnergyAllocated;
