import type { UsageFigures } from '../allocation-usage/allocation-usage.events';
import { DomainEvent } from '../shared/event';
import { CurrencyCode } from '../shared/money';

/**
 * The statements a settlement close records, declared here with the same shape as the settlement
 * library's output (`@policloud/settlement`, the layer below, which the domain must not import):
 * a library `Statement`, `CurrencyBalance` or `SettledPool` is assignable to these types.
 * Money is signed integer minor units (positive is owed to the party), energy integer Wh,
 * periods calendar months `YYYY-MM` (UTC).
 */
export const SETTLEMENT_PARTY_ROLES = ['buyer', 'producer', 'host', 'platform'] as const;
export type SettlementPartyRole = (typeof SETTLEMENT_PARTY_ROLES)[number];

/** The kinds an amount is first settled as; an `adjustment` line corrects one of them. */
export const SETTLEMENT_SETTLED_KINDS = [
  'compute_charge',
  'energy_payment',
  'surplus_share',
  'heat_purchase',
  'heat_revenue',
  'platform_fee',
  'excess_energy',
] as const;
export type SettlementSettledKind = (typeof SETTLEMENT_SETTLED_KINDS)[number];

export const SETTLEMENT_LINE_KINDS = [...SETTLEMENT_SETTLED_KINDS, 'adjustment'] as const;
export type SettlementLineKind = (typeof SETTLEMENT_LINE_KINDS)[number];

export const SETTLEMENT_QUANTITY_UNITS = ['gpu_hour', 'wh'] as const;
export type SettlementQuantityUnit = (typeof SETTLEMENT_QUANTITY_UNITS)[number];

/** One line of a statement (the library's `StatementLine`). */
export interface SettlementLine {
  kind: SettlementLineKind;
  /** Only on an adjustment: the kind of line it corrects. */
  adjusts?: SettlementSettledKind;
  /** The period of the pool the line settles: the close's, or an earlier one for an adjustment. */
  poolPeriod: string;
  siteId: string;
  agreementVersion: number;
  allocationId?: string;
  allocationIds?: string[];
  usageEventIds?: string[];
  offerId?: string;
  /** GPU-hours or Wh (`unit`); signed on an adjustment (the change of the corrected quantity). */
  quantity: number;
  unit: SettlementQuantityUnit;
  /** Minor units per GPU-hour (charges) or per MWh (energy, heat). */
  unitPrice?: number;
  /** Signed minor units: positive is owed to the party, negative is owed by it. */
  amount: number;
  /** The exact amount before rounding, as a reduced fraction `n/d` (or `n`). */
  exact: string;
  description: string;
}

/** One party's statement for one currency (the library's `Statement`). */
/**
 * A buyer's month in energy terms (libs/settlement energyFootprint): the metered Wh of its
 * allocations in the period as settled, the certificates in force at the close, the share of
 * carbon-free energy and the emissions per GPU-hour.
 */
export interface StatementEnergy {
  gpuHours: number;
  meteredWh: number;
  certifiedWh: number;
  cfeWh: number;
  /** cfeWh / meteredWh in basis points, rounded down. */
  cfeShareBps: number;
  co2eGrams: number;
  /** Grams to the milligram ("18.347"); null without GPU-hours. */
  gCo2ePerGpuHour: string | null;
}

export interface SettlementStatement {
  partyId: string;
  role: SettlementPartyRole;
  period: string;
  currency: CurrencyCode;
  lines: SettlementLine[];
  /** Σ of the lines' amounts. */
  total: number;
  /** Buyers only: the period's compute in energy terms, beside the money (never settled). */
  energy?: StatementEnergy;
}

/** Per period and currency, charged = paidOut + platformFee (the library's `CurrencyBalance`). */
export interface SettlementBalance {
  period: string;
  currency: CurrencyCode;
  charged: number;
  paidOut: number;
  platformFee: number;
  /** charged − paidOut − platformFee: always 0. */
  difference: number;
  pools: number;
  adjustedPools: number;
  gpuHoursDelivered: number;
  meteredWh: number;
  attributedWh: number;
  excessWh: number;
  heatWhSold: number;
  /** Energy cost no one could fund, as an exact fraction `n/d` (or `n`). */
  unfundedEnergy: string;
}

/** An allocation as a pool record settled it (the library's `SettledMember`). */
export interface SettlementPoolMember extends UsageFigures {
  allocationId: string;
  usageEventId: string;
  platformFeeBps: number;
  /** Caps (Wh) applied to curtailed draws, by offer id; absent when none was curtailed. */
  capsWh?: Record<string, number>;
}

/** One pool-wide line of a pool record, cumulated (the library's `SettledLine`). */
export interface SettlementPoolLine {
  key: string;
  partyId: string;
  role: SettlementPartyRole;
  kind: SettlementSettledKind;
  quantity: number;
  amount: number;
}

/** What has been settled for one pool, cumulated (the library's `SettledPool`). */
export interface SettlementPoolRecord {
  period: string;
  siteId: string;
  agreementVersion: number;
  currency: CurrencyCode;
  /** The close that wrote this record. */
  settledIn: string;
  members: SettlementPoolMember[];
  lines: SettlementPoolLine[];
}

/** One statement of a close; the close's statements precede its SettlementPeriodClosed. */
/** v1 statements predate the energy figures. */
export type SettlementStatementIssuedV1 = DomainEvent<
  'SettlementStatementIssued',
  {
    period: string;
    statementId: string;
    closedAt: string;
    /** Global log position the close read its input at. */
    inputPosition: number;
    partyId: string;
    role: SettlementPartyRole;
    currency: CurrencyCode;
    lines: SettlementLine[];
    total: number;
  },
  1
>;

export type SettlementStatementIssued = DomainEvent<
  'SettlementStatementIssued',
  SettlementStatementIssuedV1['data'] & { energy?: StatementEnergy },
  2
>;

/** Closes a period; follows its SettlementStatementIssued events in the same append. */
export type SettlementPeriodClosed = DomainEvent<
  'SettlementPeriodClosed',
  {
    period: string;
    closedAt: string;
    closedBy: string;
    inputPosition: number;
    /** The statements of the close, in the order they were issued. */
    statementIds: string[];
    balances: SettlementBalance[];
    /** The pool records to feed back to the next close. */
    settledPools: SettlementPoolRecord[];
  },
  1
>;

export type SettlementEvent = SettlementStatementIssued | SettlementPeriodClosed;
