import {
  ComputeOrder,
  computeOrderDecider,
  EnergyOffer,
  energyOfferDecider,
  Participant,
  participantDecider,
  eventOfType,
  expectEvent,
  Site,
  siteDecider,
} from '@policloud/domain';
import { In } from 'typeorm';
import { RecordedEvent } from '@policloud/event-store';
import { Projection } from '../projection';
import { upsertRows } from '../upsert-rows';
import { aggregateStateProjection } from './aggregate-state.projection';
import {
  ApiKeyRow,
  ComputeOrderRow,
  EnergyOfferRow,
  EnergyOfferSlotRow,
  ParticipantRow,
  SiteRow,
} from './marketplace.entities';

const participants = aggregateStateProjection<Participant, ParticipantRow>({
  decider: participantDecider as never,
  entity: ParticipantRow,
  table: 'rm_participants',
  columns: () => ({}),
});

/** API keys by hash, for authentication: only the hash is ever stored. */
const apiKeys: Projection = {
  name: 'rm_api_keys',
  eventTypes: ['ApiKeyIssued'],
  tables: ['rm_api_keys'],
  async apply(event, manager) {
    const { data } = expectEvent(event, 'ApiKeyIssued');
    await manager.getRepository(ApiKeyRow).save({
      keyHash: data.keyHash,
      keyId: data.keyId,
      participantId: data.participantId,
    });
  },
};

const sites = aggregateStateProjection<Site, SiteRow>({
  decider: siteDecider as never,
  entity: SiteRow,
  table: 'rm_sites',
  keepsCreationOrder: true,
  columns: (site) => ({ status: site.status, country: site.country }),
});

const energyOffers = aggregateStateProjection<EnergyOffer, EnergyOfferRow>({
  decider: energyOfferDecider as never,
  entity: EnergyOfferRow,
  table: 'rm_energy_offers',
  keepsCreationOrder: true,
  columns: (offer) => ({ producerId: offer.producerId, status: offer.status }),
  derived: {
    tables: ['rm_energy_offer_slots'],
    /** Rewrites only the slots the events touched (all of them on listing or withdrawal). */
    async write(offerId, offer, events, manager) {
      const touched = slotsTouched(events) ?? Object.keys(offer.slots);
      const rows = touched
        .filter((slot) => offer.slots[slot])
        .map((slot) => {
          const energy = offer.slots[slot];
          return {
            offerId,
            slot,
            offeredWh: energy.offeredWh,
            allocatedWh: energy.allocatedWh,
            curtailedWh: energy.curtailedWh,
            remainingWh:
              offer.status === 'withdrawn' ? 0 : Math.max(0, energy.offeredWh - energy.allocatedWh),
          };
        });
      const slots = manager.getRepository(EnergyOfferSlotRow);
      const gone = touched.filter((slot) => !offer.slots[slot]);
      if (gone.length) await slots.delete({ offerId, slot: In(gone) });
      await upsertRows(slots, rows, ['offerId', 'slot']);
    },
  },
});

/** The slots a page of offer events changed, or undefined when every slot may have. */
function slotsTouched(events: RecordedEvent[]): string[] | undefined {
  const slots = new Set<string>();
  for (const event of events) {
    const allocated = eventOfType(event, 'EnergyAllocated');
    const curtailed = eventOfType(event, 'CurtailmentReported');
    const amended = eventOfType(event, 'EnergyOfferAmended');
    if (allocated) allocated.data.draws.forEach((draw) => slots.add(draw.slot));
    else if (curtailed) slots.add(curtailed.data.slot);
    else if (amended) amended.data.profile.forEach((entry) => slots.add(entry.slot));
    else return undefined;
  }
  return [...slots];
}

const computeOrders = aggregateStateProjection<ComputeOrder, ComputeOrderRow>({
  decider: computeOrderDecider as never,
  entity: ComputeOrderRow,
  table: 'rm_compute_orders',
  keepsCreationOrder: true,
  columns: (order) => ({ buyerId: order.buyerId, status: order.status, placedAt: order.placedAt }),
});

export const MARKETPLACE_PROJECTIONS: Projection[] = [
  participants,
  apiKeys,
  sites,
  energyOffers,
  computeOrders,
];
