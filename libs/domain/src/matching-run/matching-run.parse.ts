import { ENERGY_SOURCES } from '../energy-offer/energy-offer.events';
import { FieldError } from '../shared/domain-error';
import { parseGpuModel } from '../shared/gpu-model';
import { BPS_WHOLE } from '../shared/bps';
import { parseCountry } from '../shared/countries';
import { parseCarbonIntensity, parseWh } from '../shared/energy';
import { parseCurrency, parseMinorUnits } from '../shared/money';
import { MAX_HORIZON_HOURS, parseInstant, parseSlot, slotHour } from '../shared/slots';
import {
  fail,
  ok,
  parsedFields,
  parseId,
  parseInteger,
  parseList,
  parseObject,
  parseOneOf,
  parseOptional,
  Parsed,
  parseText,
  Unparsed,
} from '../shared/validation';
import { parseCertifications, parseGpuCount } from '../site/site.parse';
import { RecordedAllocation, RecordMatchingRun } from './matching-run.commands';
import { ClearingPrice, MatchingHorizon } from './matching-run.events';
import { parseUnfilledOrderReason, UnfilledOrderReason } from './unfilled-orders';

type Allocation = RecordedAllocation;

/**
 * Bound on one run's per-slot allocations (and site-hour prices), all in its single append. They
 * are recorded as ranges, so the events are far fewer; a week of the 2030 network (1,000 sites,
 * 100,000 orders) allocates about 500,000 order-hours.
 */
export const MAX_ALLOCATIONS_PER_RUN = 1_000_000;
export const MAX_UNFILLED_ORDERS_PER_RUN = 100_000;
/** Offers one allocation may draw on in its slot (an agreement lists at most 100 producers). */
export const MAX_OFFERS_PER_ALLOCATION = 100;
/** The largest `e` a site can have: 10 kW per GPU × PUE 3. */
export const MAX_ENERGY_PER_GPU_HOUR_WH = 30_000;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The matching engine's output into the typed command, or every field error at once. The engine
 * is trusted for optimality (welfare, who got what) and for what it read (offers, sites, orders
 * at `inputPosition`), not for the consistency of the record itself, checked here. Whether the
 * run is already recorded is for decide.
 */
export function parseRecordMatchingRun(
  data: Unparsed<RecordMatchingRun['data']>,
): Parsed<RecordMatchingRun> {
  const fields = parsedFields({
    runId: parseId(data.runId, 'runId'),
    requestedBy: parseId(data.requestedBy, 'requestedBy'),
    completedAt: parseInstant(data.completedAt, 'completedAt'),
    horizon: parseHorizon(data.horizon, 'horizon'),
    inputPosition: parseInteger(data.inputPosition, 'inputPosition', { min: 0 }),
    inputHash: parseSha256Hex(data.inputHash, 'inputHash'),
    platformFeeBps: parseInteger(data.platformFeeBps, 'platformFeeBps', {
      min: 0,
      max: BPS_WHOLE - 1,
    }),
    welfare: parseMinorUnits(data.welfare, 'welfare'),
    allocations: parseList(data.allocations, 'allocations', parseAllocation, {
      max: MAX_ALLOCATIONS_PER_RUN,
      uniqueBy: (allocation) => allocation.allocationId,
      uniqueField: 'allocationId',
    }),
    prices: parseList(data.prices, 'prices', parsePrice, {
      max: MAX_ALLOCATIONS_PER_RUN,
      uniqueBy: (price) => `${price.siteId} at ${price.slot}`,
      uniqueField: 'slot',
    }),
    unfilledOrderIds: parseList(data.unfilledOrderIds, 'unfilledOrderIds', parseId, {
      max: MAX_UNFILLED_ORDERS_PER_RUN,
      uniqueBy: (id) => id,
    }),
    unfilled: parseOptional(data.unfilled, 'unfilled', (list, field) =>
      parseList(list, field, parseUnfilledOrderReason, {
        max: MAX_UNFILLED_ORDERS_PER_RUN,
        uniqueBy: (reason) => reason.orderId,
        uniqueField: 'orderId',
      }),
    ),
  });
  if (!fields.ok) return fields;
  const input = fields.value;
  const errors = [
    ...horizonErrors(input.horizon, input.allocations, input.prices),
    ...allocationErrors(input.allocations),
    ...priceErrors(input.allocations, input.prices),
    ...consistencyErrors(input.allocations, input.prices),
    ...unfilledErrors(input.unfilledOrderIds, input.unfilled),
  ];
  if (errors.length > 0) return { ok: false, errors };
  const { unfilled, ...rest } = input;
  return ok({ type: 'RecordMatchingRun', data: unfilled ? { ...rest, unfilled } : rest });
}

// ---------------------------------------------------------------- fields

