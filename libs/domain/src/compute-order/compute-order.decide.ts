import { DomainError, FieldError } from '../shared/domain-error';
import { parseGpuModel } from '../shared/gpu-model';
import { parseCarbonIntensity } from '../shared/energy';
import { parseGeoPoint } from '../shared/geo';
import { parseJurisdiction } from '../shared/jurisdictions';
import { parseCurrency, parseUnitPrice } from '../shared/money';
import { MAX_HORIZON_HOURS, parseInstant, parseSlot, slotHour, slotOf } from '../shared/slots';
import {
  errorsOf,
  fail,
  isPlainObject,
  ok,
  parseBoolean,
  parseId,
  parseInteger,
  parseList,
  parseOptional,
  Parsed,
  throwIfInvalid,
  unknownKeys,
  validFields,
} from '../shared/validation';
import { parseGpuCount } from '../site/site.decide';
import {
  CancelComputeOrder,
  ComputeOrderCommand,
  PlaceComputeOrder,
  RecordFills,
} from './compute-order.commands';
import {
  ComputeOrderCancelled,
  ComputeOrderEvent,
  ComputeOrderFilled,
  ComputeOrderPlaced,
  OrderConstraints,
} from './compute-order.events';
import { ComputeOrder, ComputeOrderState, orderedGpuHours } from './compute-order.evolve';

/** Half the Earth's circumference: any farther limit constrains nothing. */
const MAX_DISTANCE_KM = 20_038;

export function decideComputeOrder(
  command: ComputeOrderCommand,
  state: ComputeOrderState,
): ComputeOrderEvent[] {
  switch (command.type) {
    case 'PlaceComputeOrder':
      return [placeComputeOrder(command.data, state)];
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
  return data.fills.map((fill, index) => {
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
      type: 'ComputeOrderFilled',
      schemaVersion: 1,
      data: {
        orderId: state.orderId,
        allocationId: fill.allocationId,
        siteId: fill.siteId,
        slot: fill.slot,
        gpus: fill.gpus,
        pricePerGpuHour: fill.pricePerGpuHour,
      },
    };
  });
}

