import { DomainError } from '../shared/domain-error';
import { slotHour, slotOf } from '../shared/slots';
import { sameValue } from '../shared/same-value';
import { throwIfInvalid } from '../shared/validation';
import {
  AmendComputeOrder,
  CancelComputeOrder,
  ComputeOrderCommand,
  PlaceComputeOrder,
  RecordFills,
} from './compute-order.commands';
import {
  ComputeOrderAmended,
  ComputeOrderCancelled,
  ComputeOrderEvent,
  ComputeOrderFilled,
  OrderFill,
  ComputeOrderPlaced,
} from './compute-order.events';
import { ComputeOrder, ComputeOrderState, orderedGpuHours } from './compute-order.evolve';
import { orderWindowErrors } from './compute-order.parse';

export function decideComputeOrder(
  command: ComputeOrderCommand,
  state: ComputeOrderState,
): ComputeOrderEvent[] {
  switch (command.type) {
    case 'PlaceComputeOrder':
      return [placeComputeOrder(command.data, state)];
    case 'AmendComputeOrder':
      return amendComputeOrder(command.data, state);
    case 'CancelComputeOrder':
      return [cancelComputeOrder(command.data, state)];
    case 'RecordFills':
      return recordFills(command.data, state);
  }
}

/**
 * A matching run fills an open order: each slot once, ever, at most the GPUs ordered, and never
 * beyond the GPU-hours ordered.
 */
function recordFills(data: RecordFills['data'], state: ComputeOrderState): ComputeOrderFilled[] {
  if (state.status === 'absent') throw DomainError.notFound('Compute order', data.orderId);
  if (state.status === 'cancelled' || state.status === 'filled') {
    throw DomainError.conflict(
      `Compute order ${state.orderId} is ${state.status}: it takes no fill`,
    );
  }
  const filledSlots = new Set(state.fills.map((fill) => fill.slot));
  let filledGpuHours = state.filledGpuHours;
  const fills = data.fills.map((fill, index): OrderFill => {
    if (!Number.isSafeInteger(fill.gpus) || fill.gpus < 1 || fill.gpus > state.gpus) {
      throw DomainError.invalid([
        {
          field: `fills[${index}].gpus`,
          message: `must be a whole number from 1 to ${state.gpus}`,
        },
      ]);
    }
    if (filledSlots.has(fill.slot)) {
      throw DomainError.conflict(
        `Compute order ${state.orderId} is already filled in ${fill.slot}`,
      );
    }
    filledSlots.add(fill.slot);
    filledGpuHours += fill.gpus;
    if (filledGpuHours > orderedGpuHours(state)) {
      throw DomainError.conflict(
        `Compute order ${state.orderId} ordered ${orderedGpuHours(state)} GPU-hours: fills exceed them`,
      );
    }
    return {
      allocationId: fill.allocationId,
      siteId: fill.siteId,
      slot: fill.slot,
      gpus: fill.gpus,
      pricePerGpuHour: fill.pricePerGpuHour,
    };
  });
  if (fills.length === 0) return [];
  return [
    { type: 'ComputeOrderFilled', schemaVersion: 2, data: { orderId: state.orderId, fills } },
  ];
}

function placeComputeOrder(
  data: PlaceComputeOrder['data'],
  state: ComputeOrderState,
): ComputeOrderPlaced {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Compute order ${data.orderId} is already placed`);
  }
  const { gpuModel, allOrNone, constraints, ...required } = data;
  return {
    type: 'ComputeOrderPlaced',
    schemaVersion: 2,
    data: {
      ...required,
      ...(gpuModel !== undefined && { gpuModel }),
      allOrNone: allOrNone ?? false,
      constraints: constraints ?? {},
    },
  };
}

/**
 * The buyer changes the terms of its order while nothing of it is allocated: an allocation was
 * made on the terms it had (price, window, GPUs, constraints), so once one exists the order
 * cannot change (cancel the unfilled part and place another). The amended window must still
 * hold the hours asked for and must not have ended. Terms given unchanged are not news.
 */
function amendComputeOrder(
  data: AmendComputeOrder['data'],
  state: ComputeOrderState,
): ComputeOrderAmended[] {
  if (state.status === 'absent') throw DomainError.notFound('Compute order', data.orderId);
  if (data.actorId !== state.buyerId) {
    throw DomainError.forbidden(`Compute order ${state.orderId} belongs to another buyer`);
  }
  if (state.status === 'cancelled') {
    throw DomainError.conflict(`Compute order ${state.orderId} is cancelled: it cannot change`);
  }
  if (state.fills.length > 0) {
    const slots = state.fills.map((fill) => fill.slot);
    throw DomainError.conflict(
      `Compute order ${state.orderId} already has ${state.filledGpuHours} GPU-hours allocated ` +
        `(${slots.slice(0, 3).join(', ')}${slots.length > 3 ? ', …' : ''}), on the terms it had: ` +
        'allocated parts cannot change. Cancel the unfilled part and place a new order instead.',
    );
  }
  const changes = Object.fromEntries(
    Object.entries(data.changes).filter(
      ([term, value]) => !sameValue(value, state[term as keyof typeof data.changes]),
    ),
  ) as AmendComputeOrder['data']['changes'];
  if (Object.keys(changes).length === 0) return [];
  const amended = { ...state, ...changes };
  const currentSlot = slotOf(data.amendedAt);
  throwIfInvalid([
    ...orderWindowErrors(amended),
    ...(slotHour(amended.deadline) <= slotHour(currentSlot)
      ? [{ field: 'deadline', message: `must be after the current slot, ${currentSlot}` }]
      : []),
  ]);
  return [
    {
      type: 'ComputeOrderAmended',
      schemaVersion: 1,
      data: { orderId: state.orderId, amendedAt: data.amendedAt, changes },
    },
  ];
}

function cancelComputeOrder(
  data: CancelComputeOrder['data'],
  state: ComputeOrderState,
): ComputeOrderCancelled {
  if (state.status === 'absent') throw DomainError.notFound('Compute order', data.orderId);
  if (data.actorId !== state.buyerId) {
    throw DomainError.forbidden(`Compute order ${state.orderId} belongs to another buyer`);
  }
  assertCancellable(state);
  return {
    type: 'ComputeOrderCancelled',
    schemaVersion: 1,
    data: {
      orderId: state.orderId,
      cancelledAt: data.cancelledAt,
      cancelledGpuHours: orderedGpuHours(state) - state.filledGpuHours,
    },
  };
}

function assertCancellable(order: ComputeOrder): void {
  if (order.status === 'cancelled') {
    throw DomainError.conflict(`Compute order ${order.orderId} is already cancelled`);
  }
  if (order.status === 'filled') {
    throw DomainError.conflict(`Compute order ${order.orderId} is filled: nothing left to cancel`);
  }
}
