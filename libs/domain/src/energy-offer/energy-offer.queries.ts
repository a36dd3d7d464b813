import { EnergySource, RENEWABLE_SOURCES } from './energy-offer.events';
import { EnergyOffer } from './energy-offer.evolve';

/** Wh of the slot that matching may still allocate (0 for slots not offered). */
export function unallocatedWh(offer: EnergyOffer, slot: string): number {
  const entry = offer.slots[slot];
  return entry ? Math.max(0, entry.offeredWh - entry.allocatedWh) : 0;
}

/** Wh the producer could actually deliver in the slot once curtailment is known. */
export function deliverableWh(offer: EnergyOffer, slot: string): number {
  const entry = offer.slots[slot];
  return entry ? Math.max(0, entry.offeredWh - entry.curtailedWh) : 0;
}

export function isRenewable(source: EnergySource): boolean {
  return RENEWABLE_SOURCES.includes(source);
}
