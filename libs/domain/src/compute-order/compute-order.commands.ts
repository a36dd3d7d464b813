import { Command } from '../shared/event';
import { GeoPoint } from '../shared/geo';

export type PlaceComputeOrder = Command<
  'PlaceComputeOrder',
  {
    orderId: string;
    /** The acting buyer: an order belongs to whoever places it. */
    buyerId: string;
    placedAt: string;
    gpus: number;
    hours: number;
    earliestStart: string;
    deadline: string;
    gpuModel?: string;
    maxPricePerGpuHour: number;
    currency: string;
    /** Defaults to false. */
    allOrNone?: boolean;
    constraints?: {
      jurisdictions?: string[];
      sovereignOperator?: boolean;
      maxDistanceKm?: { origin: GeoPoint; km: number };
      renewableOnly?: boolean;
      maxCarbonGPerKwh?: number;
    };
  }
>;

export type CancelComputeOrder = Command<
  'CancelComputeOrder',
  { orderId: string; actorId: string; cancelledAt: string }
>;

/** One slot a matching run fills: `gpus` GPUs on `siteId` during `slot`. */
export interface Fill {
  allocationId: string;
  siteId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
}

/** A matching run fills the order: every slot it fills, in one command. */
export type RecordFills = Command<'RecordFills', { orderId: string; fills: Fill[] }>;

export type ComputeOrderCommand = PlaceComputeOrder | CancelComputeOrder | RecordFills;
