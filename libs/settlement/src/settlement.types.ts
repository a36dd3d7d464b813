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
  AllocationRecord,
  SettlementBalance,
  SettlementLine,
  SettlementLineKind,
  SettlementPartyRole,
  SettlementPoolLine,
  SettlementPoolMember,
  SettlementPoolRecord,
  SettlementQuantityUnit,
  SettlementSettledKind,
  SettlementStatement,
  UsageFigures,
} from '@policloud/domain';

/** A calendar month `YYYY-MM`: the period an allocation belongs to is the month of its slot. */
export type Period = string;

/** One energy draw of an allocation, as `AllocationMade` recorded it (`AllocationRecord`). */
export type SettlementDraw = Pick<
  AllocationEnergy,
  'offerId' | 'producerId' | 'wh' | 'floorPricePerMwh'
>;

/**
 * An allocation as `AllocationMade` recorded it (a full `AllocationRecord` fits). The
 * optional `platformFeeBps` is the fee of the matching run that made it
 * (`MatchingRunCompleted.platformFeeBps`): the rate its price was cleared against. Without it the
 * input's `platformFeeBps` applies.
 */
export type SettlementAllocation = Pick<
  AllocationRecord,
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

// The statement shapes are the domain's: settlement produces exactly what the domain records.
export type PartyRole = SettlementPartyRole;
export type LineKind = SettlementLineKind;
/** The kinds an amount is first settled as; an `adjustment` line corrects one of them. */
export type SettledKind = SettlementSettledKind;
export type QuantityUnit = SettlementQuantityUnit;
export type StatementLine = SettlementLine;
export type Statement = SettlementStatement;
/** Per period and currency: what the payers owe equals what is paid out plus the fee. */
export type CurrencyBalance = SettlementBalance;
/** An allocation as a pool record settled it. */
export type SettledMember = SettlementPoolMember;
/** One pool-wide line of a pool record, cumulated over the original close and adjustments. */
export type SettledLine = SettlementPoolLine;
/**
 * What has been settled for one pool (the allocations of one site under one agreement version in
 * one period), cumulated: the original close, then each adjustment. The app stores these with the
 * statements and feeds them back; the next close corrects a pool against its latest record.
 */
export type SettledPool = SettlementPoolRecord;

export interface SettlementResult {
  period: Period;
  statements: Statement[];
  balances: CurrencyBalance[];
  /** Records of every pool this close settled or adjusted, to feed back as `settled`. */
  settledPools: SettledPool[];
}
