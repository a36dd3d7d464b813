import {
  addHours,
  gpusAvailableAt,
  slotHour,
  unallocatedWh,
} from '@policloud/domain';
import { MatchingSnapshot } from '@policloud/matching';
import { MarketHistory } from '@policloud/projections';

export interface Horizon {
  from: string;
  to: string;
}

/** The matching snapshot of a horizon, from the market as of one position. Pure. */
export function matchingSnapshot(history: MarketHistory, horizon: Horizon, platformFeeBps: number): MatchingSnapshot {
  const slots = Array.from({ length: slotHour(horizon.to) - slotHour(horizon.from) }, (_, i) => addHours(horizon.from, i));
  const perSlot = (value: (slot: string) => number) =>
    Object.fromEntries(slots.map((slot) => [slot, value(slot)]).filter(([, v]) => (v as number) > 0));

  const sites = [...history.sites.values()]
    .map(({ state }) => state)
    .filter((site) => site.status === 'active')
    .map((site) => {
      const allocated = history.allocatedGpus.get(site.siteId);
      return {
        siteId: site.siteId,
        country: site.country,
        operatorJurisdiction: site.operatorJurisdiction,
        certifications: site.certifications,
        gpuModel: site.gpuModel,
        location: site.location,
        currency: site.currency,
        reservePricePerGpuHour: site.reservePricePerGpuHour,
        energyPerGpuHourWh: site.energyPerGpuHourWh,
        freeGpus: perSlot((slot) => gpusAvailableAt(site, slot) - (allocated?.get(slot) ?? 0)),
      };
    });

  const offers = [...history.offers.values()]
    .map(({ state }) => state)
    .filter((offer) => offer.status === 'open')
    .map((offer) => ({
      offerId: offer.offerId,
      producerId: offer.producerId,
      siteIds: offer.siteIds,
      source: offer.source,
      carbonGPerKwh: offer.carbonGPerKwh,
      floorPricePerMwh: offer.floorPricePerMwh,
      currency: offer.currency,
      unallocatedWh: perSlot((slot) => unallocatedWh(offer, slot)),
    }));

  const orders = [...history.orders.values()]
    .map(({ state }) => state)
    .filter((order) => order.status === 'open' || order.status === 'partially_filled')
    .map((order) => ({
      orderId: order.orderId,
      buyerId: order.buyerId,
      placedAt: order.placedAt,
      gpus: order.gpus,
      hours: order.hours,
      remainingGpuHours: order.gpus * order.hours - order.filledGpuHours,
      filledSlots: order.fills.map((fill) => fill.slot),
      earliestStart: order.earliestStart,
      deadline: order.deadline,
      ...(order.gpuModel ? { gpuModel: order.gpuModel } : {}),
      maxPricePerGpuHour: order.maxPricePerGpuHour,
      currency: order.currency,
      allOrNone: order.allOrNone,
      constraints: order.constraints,
    }));

  return { horizon: { start: horizon.from, end: horizon.to }, platformFeeBps, orders, sites, offers };
}
