import { Upcaster } from '../shared/upcasters';
import { ComputeOrderPlaced, ComputeOrderPlacedV1 } from './compute-order.events';

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

export const COMPUTE_ORDER_UPCASTERS: readonly Upcaster[] = [computeOrderPlacedV1ToV2];
