import { Decider } from '../shared/aggregate';
import { ComputeOrderCommand } from './compute-order.commands';
import { decideComputeOrder } from './compute-order.decide';
import { ComputeOrderEvent } from './compute-order.events';
import {
  ComputeOrderState,
  evolveComputeOrder,
  initialComputeOrderState,
} from './compute-order.evolve';

export * from './compute-order.commands';
export * from './compute-order.decide';
export * from './compute-order.events';
export * from './compute-order.evolve';
export * from './compute-order.parse';
export * from './compute-order.upcasters';

export const computeOrderDecider: Decider<
  ComputeOrderState,
  ComputeOrderCommand,
  ComputeOrderEvent
> = {
  name: 'compute-order',
  initialState: initialComputeOrderState,
  decide: decideComputeOrder,
  evolve: evolveComputeOrder,
};

/** No dash in the prefix: the Kafka relay names topics after the stream id up to its first dash. */
export const computeOrderStreamId = (orderId: string): string => `computeorder-${orderId}`;
