import { Upcaster } from '../shared/upcasters';
import {
  ComputeOrderFilled,
  ComputeOrderFilledV1,
  ComputeOrderPlaced,
  ComputeOrderPlacedV1,
} from './compute-order.events';

/** v1 orders predate all-or-none: every one of them accepted partial fills. */
export const computeOrderPlacedV1ToV2: Upcaster = {
  type: 'ComputeOrderPlaced',
  fromVersion: 1,
  upcast: (data): ComputeOrderPlaced['data'] => ({
    // Cast kept: an upcaster receives the stored v1 data, which no v2 narrowing helper reads.
    ...(data as ComputeOrderPlacedV1['data']),
    allOrNone: false,
  }),
};

/** A v1 fill was one slot: the v2 event of that one fill. */
export const computeOrderFilledV1ToV2: Upcaster = {
  type: 'ComputeOrderFilled',
  fromVersion: 1,
  upcast: (data): ComputeOrderFilled['data'] => {
    const { orderId, ...fill } = data as ComputeOrderFilledV1['data'];
    return { orderId, fills: [fill] };
  },
};

export const COMPUTE_ORDER_UPCASTERS: readonly Upcaster[] = [
  computeOrderPlacedV1ToV2,
  computeOrderFilledV1ToV2,
];