function placeComputeOrder(
  data: PlaceComputeOrder['data'],
  state: ComputeOrderState,
): ComputeOrderPlaced {
  if (state.status !== 'absent') {
    throw DomainError.conflict(`Compute order ${data.orderId} is already placed`);
  }
  const input = validFields({
    orderId: parseId(data.orderId, 'orderId'),
    buyerId: parseId(data.buyerId, 'buyerId'),
    placedAt: parseInstant(data.placedAt, 'placedAt'),
    gpus: parseGpuCount(data.gpus, 'gpus'),
    hours: parseOrderHours(data.hours, 'hours'),
    earliestStart: parseSlot(data.earliestStart, 'earliestStart'),
    deadline: parseSlot(data.deadline, 'deadline'),
    gpuModel: parseOptional(data.gpuModel, 'gpuModel', parseGpuModel),
    maxPricePerGpuHour: parseUnitPrice(data.maxPricePerGpuHour, 'maxPricePerGpuHour'),
    currency: parseCurrency(data.currency, 'currency'),
    allOrNone: parseOptional(data.allOrNone, 'allOrNone', parseBoolean),
    constraints: parseOptional(data.constraints, 'constraints', parseOrderConstraints),
  });
  const currentSlot = slotOf(input.placedAt);
  throwIfInvalid([
    ...(slotHour(input.earliestStart) < slotHour(currentSlot)
      ? [{ field: 'earliestStart', message: `must not be before the current slot, ${currentSlot}` }]
      : []),
    ...orderWindowErrors(input),
  ]);
  const { gpuModel, allOrNone, constraints, ...required } = input;
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

function cancelComputeOrder(
  data: CancelComputeOrder['data'],
  state: ComputeOrderState,
): ComputeOrderCancelled {
  if (state.status === 'absent') throw DomainError.notFound('Compute order', data.orderId);
  if (data.actorId !== state.buyerId) {
    throw DomainError.forbidden(`Compute order ${state.orderId} belongs to another buyer`);
  }
  assertCancellable(state);
  const input = validFields({ cancelledAt: parseInstant(data.cancelledAt, 'cancelledAt') });
  return {
    type: 'ComputeOrderCancelled',
    schemaVersion: 1,
    data: {
      orderId: state.orderId,
      cancelledAt: input.cancelledAt,
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

const CONSTRAINT_KEYS = [
  'jurisdictions',
  'sovereignOperator',
  'maxDistanceKm',
  'renewableOnly',
  'maxCarbonGPerKwh',
];

/**
 * The window `[earliestStart, deadline)` holds the hours asked for and spans at most
 * MAX_HORIZON_HOURS; a refusal names `deadline`. Nothing is said while a field it reads breaks
 * its own rule: that rule says why.
 */
export function orderWindowErrors(order: {
  earliestStart?: unknown;
  deadline?: unknown;
  hours?: unknown;
}): FieldError[] {
  const earliestStart = parseSlot(order.earliestStart, 'earliestStart');
  const deadline = parseSlot(order.deadline, 'deadline');
  const hours = parseOrderHours(order.hours, 'hours');
  if (!earliestStart.ok || !deadline.ok || !hours.ok) return [];
  const window = slotHour(deadline.value) - slotHour(earliestStart.value);
  if (window < hours.value) {
    return [
      {
        field: 'deadline',
        message: `must leave at least ${hours.value} hours after earliestStart`,
      },
    ];
  }
  if (window > MAX_HORIZON_HOURS) {
    return [
      { field: 'deadline', message: `the window must not exceed ${MAX_HORIZON_HOURS} hours` },
    ];
  }
  return [];
}

/** GPU-hours are asked for 1 to MAX_HORIZON_HOURS hours. */
export function parseOrderHours(value: unknown, field: string): Parsed<number> {
  return parseInteger(value, field, { min: 1, max: MAX_HORIZON_HOURS });
}

export function parseOrderConstraints(value: unknown, field: string): Parsed<OrderConstraints> {
  if (!isPlainObject(value)) return fail(field, 'must be an object');
  const jurisdictions = parseOptional(
    value.jurisdictions,
    `${field}.jurisdictions`,
    (list, listField) =>
      parseList(list, listField, parseJurisdiction, { min: 1, max: 300, uniqueBy: (code) => code }),
  );
  const sovereignOperator = parseOptional(
    value.sovereignOperator,
    `${field}.sovereignOperator`,
    parseBoolean,
  );
  const maxDistanceKm = parseOptional(
    value.maxDistanceKm,
    `${field}.maxDistanceKm`,
    parseDistanceLimit,
  );
  const renewableOnly = parseOptional(value.renewableOnly, `${field}.renewableOnly`, parseBoolean);
  const maxCarbonGPerKwh = parseOptional(
    value.maxCarbonGPerKwh,
    `${field}.maxCarbonGPerKwh`,
    parseCarbonIntensity,
  );
  const errors = [
    ...unknownKeys(value, field, CONSTRAINT_KEYS),
    ...errorsOf(jurisdictions, sovereignOperator, maxDistanceKm, renewableOnly, maxCarbonGPerKwh),
  ];
  if (
    !jurisdictions.ok ||
    !sovereignOperator.ok ||
    !maxDistanceKm.ok ||
    !renewableOnly.ok ||
    !maxCarbonGPerKwh.ok ||
    errors.length > 0
  ) {
    return { ok: false, errors };
  }
  return ok({
    ...(jurisdictions.value !== undefined && { jurisdictions: jurisdictions.value }),
    ...(sovereignOperator.value !== undefined && { sovereignOperator: sovereignOperator.value }),
    ...(maxDistanceKm.value !== undefined && { maxDistanceKm: maxDistanceKm.value }),
    ...(renewableOnly.value !== undefined && { renewableOnly: renewableOnly.value }),
    ...(maxCarbonGPerKwh.value !== undefined && { maxCarbonGPerKwh: maxCarbonGPerKwh.value }),
  });
}

function parseDistanceLimit(
  value: unknown,
  field: string,
): Parsed<NonNullable<OrderConstraints['maxDistanceKm']>> {
  if (!isPlainObject(value)) return fail(field, 'must be an object with origin and km');
  const origin = parseGeoPoint(value.origin, `${field}.origin`);
  const km = parseInteger(value.km, `${field}.km`, { min: 1, max: MAX_DISTANCE_KM });
  const errors = [...unknownKeys(value, field, ['origin', 'km']), ...errorsOf(origin, km)];
  return origin.ok && km.ok && errors.length === 0
    ? ok({ origin: origin.value, km: km.value })
    : { ok: false, errors };
}
