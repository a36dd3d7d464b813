/**
 * The rules of one allocation, as small pure functions shared by the engine, the verifier and the
 * MILP reference model, so the three can never disagree on what is allowed or what it costs.
 */
import {
  distanceKm,
  isEuJurisdiction,
  isRenewable,
  isWithinJurisdictions,
  reservePricePerGpuHour,
  slotHour,
} from '@policloud/domain';
import { MatchingEnergyOffer, MatchingHorizon, MatchingOrder, MatchingSite } from './types';

/**
 * Static filters of a site for an order: currency, GPU model, jurisdictions (countries and blocs),
 * EU operator (`sovereignOperator`) and great-circle distance from the order's origin. Energy
 * constraints are judged per offer (`offerQualifiesForOrder`).
 */
export function siteEligibleForOrder(order: MatchingOrder, site: MatchingSite): boolean {
  const { constraints } = order;
  if (site.currency !== order.currency) return false;
  if (order.gpuModel !== undefined && order.gpuModel !== site.gpuModel) return false;
  if (
    constraints.jurisdictions !== undefined &&
    !isWithinJurisdictions(site.country, constraints.jurisdictions)
  ) {
    return false;
  }
  if (constraints.sovereignOperator === true && !isEuJurisdiction(site.operatorJurisdiction)) {
    return false;
  }
  if (
    constraints.maxDistanceKm !== undefined &&
    distanceKm(constraints.maxDistanceKm.origin, site.location) > constraints.maxDistanceKm.km
  ) {
    return false;
  }
  return true;
}

/**
 * May energy of this offer power this order? `renewableOnly` excludes the grid mix, and
 * `maxCarbonGPerKwh` is judged offer by offer: every offer an allocation draws from must be at
 * or under the cap (not the average of the mix), so each Wh is traceable to a qualifying source.
 */
export function offerQualifiesForOrder(
  order: Pick<MatchingOrder, 'constraints'>,
  offer: Pick<MatchingEnergyOffer, 'source' | 'carbonGPerKwh'>,
): boolean {
  const { renewableOnly, maxCarbonGPerKwh } = order.constraints;
  if (renewableOnly === true && !isRenewable(offer.source)) return false;
  if (maxCarbonGPerKwh !== undefined && offer.carbonGPerKwh > maxCarbonGPerKwh) return false;
  return true;
}

/** May this offer feed this site at all? It must list the site and be priced in its currency. */
export function offerFeedsSite(offer: MatchingEnergyOffer, site: MatchingSite): boolean {
  return offer.currency === site.currency && offer.siteIds.includes(site.siteId);
}

/**
 * Energy part of the reserve of one GPU-hour at `site` powered only by `offer`:
 * `ceil(e × floor / (1 − fee))` in minor units (the domain's `reservePricePerGpuHour` without
 * the site's own reserve).
 */
export function energyReservePerGpuHour(
  site: Pick<MatchingSite, 'energyPerGpuHourWh'>,
  offer: Pick<MatchingEnergyOffer, 'floorPricePerMwh'>,
  platformFeeBps: number,
): number {
  return reservePricePerGpuHour({
    siteReservePerGpuHour: 0,
    energyPerGpuHourWh: site.energyPerGpuHourWh,
    energyFloorPricePerMwh: offer.floorPricePerMwh,
    platformFeeBps,
  });
}

/** ⌈a / b⌉ for non-negative safe integers, without floating-point division. */
export function ceilDiv(a: number, b: number): number {
  const rest = a % b;
  return (a - rest) / b + (rest > 0 ? 1 : 0);
}

/**
 * Reserve per GPU-hour of an allocation with the energy it actually draws:
 * `max(site reserve, ⌈Σ wh_k × energyReserve_k / Σ wh_k⌉)`, the Wh-weighted mean of the
 * per-offer energy reserves, rounded up. With one offer it is exactly the domain's
 * `reservePricePerGpuHour`.
 */
export function allocationReservePerGpuHour(
  siteReservePerGpuHour: number,
  draws: readonly { wh: number; energyReservePerGpuHour: number }[],
): number {
  let wh = 0;
  let weighted = 0;
  for (const draw of draws) {
    wh += draw.wh;
    weighted += draw.wh * draw.energyReservePerGpuHour;
  }
  return Math.max(siteReservePerGpuHour, wh === 0 ? 0 : ceilDiv(weighted, wh));
}

/** Slots the order wants from a run: whole slots of `gpus` GPU-hours still to fill. */
export function slotsToFill(order: Pick<MatchingOrder, 'gpus' | 'remainingGpuHours'>): number {
  return Math.floor(order.remainingGpuHours / order.gpus);
}

/** The order's usable slots as horizon indices: its window within the horizon, minus filled slots. */
export function usableSlotIndices(order: MatchingOrder, horizon: MatchingHorizon): number[] {
  const start = slotHour(horizon.start);
  const from = Math.max(slotHour(order.earliestStart), start);
  const to = Math.min(slotHour(order.deadline), slotHour(horizon.end));
  const indices: number[] = [];
  if (order.filledSlots === undefined || order.filledSlots.length === 0) {
    for (let hour = from; hour < to; hour++) indices.push(hour - start);
    return indices;
  }
  const filled = new Set(order.filledSlots.map(slotHour));
  for (let hour = from; hour < to; hour++) if (!filled.has(hour)) indices.push(hour - start);
  return indices;
}
