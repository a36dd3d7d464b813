/**
 * What the demo reads back from the API: the shapes of the responses it uses (a client's view,
 * written from contracts/openapi.json and the responses, not imported from the application).
 */

export interface Allocation {
  allocationId: string;
  runId: string;
  orderId: string;
  buyerId: string;
  siteId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
  currency: string;
  energyPerGpuHourWh: number;
  reservePerGpuHour: number;
  energy: {
    offerId: string;
    producerId: string;
    wh: number;
    source: string;
    carbonGPerKwh: number;
    floorPricePerMwh: number;
  }[];
  site: {
    country: string;
    operatorJurisdiction: string;
    operatorLegalEntity: string;
    certifications: string[];
    hostParticipantId: string;
    gpuModel: string;
  };
}

export interface ComputeOrder {
  id: string;
  buyerId: string;
  gpus: number;
  hours: number;
  earliestStart: string;
  deadline: string;
  gpuModel?: string;
  maxPricePerGpuHour: number;
  currency: string;
  allOrNone: boolean;
  constraints: {
    jurisdictions?: string[];
    sovereignOperator?: boolean;
    maxDistanceKm?: { origin: { lat: number; lon: number }; km: number };
    renewableOnly?: boolean;
    maxCarbonGPerKwh?: number;
  };
  status: 'open' | 'partially_filled' | 'filled' | 'cancelled';
  filledGpuHours: number;
  fills: {
    allocationId: string;
    siteId: string;
    slot: string;
    gpus: number;
    pricePerGpuHour: number;
  }[];
}

export interface Site {
  id: string;
  name: string;
  gpuCount: number;
  gpuModel: string;
  energyPerGpuHourWh: number;
  location: { lat: number; lon: number };
  country: string;
  operatorJurisdiction: string;
  operatorLegalEntity: string;
  certifications: string[];
  heatRecovery: { enabled: boolean; recoveredShareBps: number };
  reservePricePerGpuHour: number;
  currency: string;
  status: string;
}

export interface SiteCapacity {
  siteId: string;
  energyPerGpuHourWh: number;
  from: string;
  to: string;
  slots: {
    slot: string;
    gpusOnline: number;
    gpusAllocated: number;
    gpusFree: number;
    whFree: number;
    whAllocated: number;
    capacityGpus: number;
  }[];
}

export interface MatchingRun {
  id: string;
  horizon?: { from: string; to: string };
  inputPosition: number;
  inputHash: string;
  welfare: number;
  allocationCount: number;
  filledGpuHours: number;
  prices: { siteId: string; slot: string; currency: string; pricePerGpuHour: number }[];
  unfilledOrderIds: string[];
  /** Why each unfilled order got less than it wanted. */
  unfilled: UnfilledReason[];
}

export interface UnfilledReason {
  orderId: string;
  reason: string;
  message: string;
  slotsRequested: number;
  slotsFilled: number;
  unfilledGpuHours: number;
  constraint?: string;
  lowestReservePerGpuHour?: number;
  clearingPricePerGpuHour?: number;
}

/** POST /v1/quotes: what an order would fill at now (nothing written). */
export interface Quote {
  indicative: true;
  position: number;
  fill: 'full' | 'partial' | 'none';
  gpus: number;
  hoursRequested: number;
  hoursFilled: number;
  gpuHours: number;
  currency: string;
  pricePerGpuHour: number | null;
  totalPrice: number;
  carbonGPerGpuHour: number | null;
  slots: { siteId: string; slot: string; gpus: number; pricePerGpuHour: number }[];
  unfilled?: Omit<UnfilledReason, 'orderId'>;
}

/** GET /v1/market/prices. */
export interface MarketPrices {
  prices: {
    siteId: string;
    slot: string;
    runId: string;
    currency: string;
    pricePerGpuHour: number;
    gpuHours: number;
  }[];
}

export interface DepthLevel {
  pricePerGpuHour: number;
  gpuHours: number;
  cumulativeGpuHours: number;
}

/** GET /v1/market/depth. */
export interface MarketDepth {
  slots: { slot: string; currency: string; supply: DepthLevel[]; demand: DepthLevel[] }[];
}

export interface Written {
  id: string;
  revision: number;
}

export interface Listed<T> {
  items: T[];
}

export interface EnergyOffer {
  offerId: string;
  producerId: string;
  siteIds: string[];
  source: string;
  floorPricePerMwh: number;
  currency: string;
  status: string;
  /** Keyed by slot. */
  slots: Record<string, { offeredWh: number; allocatedWh: number; curtailedWh: number }>;
}

export type StatementLineKind =
  | 'compute_charge'
  | 'energy_payment'
  | 'surplus_share'
  | 'heat_purchase'
  | 'heat_revenue'
  | 'platform_fee'
  | 'excess_energy'
  | 'adjustment';

export interface StatementLine {
  kind: StatementLineKind;
  /** For an adjustment: the kind of line it corrects. */
  adjusts?: Exclude<StatementLineKind, 'adjustment'>;
  poolPeriod: string;
  siteId: string;
  agreementVersion: number;
  allocationId?: string;
  allocationIds?: string[];
  usageEventIds?: string[];
  offerId?: string;
  quantity: number;
  unit: 'gpu_hour' | 'wh';
  unitPrice?: number;
  /** Signed minor units: positive is owed to the party, negative is owed by it. */
  amount: number;
  exact: string;
  description: string;
}

export interface Statement {
  statementId: string;
  partyId: string;
  role: 'buyer' | 'producer' | 'host' | 'platform';
  period: string;
  currency: string;
  lines: StatementLine[];
  total: number;
}

export interface PeriodStatements {
  period: string;
  closed?: boolean;
  items: Statement[];
}
