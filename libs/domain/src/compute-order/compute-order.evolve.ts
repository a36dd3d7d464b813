import { CorruptStreamError } from '../shared/aggregate';
import { MAX_UNIT_PRICE } from '../shared/money';
import { MAX_HORIZON_HOURS } from '../shared/slots';
import { MAX_GPUS_PER_SITE } from '../site/site.parse';
import { ComputeOrderEvent, ComputeOrderPlaced, OrderFill } from './compute-order.events';

export type ComputeOrderStatus = 'open' | 'partially_filled' | 'filled' | 'cancelled';

export type { OrderFill };

export type ComputeOrder = ComputeOrderPlaced['data'] & {
  status: ComputeOrderStatus;
  filledGpuHours: number;
  fills: OrderFill[];
  cancelledAt?: string;
  amendedAt?: string;
};

export type ComputeOrderState = { status: 'absent' } | ComputeOrder;

export const initialComputeOrderState = (): ComputeOrderState => ({ status: 'absent' });

/**
 * Whether the order lies within the bounds placement enforces today (price, GPUs, hours). An
 * order stored before a bound was introduced may not: matching leaves it out rather than let
 * its figures break a run for everyone else.
 */
export const withinOrderBounds = (
  order: Pick<ComputeOrder, 'gpus' | 'hours' | 'maxPricePerGpuHour'>,
): boolean =>
  Number.isSafeInteger(order.maxPricePerGpuHour) &&
  order.maxPricePerGpuHour <= MAX_UNIT_PRICE &&
  Number.isSafeInteger(order.gpus) &&
  order.gpus <= MAX_GPUS_PER_SITE &&
  Number.isSafeInteger(order.hours) &&
  order.hours <= MAX_HORIZON_HOURS;

export const orderedGpuHours = (order: Pick<ComputeOrder, 'gpus' | 'hours'>): number =>
  order.gpus * order.hours;

export function evolveComputeOrder(
  state: ComputeOrderState,
  event: ComputeOrderEvent,
): ComputeOrderState {
  if (event.type === 'ComputeOrderPlaced') {
    return { ...event.data, status: 'open', filledGpuHours: 0, fills: [] };
  }
  if (state.status === 'absent') {
    throw new CorruptStreamError('compute-order', `${event.type} before ComputeOrderPlaced`);
  }
  switch (event.type) {
    case 'ComputeOrderAmended':
      return { ...state, ...event.data.changes, amendedAt: event.data.amendedAt };
    case 'ComputeOrderCancelled':
      return { ...state, status: 'cancelled', cancelledAt: event.data.cancelledAt };
    case 'ComputeOrderFilled': {
      const { fills } = event.data;
      const filledGpuHours = fills.reduce((sum, fill) => sum + fill.gpus, state.filledGpuHours);
      // A fill racing a cancellation still counts, but the order stays cancelled.
      const status =
        state.status === 'cancelled'
          ? 'cancelled'
          : filledGpuHours >= orderedGpuHours(state)
            ? 'filled'
            : 'partially_filled';
      return { ...state, status, filledGpuHours, fills: [...state.fills, ...fills] };
    }
  }
}
