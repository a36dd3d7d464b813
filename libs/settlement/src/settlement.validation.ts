/** Checks of settlement's input: what the event log guarantees, re-checked before money moves. */
import { BPS_WHOLE, SLOT_PATTERN } from '@policloud/domain';
import { SettlementInputError } from './settlement.errors';
import {
  MeteredUsage,
  OfferSlotSupply,
  SettledPool,
  SettlementAllocation,
  SettlementSite,
} from './settlement.types';

export const PERIOD_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The period (calendar month, UTC) of a slot `YYYY-MM-DDTHH:00:00Z`. */
export const periodOfSlot = (slot: string): string => slot.slice(0, 7);

const isCount = (value: unknown, min: number): boolean =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

/** Checks a whole number; the message (built only on failure) names `what()`. */
function count(value: unknown, what: () => string, min = 0): number {
  if (!isCount(value, min)) {
    throw new SettlementInputError(`${what()} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value as number;
}

export function checkPeriod(period: unknown, what = 'period'): string {
  if (typeof period !== 'string' || !PERIOD_PATTERN.test(period)) {
    throw new SettlementInputError(`${what} must be a month YYYY-MM, got ${String(period)}`);
  }
  return period;
}

export function checkFeeBps(bps: unknown, what: string): number {
  count(bps, () => what);
  if ((bps as number) > BPS_WHOLE) throw new SettlementInputError(`${what} exceeds ${BPS_WHOLE}`);
  return bps as number;
}

/** The allocation as the domain guarantees it, checked without building any message. */
function isWellFormed(allocation: SettlementAllocation): boolean {
  const draws = allocation.energy;
  if (
    typeof allocation.allocationId !== 'string' ||
    allocation.allocationId === '' ||
    typeof allocation.slot !== 'string' ||
    !SLOT_PATTERN.test(allocation.slot) ||
    !isCount(allocation.gpus, 1) ||
    !isCount(allocation.pricePerGpuHour, 0) ||
    !isCount(allocation.energyPerGpuHourWh, 0) ||
    (allocation.platformFeeBps !== undefined &&
      !(isCount(allocation.platformFeeBps, 0) && allocation.platformFeeBps <= BPS_WHOLE)) ||
    !Array.isArray(draws) ||
    draws.length === 0
  ) {
    return false;
  }
  for (const draw of draws) {
    if (!isCount(draw.wh, 1) || !isCount(draw.floorPricePerMwh, 0)) return false;
  }
  return draws.length === 1 || new Set(draws.map((draw) => draw.offerId)).size === draws.length;
}

export function checkAllocation(allocation: SettlementAllocation): void {
  if (isWellFormed(allocation)) return;
  const id = allocation.allocationId;
  const draws = allocation.energy;
  if (typeof id !== 'string' || id === '')
    throw new SettlementInputError('allocationId is missing');
  if (typeof allocation.slot !== 'string' || !SLOT_PATTERN.test(allocation.slot)) {
    throw new SettlementInputError(
      `Allocation ${id}: slot ${allocation.slot} is not a whole UTC hour`,
    );
  }
  count(allocation.gpus, () => `Allocation ${id}: gpus`, 1);
  count(allocation.pricePerGpuHour, () => `Allocation ${id}: pricePerGpuHour`);
  count(allocation.energyPerGpuHourWh, () => `Allocation ${id}: energyPerGpuHourWh`);
  if (allocation.platformFeeBps !== undefined) {
    checkFeeBps(allocation.platformFeeBps, `Allocation ${id}: platformFeeBps`);
  }
  if (!Array.isArray(draws) || draws.length === 0) {
    throw new SettlementInputError(`Allocation ${id} draws no energy`);
  }
  for (const draw of draws) {
    count(draw.wh, () => `Allocation ${id}: energy ${draw.offerId} wh`, 1);
    count(draw.floorPricePerMwh, () => `Allocation ${id}: energy ${draw.offerId} floorPricePerMwh`);
  }
  if (draws.length > 1 && new Set(draws.map((draw) => draw.offerId)).size !== draws.length) {
    throw new SettlementInputError(`Allocation ${id} draws twice on one offer`);
  }
}

export function checkUsage(usage: MeteredUsage): void {
  if (
    isCount(usage.position, 0) &&
    isCount(usage.gpuHoursDelivered, 0) &&
    isCount(usage.whConsumed, 0) &&
    isCount(usage.heatWhRecovered, 0)
  ) {
    return;
  }
  const what = `Usage ${usage.eventId}`;
  count(usage.position, () => `${what}: position`);
  count(usage.gpuHoursDelivered, () => `${what}: gpuHoursDelivered`);
  count(usage.whConsumed, () => `${what}: whConsumed`);
  count(usage.heatWhRecovered, () => `${what}: heatWhRecovered`);
}

export function checkUsageFits(usage: MeteredUsage, allocation: SettlementAllocation): void {
  if (usage.gpuHoursDelivered > allocation.gpus) {
    throw new SettlementInputError(
      `Usage ${usage.eventId}: ${usage.gpuHoursDelivered} GPU-hours delivered on ${allocation.gpus} GPUs`,
    );
  }
}

export function checkSite(site: SettlementSite): void {
  const versions = new Set<number>();
  for (const agreement of site.agreements) {
    const what = `Site ${site.siteId} agreement v${agreement.version}`;
    if (versions.has(agreement.version)) throw new SettlementInputError(`${what} is listed twice`);
    versions.add(agreement.version);
    count(agreement.producersShareBps, () => `${what}: producersShareBps`);
    count(agreement.hostShareBps, () => `${what}: hostShareBps`);
    if (agreement.producersShareBps + agreement.hostShareBps !== BPS_WHOLE) {
      throw new SettlementInputError(`${what}: shares must sum to ${BPS_WHOLE} bps`);
    }
    if (agreement.heatPricePerMwh !== undefined) {
      count(agreement.heatPricePerMwh, () => `${what}: heatPricePerMwh`);
    }
  }
}

export function checkSupply(supply: OfferSlotSupply): void {
  const what = `Supply of ${supply.offerId} at ${supply.slot}`;
  count(supply.allocatedWh, () => `${what}: allocatedWh`);
  count(supply.deliverableWh, () => `${what}: deliverableWh`);
}

export function checkRecord(record: SettledPool): void {
  const what = `Settled pool ${record.siteId} ${record.period} v${record.agreementVersion}`;
  checkPeriod(record.period, `${what}: period`);
  checkPeriod(record.settledIn, `${what}: settledIn`);
  for (const line of record.lines) {
    if (!Number.isSafeInteger(line.amount) || !Number.isSafeInteger(line.quantity)) {
      throw new SettlementInputError(`${what}: line ${line.key} is not in whole units`);
    }
  }
}
