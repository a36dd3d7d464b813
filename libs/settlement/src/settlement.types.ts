/**
 * What settlement reads and what it returns: plain data the projector fills from the event log
 * (allocations, usage events with their ids and positions, the sites' agreements, offers'
 * curtailments) and statements it can record as events. Money is integer minor units of one
 * ISO 4217 currency, energy integer Wh, slots whole UTC hours `YYYY-MM-DDTHH:00:00Z`, periods
 * calendar months `YYYY-MM` (UTC) of the allocation's slot.
 */
import type {
  Agreement,
  AllocationEnergy,
  AllocationMade,
  CurrencyCode,
  UsageFigures,
} from '@policloud/domain';

/** A calendar month `YYYY-MM`: the period an allocation belongs to is the month of its slot. */
export type Period = string;

/** One energy draw of an allocation, as `AllocationMade` recorded it. */
export type SettlementDraw = Pick<
  AllocationEnergy,
  'offerId' | 'producerId' | 'wh' | 'floorPricePerMwh'
>;

/**
 * An allocation as `AllocationMade` recorded it (a full `AllocationMade['data']` fits). The
 * optional `platformFeeBps` is the fee of the matching run that made it
 * (`MatchingRunCompleted.platformFeeBps`): the rate its price was cleared against. Without it the
 * input's `platformFeeBps` applies.
 */
export type SettlementAllocation = Pick<
  AllocationMade['data'],
  | 'allocationId'
  | 'orderId'
  | 'buyerId'
  | 'siteId'
  | 'slot'
  | 'gpus'
  | 'pricePerGpuHour'
  | 'currency'
  | 'energyPerGpuHourWh'
> & {
  energy: readonly SettlementDraw[];
  platformFeeBps?: number;
};

/**
 * One `UsageReported` or `UsageAmended` event: its figures replace the allocation's earlier ones.
 * The figures in force are those of the allocation's event with the highest `position` (the
 * global log position) at or before the input's `asOfPosition`.
 */
export interface MeteredUsage extends UsageFigures {
  eventId: string;
  position: number;
  allocationId: string;
}

/** A site's agreements in version order, as the site stream holds them. */
export interface SettlementSite {
  siteId: string;
  agreements: readonly Agreement[];
}

/**
 * One slot of an energy offer after curtailment: `allocatedWh` (Σ of its draws in the slot) and
 * `deliverableWh` (offered − curtailed, the domain's `deliverableWh`). Needed only for slots with
 * a curtailment; a slot without a supply record is delivered in full.
 */
export interface OfferSlotSupply {
  offerId: string;
  slot: string;
  allocatedWh: number;
  deliverableWh: number;
}

export interface SettlementInput {
  /** The open period being closed. */
  period: Period;
  /** Platform fee in bps of the buyer charge, for allocations that do not carry their own. */
  platformFeeBps: number;
  /** Party id of the platform's statements (default `platform`). */
  platformPartyId?: string;
  /** Usage events after this global position are ignored (the close's cut-off): re-closing with
   * the same cut-off gives the same statements however much the log has grown since. */
  asOfPosition?: number;
  /**
   * Allocations of the period, and of every earlier pool that may need an adjustment (all the
   * allocations of such a pool: the pool is settled again as a whole). Later periods are ignored.
   */
  allocations: readonly SettlementAllocation[];
  usage: readonly MeteredUsage[];
  sites: readonly SettlementSite[];
  supplies?: readonly OfferSlotSupply[];
  /** The pool records earlier closes returned (`SettlementResult.settledPools`). */
  settled?: readonly SettledPool[];
}

// ---------------------------------------------------------------- output

export type PartyRole = 'buyer' | 'producer' | 'host' | 'platform';

export type LineKind =
  | 'compute_charge'
  | 'energy_payment'
  | 'surplus_share'
  | 'heat_purchase'
  | 'heat_revenue'
  | 'platform_fee'
  | 'excess_energy'
  | 'adjustment';

/** The kinds an amount is first settled as; an `adjustment` line corrects one of them. */
export type SettledKind = Exclude<LineKind, 'adjustment'>;

