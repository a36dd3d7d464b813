/**
 * The parts of the marketplace's event payloads billing reads (the full schemas are in
 * contracts/events/<Type>.v<N>.schema.json). Each handled type is pinned to the versions this
 * consumer understands: a new version is a contract change to adopt, not something to skip.
 */

/** SettlementStatementIssued v1 and v2 (v2 adds `energy`, unread here): one party's statement for a closed period. */
export interface SettlementStatementIssuedV1 {
  period: string;
  statementId: string;
  partyId: string;
  role: 'buyer' | 'producer' | 'host' | 'platform';
  currency: string;
  lines: StatementLine[];
  /** Sum of the lines' amounts, in minor units; positive = owed to the party. */
  total: number;
  closedAt: string;
  inputPosition: number;
}

export interface StatementLine {
  kind: string;
  allocationId?: string;
  quantity: number;
  unitPrice?: number;
  /** Signed minor units; positive = owed to the party, so a buyer's charge is negative. */
  amount: number;
  description: string;
}

/** SettlementPeriodClosed v1: the close of a period, after its statements. */
export interface SettlementPeriodClosedV1 {
  period: string;
  closedAt: string;
  inputPosition: number;
  closedBy: string;
  statementIds: string[];
  /** Per currency: what payers owe = what is paid out + the platform fee (the event carries more). */
  balances: { currency: string; charged: number; paidOut: number; platformFee: number }[];
}

/** AllocationMade v1: what billing keeps of an allocation (the event carries more). */
export interface AllocationMadeV1 {
  runId: string;
  allocationId: string;
  orderId: string;
  buyerId: string;
  siteId: string;
  /** The UTC hour the GPUs are allocated for. */
  slot: string;
  gpus: number;
  /** Clearing price per GPU-hour, minor units of currency. */
  pricePerGpuHour: number;
  currency: string;
}

/**
 * AllocationMade v2: one event per order, site and run of consecutive slots, each slot with its
 * own allocation id and price (what billing keeps; the event carries more).
 */
export interface AllocationMadeV2 {
  runId: string;
  orderId: string;
  buyerId: string;
  siteId: string;
  gpus: number;
  currency: string;
  slots: { allocationId: string; slot: string; pricePerGpuHour: number }[];
}

/** The allocations, one per slot, an AllocationMade of either version records. */
export function allocationsOf(
  schemaVersion: number,
  data: AllocationMadeV1 | AllocationMadeV2,
): AllocationMadeV1[] {
  if (schemaVersion === 1) return [data as AllocationMadeV1];
  const { slots, ...range } = data as AllocationMadeV2;
  return slots.map(({ allocationId, slot, pricePerGpuHour }) => ({
    runId: range.runId,
    allocationId,
    orderId: range.orderId,
    buyerId: range.buyerId,
    siteId: range.siteId,
    slot,
    gpus: range.gpus,
    pricePerGpuHour,
    currency: range.currency,
  }));
}

/** Event types and versions billing handles; other events on its topics are ignored. */
export const HANDLED_VERSIONS: Readonly<Record<string, readonly number[]>> = {
  // v2 adds a buyer statement's energy figures (CFE share, gCO2e): nothing billing reads.
  SettlementStatementIssued: [1, 2],
  SettlementPeriodClosed: [1],
  AllocationMade: [1, 2],
};
