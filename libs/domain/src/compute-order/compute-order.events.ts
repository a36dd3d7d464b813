import { DomainEvent } from '../shared/event';
import { GeoPoint } from '../shared/geo';
import { Jurisdiction } from '../shared/jurisdictions';
import { CurrencyCode } from '../shared/money';

/** Absent keys mean "no constraint". */
export interface OrderConstraints {
  /** Country codes and blocs (EU, EEA, GCC, US) the site must be in. */
  jurisdictions?: Jurisdiction[];
  /** The site's operator must be under EU jurisdiction. */
  sovereignOperator?: boolean;
  maxDistanceKm?: { origin: GeoPoint; km: number };
  renewableOnly?: boolean;
  maxCarbonGPerKwh?: number;
}

interface ComputeOrderPlacedDataV1 {
  orderId: string;
  buyerId: string;
  placedAt: string;
  /** GPUs needed at the same time on the same site. */
  gpus: number;
  hours: number;
  earliestStart: string;
  /** Exclusive end of the window `[earliestStart, deadline)`. */
  deadline: string;
  gpuModel?: string;
  maxPricePerGpuHour: number;
  currency: CurrencyCode;
  constraints: OrderConstraints;
}

/** v1, before all-or-none orders existed; read through the v1 → v2 upcaster. */
export type ComputeOrderPlacedV1 = DomainEvent<'ComputeOrderPlaced', ComputeOrderPlacedDataV1, 1>;

export type ComputeOrderPlaced = DomainEvent<
  'ComputeOrderPlaced',
  ComputeOrderPlacedDataV1 & {
    /** True: fill all `hours` or nothing. False: any subset of whole hours may fill. */
    allOrNone: boolean;
  },
  2
>;

/**
 * The buyer changed the terms of an order nothing of which was allocated yet; `changes` holds the
 * new value of each term that changed (constraints are replaced as a whole).
 */
export type ComputeOrderAmended = DomainEvent<
  'ComputeOrderAmended',
  {
    orderId: string;
    amendedAt: string;
    changes: {
      gpus?: number;
      hours?: number;
      earliestStart?: string;
      deadline?: string;
      gpuModel?: string;
      maxPricePerGpuHour?: number;
      allOrNone?: boolean;
      constraints?: OrderConstraints;
    };
  },
  1
>;

export type ComputeOrderCancelled = DomainEvent<
  'ComputeOrderCancelled',
  {
    orderId: string;
    cancelledAt: string;
    /** The unfilled GPU-hours the cancellation removed; fills stay. */
    cancelledGpuHours: number;
  },
  1
>;

/** One slot a run filled: `gpus` GPUs on `siteId` during `slot`, under allocation `allocationId`. */
export interface OrderFill {
  allocationId: string;
  siteId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
}

/** v1, one event per filled slot: still stored, read as a v2 with one fill. */
export type ComputeOrderFilledV1 = DomainEvent<
  'ComputeOrderFilled',
  { orderId: string } & OrderFill,
  1
>;

/**
 * Emitted by a matching run once per order it fills: every slot it filled (as the run listed
 * them), so a week-long fill is one event, not one per hour.
 */
export type ComputeOrderFilled = DomainEvent<
  'ComputeOrderFilled',
  { orderId: string; fills: OrderFill[] },
  2
>;

export type ComputeOrderEvent =
  ComputeOrderPlaced | ComputeOrderAmended | ComputeOrderCancelled | ComputeOrderFilled;