export type QuantityUnit = 'gpu_hour' | 'wh';

export interface StatementLine {
  kind: LineKind;
  /** For an adjustment: the kind of line it corrects. */
  adjusts?: SettledKind;
  /** The period of the pool the line settles: the statement's period, or an earlier one for an
   * adjustment. */
  poolPeriod: Period;
  siteId: string;
  agreementVersion: number;
  /** Lines about one allocation: its charge, or its adjustment. */
  allocationId?: string;
  /** Adjustments of pool-wide lines: the allocations whose late or corrected usage caused them. */
  allocationIds?: string[];
  /** The usage events behind the line: the figures settled (for an adjustment, the previously
   * settled event of each allocation concerned, then its current one). */
  usageEventIds?: string[];
  /** Energy payments: the offer paid for. */
  offerId?: string;
  /** GPU-hours or Wh (`unit`); for an adjustment, the change of the corrected line's quantity. */
  quantity: number;
  unit: QuantityUnit;
  /** Minor units per GPU-hour (charges) or per MWh (energy, heat). */
  unitPrice?: number;
  /** Signed minor units: positive is owed to the party, negative is owed by it. */
  amount: number;
  /** The exact amount the rounding started from, as a reduced fraction `n/d` (or `n`). */
  exact: string;
  description: string;
}

export interface Statement {
  partyId: string;
  role: PartyRole;
  period: Period;
  currency: CurrencyCode;
  lines: StatementLine[];
  /** Σ line amounts. */
  total: number;
}

/** Per period and currency: what the payers owe equals what is paid out plus the fee. */
export interface CurrencyBalance {
  period: Period;
  currency: CurrencyCode;
  /** Owed by payers: −Σ of compute_charge and heat_purchase lines and of their adjustments. */
  charged: number;
  /** Σ of producer and host payout lines (energy, surplus shares net of excess, heat revenue)
   * and of their adjustments. */
  paidOut: number;
  /** Σ of the platform's lines (fee net of the excess it bore) and of their adjustments. */
  platformFee: number;
  /** charged − paidOut − platformFee: always 0. */
  difference: number;
  /** Pools settled this close: the period's own and the earlier ones adjusted. */
  pools: number;
  adjustedPools: number;
  /** Figures of the period's own pools (adjustments excluded). */
  gpuHoursDelivered: number;
  meteredWh: number;
  /** Metered Wh attributed to producers (the rest came from no allocated offer: unpaid). */
  attributedWh: number;
  /** Attributed Wh beyond `e` × delivered GPU-hours: its cost is borne as `excess_energy`. */
  excessWh: number;
  heatWhSold: number;
  /** Energy cost no one could fund (charges below energy cost), as an exact fraction. */
  unfundedEnergy: string;
}

/** An allocation as a pool record settled it. */
export interface SettledMember extends UsageFigures {
  allocationId: string;
  /** The usage event whose figures were settled. */
  usageEventId: string;
  platformFeeBps: number;
  /** Caps (Wh) applied to curtailed draws, by offer id; absent when none was curtailed. */
  capsWh?: Record<string, number>;
}

/** One pool-wide line of a pool record, cumulated over the original close and adjustments. */
export interface SettledLine {
  key: string;
  partyId: string;
  role: PartyRole;
  kind: SettledKind;
  quantity: number;
  amount: number;
}

/**
 * What has been settled for one pool (the allocations of one site under one agreement version in
 * one period), cumulated: the original close, then each adjustment. The app stores these with the
 * statements and feeds them back; the next close corrects a pool against its latest record.
 * Buyer charges are not listed: they are exact integers, recomputed from the members' figures.
 */
export interface SettledPool {
  period: Period;
  siteId: string;
  agreementVersion: number;
  currency: CurrencyCode;
  /** The close that wrote this record. */
  settledIn: Period;
  members: SettledMember[];
  lines: SettledLine[];
}

export interface SettlementResult {
  period: Period;
  statements: Statement[];
  balances: CurrencyBalance[];
  /** Records of every pool this close settled or adjusted, to feed back as `settled`. */
  settledPools: SettledPool[];
}
