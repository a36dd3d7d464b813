import { Command } from '../shared/event';
import { CurrencyCode } from '../shared/money';
import { OrderConstraints } from './compute-order.events';

/** Typed at the edge by parsePlaceComputeOrder: every field is a valid value in its stored form. */
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
    currency: CurrencyCode;
    /** Defaults to false. */
    allOrNone?: boolean;
    constraints?: OrderConstraints;
  }
>;

/** What an amendment may change: the buyer's terms, not the buyer, currency or placement time. */
export type OrderTerms = Pick<
  PlaceComputeOrder['data'],
  | 'gpus'
  | 'hours'
  | 'earliestStart'
  | 'deadline'
  | 'gpuModel'
  | 'maxPricePerGpuHour'
  | 'allOrNone'
  | 'constraints'
>;

/** Typed at the edge by parseAmendComputeOrder: at least one term, each valid on its own. */
export type AmendComputeOrder = Command<
  'AmendComputeOrder',
  { orderId: string; actorId: string; amendedAt: string; changes: Partial<OrderTerms> }
>;

/** `cancelledAt` is an instant in its stored form (`toISOString`), as the service's clock gives it. */
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

export type ComputeOrderCommand =
  PlaceComputeOrder | AmendComputeOrder | CancelComputeOrder | RecordFills;