function parseHorizon(value: unknown, field: string): Parsed<MatchingHorizon> {
  const parsed = parseObject(value, field, { from: parseSlot, to: parseSlot });
  if (!parsed.ok) return parsed;
  const hours = slotHour(parsed.value.to) - slotHour(parsed.value.from);
  if (hours < 1) return fail(`${field}.to`, 'must be after from (the horizon is [from, to))');
  if (hours > MAX_HORIZON_HOURS) {
    return fail(`${field}.to`, `the horizon must not exceed ${MAX_HORIZON_HOURS} hours`);
  }
  return parsed;
}

function parseSha256Hex(value: unknown, field: string): Parsed<string> {
  return typeof value === 'string' && SHA256_HEX.test(value)
    ? ok(value)
    : fail(field, 'must be a SHA-256 digest as 64 lowercase hexadecimal digits');
}

function parseAllocation(value: unknown, field: string): Parsed<Allocation> {
  return parseObject(value, field, {
    allocationId: parseId,
    orderId: parseId,
    buyerId: parseId,
    siteId: parseId,
    slot: parseSlot,
    gpus: (gpus, gpusField) => parseGpuCount(gpus, gpusField),
    pricePerGpuHour: parseMinorUnits,
    currency: parseCurrency,
    energyPerGpuHourWh: (wh, whField) =>
      parseInteger(wh, whField, { min: 1, max: MAX_ENERGY_PER_GPU_HOUR_WH }),
    reservePerGpuHour: parseMinorUnits,
    energy: (energy, energyField) =>
      parseList(energy, energyField, parseEnergy, {
        min: 1,
        max: MAX_OFFERS_PER_ALLOCATION,
        uniqueBy: (entry) => entry.offerId,
        uniqueField: 'offerId',
      }),
    site: parseAllocationSite,
  });
}

function parseEnergy(value: unknown, field: string) {
  return parseObject(value, field, {
    offerId: parseId,
    producerId: parseId,
    wh: (wh, whField) => parseWh(wh, whField, 1),
    source: (source, sourceField) => parseOneOf(source, sourceField, ENERGY_SOURCES),
    carbonGPerKwh: parseCarbonIntensity,
    floorPricePerMwh: parseMinorUnits,
  });
}

function parseAllocationSite(value: unknown, field: string) {
  return parseObject(value, field, {
    country: parseCountry,
    operatorJurisdiction: parseCountry,
    operatorLegalEntity: (text, textField) => parseText(text, textField),
    certifications: parseCertifications,
    hostParticipantId: parseId,
    gpuModel: parseGpuModel,
  });
}

function parsePrice(value: unknown, field: string): Parsed<ClearingPrice> {
  return parseObject(value, field, {
    siteId: parseId,
    slot: parseSlot,
    currency: parseCurrency,
    pricePerGpuHour: parseMinorUnits,
  });
}

// ---------------------------------------------------------------- rules across fields

function horizonErrors(
  horizon: MatchingHorizon,
  allocations: readonly Allocation[],
  prices: readonly ClearingPrice[],
): FieldError[] {
  const from = slotHour(horizon.from);
  const to = slotHour(horizon.to);
  const outside = (slot: string) => slotHour(slot) < from || slotHour(slot) >= to;
  const message = `must be in the horizon [${horizon.from}, ${horizon.to})`;
  return [
    ...allocations.flatMap((allocation, i) =>
      outside(allocation.slot) ? [{ field: `allocations[${i}].slot`, message }] : [],
    ),
    ...prices.flatMap((price, i) =>
      outside(price.slot) ? [{ field: `prices[${i}].slot`, message }] : [],
    ),
  ];
}

/** Each allocation on its own: paid at least its reserve, with the energy its GPUs need. */
function allocationErrors(allocations: readonly Allocation[]): FieldError[] {
  return allocations.flatMap((allocation, i): FieldError[] => {
    const errors: FieldError[] = [];
    if (allocation.pricePerGpuHour < allocation.reservePerGpuHour) {
      errors.push({
        field: `allocations[${i}].pricePerGpuHour`,
        message: `must be at least the reserve, ${allocation.reservePerGpuHour}`,
      });
    }
    const needed = allocation.gpus * allocation.energyPerGpuHourWh;
    const supplied = allocation.energy.reduce((sum, entry) => sum + entry.wh, 0);
    if (supplied < needed) {
      errors.push({
        field: `allocations[${i}].energy`,
        message: `supplies ${supplied} Wh; ${allocation.gpus} GPUs × ${allocation.energyPerGpuHourWh} Wh need ${needed}`,
      });
    }
    return errors;
  });
}

const priceKey = (siteId: string, slot: string) => `${siteId} at ${slot}`;

/** One uniform price per (site, slot): every allocation there pays the listed one, and only
 *  (site, slot)s with allocations list one. */
