import { ComputeOrder, EnergyOffer } from '@policloud/domain';
import { MatchingEnergyOffer, MatchingOrder, MatchingSnapshot } from '@policloud/matching';
import { RunContext } from '../run-events';

/** The facts a run copies into allocations, made up for a random market. */
export function contextOf(snapshot: MatchingSnapshot): RunContext {
  return {
    sites: Object.fromEntries(
      snapshot.sites.map((site) => [
        site.siteId,
        {
          country: site.country,
          operatorJurisdiction: site.operatorJurisdiction,
          operatorLegalEntity: `Operator of ${site.siteId}`,
          certifications: [...site.certifications],
          hostParticipantId: `host-${site.siteId}`,
          gpuModel: site.gpuModel,
        },
      ]),
    ),
    offers: Object.fromEntries(
      snapshot.offers.map((offer, i) => [
        offer.offerId,
        { state: offerOf(offer), revision: i % 4 },
      ]),
    ),
    orders: Object.fromEntries(
      snapshot.orders.map((order, i) => [
        order.orderId,
        { state: orderOf(order), revision: i % 3 },
      ]),
    ),
    // every other site's capacity stream exists already
    capacity: Object.fromEntries(
      snapshot.sites
        .filter((_, i) => i % 2 === 0)
        .map((site, i) => [
          site.siteId,
          { state: { runIds: ['run-0'], maintenanceIds: [] }, revision: i },
        ]),
    ),
  };
}

/** The offer as listed, its unallocated energy as offered. */
function offerOf({ unallocatedWh, ...offer }: MatchingEnergyOffer): EnergyOffer {
  return {
    ...offer,
    siteIds: [...offer.siteIds],
    listedAt: '2026-01-01T00:00:00.000Z',
    status: 'open',
    slots: Object.fromEntries(
      Object.entries(unallocatedWh).map(([slot, wh]) => [
        slot,
        { offeredWh: wh, allocatedWh: 0, curtailedWh: 0 },
      ]),
    ),
  };
}

/** The order as placed, with what it has left to fill. */
function orderOf(order: MatchingOrder): ComputeOrder {
  return {
    orderId: order.orderId,
    buyerId: order.buyerId,
    placedAt: order.placedAt,
    gpus: order.gpus,
    hours: order.hours,
    earliestStart: order.earliestStart,
    deadline: order.deadline,
    maxPricePerGpuHour: order.maxPricePerGpuHour,
    currency: order.currency,
    allOrNone: order.allOrNone,
    constraints: {},
    status: 'open',
    filledGpuHours: order.gpus * order.hours - order.remainingGpuHours,
    fills: [],
  };
}
