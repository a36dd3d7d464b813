/**
 * From the domain's events and states to settlement's plain input: what the projector calls
 * while it reads the log.
 */
import { AllocationUsageEvent, deliverableWh, EnergyOffer, Site } from '@policloud/domain';
import { MeteredUsage, OfferSlotSupply, SettlementSite } from './settlement.types';

/** A `UsageReported` or `UsageAmended` event with its id and global log position. */
export function meteredUsageOf(
  eventId: string,
  position: number,
  event: AllocationUsageEvent,
): MeteredUsage {
  const { allocationId, gpuHoursDelivered, whConsumed, heatWhRecovered } = event.data;
  return { eventId, position, allocationId, gpuHoursDelivered, whConsumed, heatWhRecovered };
}

/**
 * The supply of every curtailed slot of an offer (uncurtailed slots need none), with the domain's
 * `deliverableWh`. `slots` restricts it to the slots being settled.
 */
export function offerSlotSupplies(
  offer: EnergyOffer,
  slots?: (slot: string) => boolean,
): OfferSlotSupply[] {
  return Object.entries(offer.slots)
    .filter(([slot, entry]) => entry.curtailedWh > 0 && (slots === undefined || slots(slot)))
    .map(([slot, entry]) => ({
      offerId: offer.offerId,
      slot,
      allocatedWh: entry.allocatedWh,
      deliverableWh: deliverableWh(offer, slot),
    }));
}

export const settlementSiteOf = (site: Pick<Site, 'siteId' | 'agreements'>): SettlementSite => ({
  siteId: site.siteId,
  agreements: site.agreements,
});