function priceErrors(
  allocations: readonly Allocation[],
  prices: readonly ClearingPrice[],
): FieldError[] {
  const listed = new Map(prices.map((price) => [priceKey(price.siteId, price.slot), price]));
  const errors: FieldError[] = [];
  allocations.forEach((allocation, i) => {
    const key = priceKey(allocation.siteId, allocation.slot);
    const price = listed.get(key);
    if (!price) {
      errors.push({
        field: `allocations[${i}].pricePerGpuHour`,
        message: `no clearing price is listed for site ${key}`,
      });
      return;
    }
    if (allocation.currency !== price.currency) {
      errors.push({
        field: `allocations[${i}].currency`,
        message: `must be ${price.currency}, the currency of the clearing price of site ${key}`,
      });
    }
    if (allocation.pricePerGpuHour !== price.pricePerGpuHour) {
      errors.push({
        field: `allocations[${i}].pricePerGpuHour`,
        message: `must be ${price.pricePerGpuHour}, the clearing price of site ${key}`,
      });
    }
  });
  const allocated = new Set(allocations.map((a) => priceKey(a.siteId, a.slot)));
  prices.forEach((price, i) => {
    const key = priceKey(price.siteId, price.slot);
    if (!allocated.has(key)) {
      errors.push({ field: `prices[${i}]`, message: `site ${key} has no allocation to price` });
    }
  });
  return errors;
}

/**
 * A run reads one snapshot of the log, so what it says about one order, site or offer is the
 * same wherever it says it; and an order runs on one site at a time, so it has at most one
 * allocation per slot.
 */
function consistencyErrors(
  allocations: readonly Allocation[],
  prices: readonly ClearingPrice[],
): FieldError[] {
  const errors: FieldError[] = [];
  const orders = new Map<string, { index: number; buyerId: string; currency: string }>();
  const orderSlots = new Map<string, string>();
  const sites = new Map<string, { index: number; facts: string }>();
  const offers = new Map<string, { at: string; facts: string }>();

  allocations.forEach((allocation, i) => {
    const at = `allocations[${i}]`;
    const order = orders.get(allocation.orderId);
    if (!order) {
      orders.set(allocation.orderId, {
        index: i,
        buyerId: allocation.buyerId,
        currency: allocation.currency,
      });
    } else {
      if (order.buyerId !== allocation.buyerId) {
        errors.push({
          field: `${at}.buyerId`,
          message: `must be ${order.buyerId}, the buyer of order ${allocation.orderId} in allocations[${order.index}]`,
        });
      }
      if (order.currency !== allocation.currency) {
        errors.push({
          field: `${at}.currency`,
          message: `must be ${order.currency}, the currency of order ${allocation.orderId} in allocations[${order.index}]`,
        });
      }
    }
    const orderSlot = `${allocation.orderId} at ${allocation.slot}`;
    const sameSlot = orderSlots.get(orderSlot);
    if (sameSlot !== undefined) {
      errors.push({
        field: `${at}.orderId`,
        message: `order ${allocation.orderId} already has allocation ${sameSlot} in slot ${allocation.slot}`,
      });
    } else {
      orderSlots.set(orderSlot, allocation.allocationId);
    }

    const siteFacts = JSON.stringify([allocation.site, allocation.energyPerGpuHourWh]);
    const site = sites.get(allocation.siteId);
    if (!site) {
      sites.set(allocation.siteId, { index: i, facts: siteFacts });
    } else if (site.facts !== siteFacts) {
      errors.push({
        field: `${at}.site`,
        message: `must describe site ${allocation.siteId} as allocations[${site.index}] does (site and energyPerGpuHourWh)`,
      });
    }

    allocation.energy.forEach((entry, k) => {
      const { wh: _, ...offer } = entry;
      const facts = JSON.stringify([offer, allocation.currency]);
      const seen = offers.get(entry.offerId);
      if (!seen) {
        offers.set(entry.offerId, { at: `${at}.energy[${k}]`, facts });
      } else if (seen.facts !== facts) {
        errors.push({
          field: `${at}.energy[${k}]`,
          message: `must describe offer ${entry.offerId} as ${seen.at} does (producer, source, carbon, floor price and currency)`,
        });
      }
    });
  });

  const siteCurrencies = new Map<string, { index: number; currency: string }>();
  prices.forEach((price, i) => {
    const first = siteCurrencies.get(price.siteId);
    if (!first) siteCurrencies.set(price.siteId, { index: i, currency: price.currency });
    else if (first.currency !== price.currency) {
      errors.push({
        field: `prices[${i}].currency`,
        message: `must be ${first.currency}, the currency of site ${price.siteId} in prices[${first.index}]`,
      });
    }
  });
  return errors;
}

/** The reasons, when given, are for exactly the orders listed unfilled. */
function unfilledErrors(
  unfilledOrderIds: readonly string[],
  reasons: readonly UnfilledOrderReason[] | undefined,
): FieldError[] {
  if (!reasons) return [];
  const listed = new Set(unfilledOrderIds);
  const errors: FieldError[] = reasons.flatMap((reason, i) =>
    listed.has(reason.orderId)
      ? []
      : [{ field: `unfilled[${i}].orderId`, message: 'is not in unfilledOrderIds' }],
  );
  if (reasons.length !== listed.size && errors.length === 0) {
    errors.push({ field: 'unfilled', message: 'must give a reason for every unfilled order' });
  }
  return errors;
}
