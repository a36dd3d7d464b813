import { FieldError } from '../shared/domain-error';
import { parseCarbonIntensity } from '../shared/energy';
import { parseGeoPoint } from '../shared/geo';
import { parseGpuModel } from '../shared/gpu-model';
import { parseJurisdiction } from '../shared/jurisdictions';
import { parseCurrency, parseUnitPrice } from '../shared/money';
import { MAX_HORIZON_HOURS, parseInstant, parseSlot, slotHour, slotOf } from '../shared/slots';
import {
  errorsOf,
  fail,
  isPlainObject,
  ok,
  parseBoolean,
  parsedFields,
  parseId,
  parseInteger,
  parseList,
  parseOptional,
  Parsed,
  unknownKeys,
  Unparsed,
} from '../shared/validation';
import { parseGpuCount } from '../site/site.parse';
import { AmendComputeOrder, OrderTerms, PlaceComputeOrder } from './compute-order.commands';
import { OrderConstraints } from './compute-order.events';

/** Half the Earth's circumference: any farther limit constrains nothing. */
const MAX_DISTANCE_KM = 20_038;

/**
 * An order as the edge receives it (the buyer's fields, the id, buyer and time the service adds)
 * into the typed command, or every field error at once. Rules that read only the command live
 * here; decide keeps those that read the order's stream.
 */
export function parsePlaceComputeOrder(
  data: Unparsed<PlaceComputeOrder['data']>,
): Parsed<PlaceComputeOrder> {
  const fields = parsedFields({
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
  if (!fields.ok) return fields;
  const { gpuModel, allOrNone, constraints, ...required } = fields.value;
  const currentSlot = slotOf(required.placedAt);
  const errors = [
    ...(slotHour(required.earliestStart) < slotHour(currentSlot)
      ? [{ field: 'earliestStart', message: `must not be before the current slot, ${currentSlot}` }]
      : []),
    ...orderWindowErrors(required),
  ];
  if (errors.length > 0) return { ok: false, errors };
  return ok({
    type: 'PlaceComputeOrder',
    data: {
      ...required,
      ...(gpuModel !== undefined && { gpuModel }),
      ...(allOrNone !== undefined && { allOrNone }),
      ...(constraints !== undefined && { constraints }),
    },
  });
}

/** The terms an amendment may change (README "Amend an order"). */
export const AMENDABLE_ORDER_TERMS: readonly (keyof OrderTerms)[] = [
  'gpus',
  'hours',
  'earliestStart',
  'deadline',
  'gpuModel',
  'maxPricePerGpuHour',
  'allOrNone',
  'constraints',
];

/**
 * An amendment as the edge receives it into the typed command: at least one term, each valid on
 * its own, a new earliestStart not in the past. Whether the window still holds the hours, with
 * the terms that do not change, is decide's to check (it reads the order).
 */
export function parseAmendComputeOrder(
  data: Unparsed<AmendComputeOrder['data']>,
): Parsed<AmendComputeOrder> {
  const changes = isPlainObject(data.changes) ? data.changes : {};
  const fields = parsedFields({
    orderId: parseId(data.orderId, 'orderId'),
    actorId: parseId(data.actorId, 'actorId'),
    amendedAt: parseInstant(data.amendedAt, 'amendedAt'),
    gpus: parseOptional(changes.gpus, 'gpus', parseGpuCount),
    hours: parseOptional(changes.hours, 'hours', parseOrderHours),
    earliestStart: parseOptional(changes.earliestStart, 'earliestStart', parseSlot),
    deadline: parseOptional(changes.deadline, 'deadline', parseSlot),
    gpuModel: parseOptional(changes.gpuModel, 'gpuModel', parseGpuModel),
    maxPricePerGpuHour: parseOptional(
      changes.maxPricePerGpuHour,
      'maxPricePerGpuHour',
      parseUnitPrice,
    ),
    allOrNone: parseOptional(changes.allOrNone, 'allOrNone', parseBoolean),
    constraints: parseOptional(changes.constraints, 'constraints', parseOrderConstraints),
  });
  const unknown = Object.keys(changes)
    .filter((key) => !(AMENDABLE_ORDER_TERMS as readonly string[]).includes(key))
    .map((key) => ({ field: key, message: 'is not a term an amendment may change' }));
  if (!fields.ok) return { ok: false, errors: [...fields.errors, ...unknown] };
  const { orderId, actorId, amendedAt, ...terms } = fields.value;
  const present = Object.fromEntries(
    Object.entries(terms).filter(([, value]) => value !== undefined),
  ) as Partial<OrderTerms>;
  const currentSlot = slotOf(amendedAt);
  const errors = [
    ...unknown,
    ...(Object.keys(present).length === 0 && unknown.length === 0
      ? [
          {
            field: 'body',
            message: `must change at least one of ${AMENDABLE_ORDER_TERMS.join(', ')}`,
          },
        ]
      : []),
    ...(present.earliestStart !== undefined &&
    slotHour(present.earliestStart) < slotHour(currentSlot)
      ? [{ field: 'earliestStart', message: `must not be before the current slot, ${currentSlot}` }]
      : []),
  ];
  if (errors.length > 0) return { ok: false, errors };
  return ok({ type: 'AmendComputeOrder', data: { orderId, actorId, amendedAt, changes: present } });
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
