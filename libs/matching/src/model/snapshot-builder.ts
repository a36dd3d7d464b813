/**
 * The matching snapshot from the domain's states, with the domain's own queries: free GPUs are
 * `gpusAvailableAt` (maintenance, status) less the GPUs earlier fills hold, energy is
 * `unallocatedWh`, and an offer feeds a site only where the site's agreement in force lists its
 * producer (`agreementInForce`).
 */
import {
  agreementInForce,
  ComputeOrder,
  EnergyOffer,
  gpusAvailableAt,
  orderedGpuHours,
  Site,
  slotAt,
  slotHour,
  unallocatedWh,
  withinOrderBounds,
} from '@policloud/domain';
import {
  MatchingEnergyOffer,
  MatchingHorizon,
  MatchingOrder,
  MatchingSite,
  MatchingSnapshot,
} from './types';

export interface SnapshotSources {
  horizon: MatchingHorizon;
  platformFeeBps: number;
  sites: readonly Site[];
  offers: readonly EnergyOffer[];
  /**
   * Every order with fills in the horizon (their GPUs are taken) and every open one (they are
   * matched). Cancelled and filled orders only count through their fills.
   */
  orders: readonly ComputeOrder[];
}

export function buildMatchingSnapshot(sources: SnapshotSources): MatchingSnapshot {
  const start = slotHour(sources.horizon.start);
  const slots = Array.from({ length: Math.max(0, slotHour(sources.horizon.end) - start) }, (_, t) =>
    slotAt(start + t),
  );
  const inHorizon = new Set(slots);

  const held = new Map<string, number>();
  for (const order of sources.orders) {
    for (const fill of order.fills) {
      if (!inHorizon.has(fill.slot)) continue;
      const key = `${fill.siteId}|${fill.slot}`;
      held.set(key, (held.get(key) ?? 0) + fill.gpus);
    }
  }

  const liveSites = sources.sites.filter((site) => site.status !== 'decommissioned');
  const sites: MatchingSite[] = liveSites.map((site) => {
    const freeGpus: Record<string, number> = {};
    for (const slot of slots) {
      const free = gpusAvailableAt(site, slot) - (held.get(`${site.siteId}|${slot}`) ?? 0);
      if (free > 0) freeGpus[slot] = free;
    }
    return {
      siteId: site.siteId,
      country: site.country,
      operatorJurisdiction: site.operatorJurisdiction,
      certifications: [...site.certifications],
      gpuModel: site.gpuModel,
      location: site.location,
      currency: site.currency,
      reservePricePerGpuHour: site.reservePricePerGpuHour,
      energyPerGpuHourWh: site.energyPerGpuHourWh,
      freeGpus,
    };
  });

  const siteById = new Map(liveSites.map((site) => [site.siteId, site]));
  const offers: MatchingEnergyOffer[] = [];
  for (const offer of sources.offers) {
    if (offer.status !== 'open') continue;
    const energy: Record<string, number> = {};
    for (const slot of slots) {
      const wh = unallocatedWh(offer, slot);
      if (wh > 0) energy[slot] = wh;
    }
    const offered = Object.keys(energy);
    if (offered.length === 0) continue;
    // A site is fed only if its agreement lets this producer feed it in every offered slot of
    // the run (conservative when an agreement changes mid-horizon).
    const siteIds = offer.siteIds.filter((siteId) => {
      const site = siteById.get(siteId);
      return (
        site !== undefined &&
        offered.every((slot) =>
          agreementInForce(site, slot)?.producers.some((p) => p.participantId === offer.producerId),
        )
      );
    });
    if (siteIds.length === 0) continue;
    offers.push({
      offerId: offer.offerId,
      producerId: offer.producerId,
      siteIds,
      source: offer.source,
      carbonGPerKwh: offer.carbonGPerKwh,
      floorPricePerMwh: offer.floorPricePerMwh,
      currency: offer.currency,
      unallocatedWh: energy,
    });
  }

  const orders: MatchingOrder[] = sources.orders
    .filter((order) => order.status === 'open' || order.status === 'partially_filled')
    // An order beyond today's bounds (stored before they existed) never takes a run down.
    .filter(withinOrderBounds)
    .map((order) => ({
      orderId: order.orderId,
      buyerId: order.buyerId,
      placedAt: order.placedAt,
      gpus: order.gpus,
      hours: order.hours,
      remainingGpuHours: Math.max(0, orderedGpuHours(order) - order.filledGpuHours),
      filledSlots: order.fills.map((fill) => fill.slot),
      earliestStart: order.earliestStart,
      deadline: order.deadline,
      ...(order.gpuModel !== undefined ? { gpuModel: order.gpuModel } : {}),
      maxPricePerGpuHour: order.maxPricePerGpuHour,
      currency: order.currency,
      allOrNone: order.allOrNone,
      constraints: order.constraints,
    }));

  return {
    horizon: sources.horizon,
    platformFeeBps: sources.platformFeeBps,
    orders,
    sites,
    offers,
  };
}
